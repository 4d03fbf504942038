"""The compiled signature index shipped beside each playbook (``tui.playbook.signature_index``).

The committed index is what ``build`` writes from the validated playbook today (like the catalogue's freshness
test); it says what the playbook and its overlay say; ``logs`` classifies from it without building the pydantic
model, and falls back to loading the playbook, saying why under ``--verbose``, whenever the index was not built
from the files that are there now (edited YAML or overlay, a missing, garbled, oversized or foreign index)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tui.logs.classify import Classifier
from tui.logs.command import logs_command
from tui.playbook import locate, signature_index
from tui.playbook.loader import load_playbook, shipped_playbook_files
from tui.playbook.signature_index import (
    MAX_INDEX_BYTES,
    MAX_SOURCE_BYTES,
    IndexUnusable,
    build_index,
    index_file,
    index_text,
    read_index,
    shipped_index,
    stale_indexes,
)
from tui.playbook.signatures import SignatureIndex
from tui.playbook.translations import localize, translation_file
from tui.sandbox.logs_seed import seed_logs

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "playbooks" / "agentcore-mcp.yaml"


def test_the_committed_index_is_what_build_writes_from_the_validated_playbook() -> None:
    assert stale_indexes() == [], "rebuild: python -m tui.playbook.signature_index build"
    files = shipped_playbook_files()
    assert files and all(index_file(f).is_file() for f in files)
    # the index is no playbook and no translation: listings and the overlay test skip it
    assert not any(f.name.endswith(".json") for f in [*files, *locate.shipped_playbook_files()])
    assert not locate.is_translation_file(index_file(SHIPPED))


def test_every_shipped_signature_requires_a_literal_word() -> None:
    """`logs` asks CloudWatch only for events holding one of the signatures' literal words, and the classifier's
    prefilter searches for the same words: a signature without one makes `logs` read every event of the window and
    say so (a hold-out round added one written as `(reconnect|re-?initialise)`, which test_logs_ja caught only by the
    English of that note)."""
    from tui.logs.terms import literal_terms

    playbook = load_playbook(SHIPPED).playbook
    wordless = [
        (node_id, pattern)
        for node_id, node in playbook.nodes.items()
        for pattern in getattr(node, "signatures", None) or []
        if literal_terms(pattern) is None
    ]
    assert sum(len(getattr(node, "signatures", None) or []) for node in playbook.nodes.values()) > 100
    assert wordless == [], "give each signature a literal word outside (…|…) groups, or split it in two"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_index_says_what_the_loaded_playbook_says(lang: str) -> None:
    index = read_index(SHIPPED, lang)
    playbook = localize(load_playbook(SHIPPED), lang).playbook
    assert index.id == playbook.id
    assert list(index.nodes) == list(playbook.nodes)
    for node_id, node in playbook.nodes.items():
        assert index.nodes[node_id].title == node.title
        expected = [(str(s), s.noise) for s in node.signatures]  # type: ignore[union-attr]
        assert [(str(s), s.noise) for s in index.nodes[node_id].signatures] == expected
    if lang == "ja":
        assert index.nodes["aws-role-logs"].title != load_playbook(SHIPPED).playbook.nodes["aws-role-logs"].title
    # one classifier code path: the same answers from either
    texts = [
        "An error occurred (AccessDeniedException) when calling the PutLogEvents operation",
        "anyio.ClosedResourceError",
        "The specified log stream does not exist.",
        "Invalid Host header",
        "nothing to see here",
    ]
    from_index, from_model = Classifier(index), Classifier(playbook)
    assert [from_index.classify(t) for t in texts] == [from_model.classify(t) for t in texts]
    assert from_index.literals == from_model.literals


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped playbooks, overlay and index copied where this installation looks for them first."""
    package = tmp_path / "tui"
    shutil.copytree(REPO / "playbooks", package / "playbooks")
    monkeypatch.setattr(locate, "_PACKAGE_DIR", package)
    return package / "playbooks" / "agentcore-mcp.yaml"


def _rewrite_index(playbook: Path, change: Any) -> None:
    target = index_file(playbook)
    data = json.loads(target.read_text(encoding="utf-8"))
    change(data)
    target.write_text(json.dumps(data), encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_fresh_copy_is_used_and_found_by_stem_or_id(shipped_copy: Path) -> None:
    assert isinstance(shipped_index("agentcore-mcp", "en"), SignatureIndex)
    assert shipped_index("agentcore-mcp", "ja").nodes["aws-role-logs"].title == (
        localize(load_playbook(shipped_copy), "ja").playbook.nodes["aws-role-logs"].title
    )
    with pytest.raises(IndexUnusable, match="no shipped playbook 'elsewhere' has an index"):
        shipped_index("elsewhere", "en")


def _hostile_signature(data: dict[str, Any]) -> None:
    data["nodes"]["aws-role-logs"]["signatures"][0]["pattern"] = "(a+)+$"


def _too_big(path: Path) -> None:
    index_file(path).write_text(" " * (MAX_INDEX_BYTES + 1) + "{}", encoding="utf-8")


UNUSABLE: dict[str, tuple[Any, str, str]] = {
    # case: (what is done to the copy, language asked for, the reason given)
    "yaml edited": (lambda p: _edit(p, "title:", "title:  "), "en", "agentcore-mcp.yaml changed since"),
    "overlay edited": (
        lambda p: _edit(translation_file(p, "ja"), "title:", "title:  "),
        "ja",
        "agentcore-mcp.ja.yaml changed since the index was built",
    ),
    "overlay removed": (lambda p: translation_file(p, "ja").unlink(), "ja", "agentcore-mcp.ja.yaml changed since"),
    "overlay added": (
        lambda p: _rewrite_index(p, lambda d: d["translations"].clear()),
        "ja",
        "agentcore-mcp.ja.yaml was added since the index was built",
    ),
    "yaml unreadable, index without a hash": (
        lambda p: (_rewrite_index(p, lambda d: d.update(sha256=None)), p.write_bytes(b"x" * (MAX_SOURCE_BYTES + 1))),
        "en",
        "agentcore-mcp.yaml changed since",
    ),
    "overlay unreadable, index without its hash": (
        lambda p: (
            _rewrite_index(p, lambda d: d["translations"]["ja"].update(sha256=None)),
            translation_file(p, "ja").write_bytes(b"x" * (MAX_SOURCE_BYTES + 1)),
        ),
        "ja",
        "agentcore-mcp.ja.yaml changed since the index was built",
    ),
    "index missing": (lambda p: index_file(p).unlink(), "en", "no signature index agentcore-mcp.index.json"),
    "not json": (lambda p: index_file(p).write_text("{nodes:", encoding="utf-8"), "en", "is not JSON"),
    "too big": (_too_big, "en", f"is larger than {MAX_INDEX_BYTES >> 10} KiB"),
    "other format": (lambda p: _rewrite_index(p, lambda d: d.update(format=2)), "en", "has format 2; this version"),
    "wrong type": (
        lambda p: _rewrite_index(p, lambda d: d["nodes"]["aws-role-logs"].update(signatures="AccessDenied")),
        "en",
        "malformed: nodes.aws-role-logs.signatures: not a list",
    ),
    "noise not a flag": (
        lambda p: _rewrite_index(p, lambda d: d["nodes"]["aws-role-logs"]["signatures"][0].update(noise="yes")),
        "en",
        "malformed: nodes.aws-role-logs.signatures[0].noise",
    ),
    "hostile pattern": (lambda p: _rewrite_index(p, _hostile_signature), "en", "malformed: pattern nests unbounded"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_an_index_not_built_from_these_files_is_not_used(shipped_copy: Path, case: str) -> None:
    change, lang, reason = UNUSABLE[case]
    change(shipped_copy)
    with pytest.raises(IndexUnusable) as caught:
        shipped_index("agentcore-mcp", lang)
    assert reason in str(caught.value)
    with pytest.raises(IndexUnusable):  # the same by id
        shipped_index(shipped_copy.stem if case == "index missing" else "agentcore-mcp", lang)


def test_an_edited_overlay_does_not_stop_english_from_using_the_index(shipped_copy: Path) -> None:
    _edit(translation_file(shipped_copy, "ja"), "title:", "title:  ")
    assert isinstance(shipped_index("agentcore-mcp", "en"), SignatureIndex)


def test_build_refuses_a_playbook_that_does_not_validate(shipped_copy: Path) -> None:
    _edit(shipped_copy, "start: ", "start: no-such-node\nx_start: ")
    with pytest.raises(ValueError, match="does not validate"):
        build_index(shipped_copy)


def test_build_then_check_round_trip(shipped_copy: Path) -> None:
    _edit(shipped_copy, "title: AWS did not answer", "title: AWS stayed silent")
    assert signature_index.main(["check"]) == 1
    assert signature_index.main(["build"]) == 0
    assert signature_index.main(["check"]) == 0
    assert read_index(shipped_copy, "en").nodes["aws-unreachable"].title == "AWS stayed silent"
    assert index_text(build_index(shipped_copy)) == index_file(shipped_copy).read_text(encoding="utf-8")
    assert signature_index.main(["build", str(shipped_copy)]) == 2  # only the shipped playbooks' indexes are read


def _logs(*args: str) -> Any:
    result = CliRunner().invoke(logs_command, list(args))
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.exception
    return result


def test_logs_after_an_edit_without_a_rebuild_is_slower_never_wrong(
    seeded_aws, aws_sandbox, shipped_copy: Path
) -> None:
    info = seeded_aws({"logs-permission-missing"})
    # the events tests/test_logs.py reads: the reader's probe learns once per process whether this server honours
    # filter patterns (moto does not), and a group holding only matching lines would teach it the opposite
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    args = ["--runtime", info.runtime_arn, "--since", "1h", "--format", "json", "-v"]
    result = _logs(*args)
    assert "classifying with the signature index of agentcore-mcp" in result.stderr
    assert json.loads(result.stdout)["groups"][0]["node"] == "aws-role-logs"
    # a developer edits a title and forgets to rebuild: the playbook is loaded, the new title shown
    _edit(shipped_copy, "title: The execution role may not write its logs", "title: Edited, not rebuilt")
    result = _logs(*args)
    assert "loading the playbook agentcore-mcp: agentcore-mcp.yaml changed since" in result.stderr
    top = json.loads(result.stdout)["groups"][0]
    assert (top["node"], top["title"]) == ("aws-role-logs", "Edited, not rebuilt")
    # a playbook given by path is always loaded, even the shipped one
    result = _logs(*args, "--playbook", str(shipped_copy))
    assert "a playbook given by path is always loaded" in result.stderr


PROBE = """
import json, sys
from tui.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "model": sorted(m for m in sys.modules if m.startswith(("pydantic", "tui.playbook")))}))
"""


def _fresh_logs(*args: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "logs", *args], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    out = proc.stdout.strip().splitlines()
    return json.loads("\n".join(out[:-1])), json.loads(out[-1]), proc.stderr


def test_logs_in_a_fresh_interpreter_classifies_without_pydantic(seeded_aws) -> None:
    info = seeded_aws({"logs-permission-missing"})
    args = ["--runtime", info.runtime_arn, "--since", "1h", "--format", "json", "-v"]
    result, probe, stderr = _fresh_logs(*args)
    assert probe["code"] == 1 and result["groups"][0]["node"] == "aws-role-logs", stderr
    assert "classifying with the signature index of agentcore-mcp" in stderr
    assert not any(m.startswith("pydantic") for m in probe["model"]), probe["model"]
    assert "tui.playbook.model" not in probe["model"]
    # the same run from the playbook itself builds the model (what the index spares)
    result, probe, stderr = _fresh_logs(*args, "--playbook", str(SHIPPED))
    assert result["groups"][0]["node"] == "aws-role-logs", stderr
    assert "pydantic" in probe["model"] and "tui.playbook.model" in probe["model"]
