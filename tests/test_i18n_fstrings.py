"""A literal ``_("…")`` inside an f-string is invisible to Babel's extractor: it never reaches the catalogue, so the
text stays English in Japanese mode while every coverage test passes. None may exist."""

from __future__ import annotations

import ast
from pathlib import Path

import tui

GETTEXT_NAMES = {"_", "N_", "gettext", "ngettext"}


def literal_calls_inside_fstrings(source: str) -> list[int]:
    """Lines of gettext calls with a string literal argument nested in an f-string."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Name)
                and sub.func.id in GETTEXT_NAMES
                and sub.args
                and isinstance(sub.args[0], ast.Constant)
                and isinstance(sub.args[0].value, str)
            ):
                lines.append(sub.lineno)
    return lines


def test_the_detector_finds_a_literal_call_in_an_fstring() -> None:
    assert literal_calls_inside_fstrings("x = f\"a {_('b')} c\"\n") == [1]
    assert literal_calls_inside_fstrings('x = f"a {_(name)} c"\n') == []  # a variable: marked with N_() elsewhere
    assert literal_calls_inside_fstrings("x = _('b') + f\"{y}\"\n") == []


def test_no_literal_gettext_call_inside_an_fstring() -> None:
    root = Path(tui.__file__).parent
    found = {
        f"{path.relative_to(root.parent)}:{line}"
        for path in sorted(root.rglob("*.py"))
        for line in literal_calls_inside_fstrings(path.read_text(encoding="utf-8"))
    }
    assert not found, f"move these _() calls out of the f-string (Babel does not extract them): {sorted(found)}"


def test_no_check_result_carries_an_untranslated_remediation() -> None:
    """A result's remediation written as a plain string stayed English under --lang ja (five in project.py: "Point
    --project at the folder …", "Pin `mcp>=2.3,<3`."). The checks' specs are translated where they are shown; a
    result's own remediation must go through ``_()`` where it is made."""
    results = {"failed", "warned", "skipped", "errored", "passed", "CheckResult"}
    plain = []
    for path in sorted((Path(__file__).resolve().parent.parent / "tui" / "checks").rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) in results):
                continue
            for keyword in call.keywords:
                if keyword.arg == "remediation" and isinstance(keyword.value, ast.Constant):
                    plain.append(f"{path.name}:{call.lineno}")
    assert plain == []
