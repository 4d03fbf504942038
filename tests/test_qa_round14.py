"""QA round 14: untrusted input and CLI behaviour found by a fresh-eyes pass (each test says what was seen before)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_qa_cli_inputs import closed_port, invoke, one_line_exit_2

from tui.redact import MASK

# 1. A token source's error line: the words after the variable's or file's name were masked as if they were the token


@pytest.mark.parametrize("name", ["MY_TOKEN", "AUTH_TOKEN", "BEARER_TOKEN", "ACCESS_TOKEN", "API_SECRET"])
@pytest.mark.parametrize(("value", "fragment"), [(None, "not set"), ("  ", "empty"), ("two parts", "space or tab")])
def test_a_token_variable_named_like_a_token_is_named_without_a_mask(
    name: str, value: str | None, fragment: str
) -> None:
    """Seen: `--token-env BEARER_TOKEN` unset said "--token-env BEARER_TOKEN: ***redacted*** environment variable is
    not set": the redactor took "NAME: that" for a secret assignment, so the line read as if a secret were shown."""
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    env = {name: value} if value is not None else {}
    result = invoke("doctor", "--endpoint", endpoint, "--token-env", name, env=env)
    line = one_line_exit_2(result, f"--token-env {name}", fragment)
    assert MASK not in line
    for lang in ("ja",):
        result = invoke("doctor", "--lang", lang, "--endpoint", endpoint, "--token-env", name, env=env)
        assert MASK not in one_line_exit_2(result, f"--token-env {name}")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(None, "no such file"), (b"\n", "empty"), (b"a b", "space or tab"), (b"\xff", "not UTF-8"), ("dir", "directory")],
)
@pytest.mark.parametrize("name", ["token.txt", "secret", "jwt.txt"])
def test_a_token_file_named_like_a_token_is_named_without_a_mask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes | str | None, fragment: str
) -> None:
    """Seen: `--token-file token.txt` (an empty file) said "--token-file token.txt: ***redacted*** file is empty"."""
    monkeypatch.chdir(tmp_path)
    if content == "dir":
        (tmp_path / name).mkdir()
    elif isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    result = invoke("doctor", "--endpoint", endpoint, "--token-file", name)
    assert MASK not in one_line_exit_2(result, f"--token-file {name}", fragment)
