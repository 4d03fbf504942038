"""Every environment variable the tool reads is in ``tui/cli/environment.py``, and from there in the README and
every command's ``--help``; the list names nothing the tool does not read."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("env_documented")  # one worker parses the code once for every test

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui"

OWN_OR_AWS = re.compile(r"^((AGENTCORE_TRIAGE|AWS|XDG|SSL)_[A-Z0-9_]*[A-Z0-9]|LC_ALL|LC_MESSAGES|LANG)$")
"""String constants shaped like these are environment variable names wherever they appear in the code."""
READERS = {"os.environ", "os", "env", "environ"}
"""Receivers of ``.get``/``getenv``/``[...]`` that are the process environment (``env`` is build_context's)."""
CGI_KEYS = {"PATH_INFO", "REQUEST_METHOD", "CONTENT_LENGTH", "CONTENT_TYPE", "QUERY_STRING", "SERVER_NAME"}
NOT_ENVIRONMENT = {"AWS_FAULTS"}
"""The sandbox's fault catalogue: not a variable."""


def is_wsgi_key(name: str) -> bool:
    """Request keys of the sandbox's WSGI emulation (PEP 3333: CGI names, ``HTTP_*`` headers, ``wsgi.*``)."""
    return name in CGI_KEYS or name.startswith("HTTP_") or "." in name


SKIPPED_DIRS = {"sample_project"}
"""The sandbox's sample MCP project is the user's code, not the tool's."""


def names_in_code() -> dict[str, str]:
    """Each variable name the code reads, with the first file that names it."""
    return dict(_scan_code())


@functools.cache
def _scan_code() -> dict[str, str]:
    """Parsed once per test process: three tests ask, and parsing every module is most of this file's CPU."""
    found: dict[str, str] = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        if SKIPPED_DIRS & set(file.parts):
            continue
        where = str(file.relative_to(ROOT))
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and OWN_OR_AWS.match(node.value):
                found.setdefault(node.value, where)
            key = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                if node.func.attr in ("get", "getenv", "pop") and ast.unparse(node.func.value) in READERS:
                    key = node.args[0]
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in READERS - {"os"}:
                key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.setdefault(key.value, where)
    return {name: where for name, where in found.items() if name not in NOT_ENVIRONMENT and not is_wsgi_key(name)}


def names_in_list() -> set[str]:
    from tui.cli.environment import names

    return names()


def names_in_readme() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Environment variables", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))


def test_the_scan_finds_the_variables_it_should() -> None:
    found = names_in_code()
    for name in ("AGENTCORE_TRIAGE_DEBUG", "AGENTCORE_TRIAGE_AGENT", "AWS_USE_FIPS_ENDPOINT", "AGENTCORE_TRIAGE_LANG"):
        assert name in found
    assert "PATH_INFO" not in found


def test_every_variable_read_is_in_the_list() -> None:
    missing = {name: where for name, where in names_in_code().items() if name not in names_in_list()}
    assert not missing, f"add to ENVIRONMENT in tui/cli/environment.py (and README's table): {missing}"


def test_the_list_names_only_variables_the_tool_reads() -> None:
    from tui.cli.environment import READ_BY_LIBRARIES

    stale = names_in_list() - set(names_in_code()) - READ_BY_LIBRARIES
    assert not stale, f"tui/cli/environment.py lists variables the code never reads: {sorted(stale)}"
    assert not READ_BY_LIBRARIES & set(names_in_code()), "read by the tool itself: not only by a library"


def test_the_readme_table_lists_the_same_variables() -> None:
    assert names_in_readme() == names_in_list()


def _all_commands() -> list[list[str]]:
    import click

    from tui.cli import main

    paths: list[list[str]] = [[]]

    def walk(command: click.Command, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*path, name])
            walk(sub, [*path, name])

    walk(main, [])
    return paths


def test_every_command_help_lists_every_variable() -> None:
    from click.testing import CliRunner

    from tui.cli import main

    commands = _all_commands()
    assert ["doctor"] in commands and ["audit"] in commands and len(commands) > 8
    for path in commands:
        result = CliRunner().invoke(main, [*path, "--help"], terminal_width=200)
        assert result.exit_code == 0, (path, result.output)
        epilog = result.stdout.split("Environment variables", 1)[-1]
        missing = {name for name in names_in_list() if not re.search(rf"\b{name}\b", epilog)}
        assert not missing, f"`agentcore-triage {' '.join(path)} --help` does not list {sorted(missing)}"
