"""One runtime dependency set or added in a pyproject.toml by a minimal text edit: the rest of the file (comments,
layout, quoting) is kept byte for byte.

Handles ``[project] dependencies`` (PEP 621: uv, hatch, pdm, setuptools; one-line and multi-line arrays, or the key
added when the table has none) and ``[tool.poetry.dependencies]`` (``name = "range"``, or the ``version`` of a
one-line inline table). Every edit is read back with ``tomllib`` and must give exactly the document it was meant to
(the one dependency changed, nothing else); anything else raises ``CannotEdit`` with the reason and the line to change
by hand.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from tui.i18n import _
from tui.project.scan import _normalize as normalize
from tui.project.scan import _poetry_specifier, requirement_lines


class CannotEdit(Exception):
    """The file is not laid out in a way edited safely here: ``reason`` (translated) and the line to change by hand
    (None when no single line is it)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass
class _String:
    start: int
    end: int
    value: str
    quote: str


_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
"""A table or array-of-tables header (a line inside a multi-line array of strings never starts with ``[``)."""
_BARE_KEY = r"(?:\"([^\"\n]+)\"|'([^'\n]+)'|([A-Za-z0-9_-]+))"


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _section(text: str, header: str) -> tuple[int, int] | None:
    """(start, end) of the body of the table ``[header]`` (dotted parts may be spaced): from after its header line to
    the next table header or the end. None without one."""
    parts = r"[ \t]*\.[ \t]*".join(re.escape(p) for p in header.split("."))
    found = list(re.finditer(r"^[ \t]*\[[ \t]*" + parts + r"[ \t]*\][ \t]*(#[^\n]*)?$", text, re.MULTILINE))
    if len(found) != 1:
        return None
    start = found[0].end() + 1 if found[0].end() < len(text) else len(text)
    following = _HEADER.search(text, start)
    return start, following.start() if following else len(text)


def _string_at(text: str, i: int) -> _String:
    """The one-line TOML string starting at ``text[i]`` (a quote)."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        raise CannotEdit(_("multi-line strings in the dependency list"), _line(text, i))
    j = i + 1
    while j < len(text) and text[j] != quote and text[j] != "\n":
        j += 2 if quote == '"' and text[j] == "\\" else 1
    if j >= len(text) or text[j] != quote:
        raise CannotEdit(_("a string that does not end on its line"), _line(text, i))
    try:
        value = tomllib.loads("v = " + text[i : j + 1])["v"]
    except tomllib.TOMLDecodeError:
        raise CannotEdit(_("a string that does not read as TOML"), _line(text, i)) from None
    return _String(i, j + 1, value, quote)


def _array(text: str, open_index: int) -> tuple[int, list[_String]]:
    """(index of the closing bracket, the strings) of the array whose ``[`` is at ``open_index``; only strings,
    comments and commas may be in it."""
    items: list[_String] = []
    i = open_index + 1
    while i < len(text):
        c = text[i]
        if c in " \t\r\n,":
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif c == "]":
            return i, items
        elif c in "\"'":
            items.append(_string_at(text, i))
            i = items[-1].end
        else:
            raise CannotEdit(_("the dependency list holds something other than strings"), _line(text, i))
    raise CannotEdit(_("the dependency list is not closed"), _line(text, open_index))


def _literal(value: str, quote: str) -> str:
    """``value`` as a TOML string in the file's quote style (a literal string cannot hold ``'``)."""
    if quote == "'" and "'" not in value and not re.search(r"[\x00-\x1f\x7f]", value):
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def _requirement_name(item: str) -> str | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return normalize(Requirement(item).name)
    except InvalidRequirement:
        return None


def same_range(a: str, b: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(a) == SpecifierSet(b)
    except InvalidSpecifier:
        return False


def _respecified(item: str, specifier: str, line: int) -> str:
    """The PEP 508 string ``item`` with ``specifier`` instead of its version range (name, extras, marker kept);
    ``item`` itself when its range is that already."""
    from packaging.requirements import Requirement

    req = Requirement(item)
    if req.url:
        raise CannotEdit(_("it installs from a URL"), line)
    if same_range(str(req.specifier), specifier):
        return item
    extras = "[" + ",".join(sorted(req.extras)) + "]" if req.extras else ""
    return f"{req.name}{extras}{specifier}" + (f"; {req.marker}" if req.marker else "")


def _insert_line(text: str, section: tuple[int, int], line: str) -> str:
    """``line`` added after the last non-blank line of ``section``."""
    start, end = section
    body_end = start + len(text[start:end].rstrip())
    if body_end <= start:  # an empty table: right after its header
        lead = "" if text[start - 1 : start] == "\n" else "\n"
        return text[:start] + lead + line + "\n" + text[start:]
    newline = text.find("\n", body_end)
    if newline < 0:
        return text + "\n" + line + "\n"
    return text[: newline + 1] + line + "\n" + text[newline + 1 :]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _edit_project(text: str, name: str, specifier: str, add: bool, expected: dict[str, Any]) -> str:
    section = _section(text, "project")
    if section is None:
        raise CannotEdit(_("no single [project] table header"))
    start, end = section
    keys = [
        m
        for m in re.finditer(
            r"^[ \t]*(?:dependencies|\"dependencies\"|'dependencies')[ \t]*=[ \t]*", text, re.MULTILINE
        )
        if start <= m.start() < end
    ]
    project = expected["project"]
    if keys and "dependencies" not in project:
        raise CannotEdit(_("`dependencies` is not a list"), _line(text, keys[0].start()))
    if not keys:
        if "dependencies" in project:
            raise CannotEdit(_("`dependencies` is not written as a key of [project]"))
        project["dependencies"] = [name + specifier]
        return _insert_line(text, section, f'dependencies = ["{name}{specifier}"]')
    if len(keys) > 1 or text[keys[0].end() : keys[0].end() + 1] != "[":
        raise CannotEdit(_("`dependencies` is not a list"), _line(text, keys[0].start()))
    open_index = keys[0].end()
    close, items = _array(text, open_index)
    if not add:
        edits = []
        for index, item in enumerate(items):
            if _requirement_name(item.value) == name:
                new = _respecified(item.value, specifier, _line(text, item.start))
                if new != item.value:
                    project["dependencies"][index] = new
                    edits.append((item.start, item.end, _literal(new, item.quote)))
        return _apply(text, edits)
    new = name + specifier
    project["dependencies"].append(new)
    literal = _literal(new, items[-1].quote if items else '"')
    if not items:
        if "\n" not in text[open_index:close]:
            return _apply(text, [(open_index + 1, open_index + 1, literal)])
        line_start = text.rfind("\n", 0, close) + 1
        return _apply(text, [(line_start, line_start, f"    {literal},\n")])
    last = items[-1]
    after = text[last.end : close]
    if "\n" not in after:  # one-line array, or `]` right after the last item
        return _apply(text, [(last.end, last.end, ", " + literal)])
    line_start = text.rfind("\n", 0, last.start) + 1
    lead = text[line_start : last.start]
    indent = lead[: len(lead) - len(lead.lstrip(" \t"))]
    line_end = text.index("\n", last.end) + 1
    if after.lstrip(" \t").startswith(","):
        return _apply(text, [(line_end, line_end, f"{indent}{literal},\n")])
    return _apply(text, [(last.end, last.end, ","), (line_end, line_end, f"{indent}{literal}\n")])


def _edit_poetry(text: str, name: str, specifier: str, add: bool, expected: dict[str, Any]) -> str:
    section = _section(text, "tool.poetry.dependencies")
    if section is None:
        raise CannotEdit(_("no single [tool.poetry.dependencies] table header"))
    start, end = section
    deps = expected["tool"]["poetry"]["dependencies"]
    if add:
        deps[name] = specifier
        return _insert_line(text, section, f'{name} = "{specifier}"')
    for m in re.finditer(r"^[ \t]*" + _BARE_KEY + r"[ \t]*=[ \t]*", text, re.MULTILINE):
        key = next(g for g in m.groups() if g is not None)
        if not start <= m.start() < end or normalize(key) != name:
            continue
        line = _line(text, m.start())
        value_at = m.end()
        if text[value_at : value_at + 1] in ("'", '"'):
            item = _string_at(text, value_at)
            if same_range(_poetry_specifier(item.value), specifier):
                return text
            deps[key] = specifier
            return _apply(text, [(item.start, item.end, _literal(specifier, item.quote))])
        line_end = text.find("\n", value_at)
        inline = text[value_at : len(text) if line_end < 0 else line_end]
        version = re.search(r"[{,][ \t]*version[ \t]*=[ \t]*(?=[\"'])", inline)
        if inline.startswith("{") and version and isinstance(deps.get(key), dict):
            item = _string_at(text, value_at + version.end())
            if same_range(_poetry_specifier(item.value), specifier):
                return text
            deps[key]["version"] = specifier
            return _apply(text, [(item.start, item.end, _literal(specifier, item.quote))])
        raise CannotEdit(_("its value is not a version string"), line)
    raise CannotEdit(_("`{name}` is not written as a key of [tool.poetry.dependencies]").format(name=name))


def set_dependency(text: str, name: str, specifier: str, *, replace: bool = True) -> str:
    """``text`` (a pyproject.toml) with the runtime dependency ``name`` given ``specifier`` (``>=1.23.2,<2``): its
    existing entries changed (``replace=False`` leaves them as they are), or one added when none lists it.

    ``CannotEdit`` when the layout is not one edited here (dynamic dependencies, a list built otherwise, a URL
    requirement) or the result does not read back as exactly that change."""
    name = normalize(name)
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        raise CannotEdit(_("it is not valid TOML")) from None
    project = data.get("project")
    project = project if isinstance(project, dict) else None
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    poetry_deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    poetry_deps = poetry_deps if isinstance(poetry_deps, dict) else None
    dynamic = project is not None and "dependencies" in (project.get("dynamic") or [])
    listed = project.get("dependencies") if project is not None and not dynamic else None
    if listed is not None and not (isinstance(listed, list) and all(isinstance(i, str) for i in listed)):
        raise CannotEdit(_("`dependencies` is not a list of strings"))
    in_project = any(_requirement_name(i) == name for i in listed or [])
    in_poetry = any(normalize(k) == name for k in poetry_deps or {})
    if (in_project or in_poetry) and not replace:
        return text
    expected = copy.deepcopy(data)
    if in_project or (listed is not None and not in_poetry):
        new = _edit_project(text, name, specifier, not in_project, expected)
    elif in_poetry or poetry_deps is not None:
        new = _edit_poetry(text, name, specifier, not in_poetry, expected)
    elif project is not None and not dynamic:
        new = _edit_project(text, name, specifier, True, expected)
    elif dynamic:
        raise CannotEdit(_("[project] declares its dependencies dynamic (the build backend computes them)"))
    else:
        raise CannotEdit(_("it has neither [project] dependencies nor [tool.poetry.dependencies]"))
    try:
        if tomllib.loads(new) == expected:
            return new
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        pass
    raise CannotEdit(_("the edited file would not read back as just that change"))


# ---------------------------------------------------------------------------- requirements files (pip's format)

_HASH_OPTION = re.compile(r"(?:^|\s)--hash[=\s]")
_OPTION = re.compile(r"\s--?[A-Za-z]")
"""Where a requirement's per-requirement options (``--hash=…``, ``--config-settings``) begin (as the scan splits)."""


def _comment_at(line: str) -> int:
    """Where ``line``'s comment begins, with the blanks before it (its length without one): pip's rule, a ``#`` at the
    start or after a blank."""
    found = re.search(r"(?:^|\s)#", line)
    if found is None:
        return len(line)
    return len(line[: found.start()].rstrip())


def _split_options(code: str) -> tuple[str, str]:
    """(the requirement, its per-requirement options) of a logical line."""
    found = _OPTION.search(" " + code)
    if found is None:
        return code.strip(), ""
    return code[: found.start()].strip(), code[found.start() :].strip()


def has_hashes(text: str) -> bool:
    """Whether any requirement of a requirements file carries ``--hash``: pip then runs in hash-checking mode and
    refuses every requirement without a hash (and every one not pinned with ``==``)."""
    return any(_HASH_OPTION.search(code) for _f, _l, code in requirement_lines(text.splitlines()))


def set_requirement(text: str, name: str, specifier: str, *, replace: bool = True) -> str:
    """``text`` (a requirements file, ``\\n`` line endings) with the requirement ``name`` given ``specifier``: every
    logical requirement naming it rewritten whole (all its physical lines; extras, marker, other options and the
    comment of its last line kept), or ``name + specifier`` added as a last line when none does (``replace=False``
    leaves a listed one as it is).

    ``CannotEdit`` for a requirement pinned with ``--hash`` (a new range needs new hashes), one from a URL, or a line
    naming it that does not read as a requirement."""
    name = normalize(name)
    lines = text.splitlines(keepends=True)
    found = False
    for first, last, code in reversed(requirement_lines(lines)):
        if not code.strip() or code.strip().startswith("-"):
            continue
        requirement, options = _split_options(code)
        if _requirement_name(requirement) != name:
            loose = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
            if loose and normalize(loose.group()) == name:
                raise CannotEdit(_("a line that does not read as a requirement"), first + 1)
            continue
        found = True
        if not replace:
            continue
        if _HASH_OPTION.search(" " + options):
            raise CannotEdit(_("it is pinned with --hash"), first + 1)
        new = _respecified(requirement, specifier, first + 1)
        if new == requirement:
            continue
        end = lines[last].rstrip("\r\n")
        comment = end[_comment_at(end) :]
        eol = lines[last][len(end) :]
        lines[first : last + 1] = [new + (" " + options if options else "") + comment + eol]
    if found:
        return "".join(lines)
    if lines and lines[-1].rstrip("\r\n").endswith("\\"):
        raise CannotEdit(_("its last line continues with `\\`"), len(lines))
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines) + name + specifier + "\n"


# ---------------------------------------------------------------------------- compiled requirements files

_TOOLS = (
    ("pip-compile", re.compile(r"autogenerated by pip-compile", re.I)),
    ("uv", re.compile(r"autogenerated by uv\b", re.I)),
)
_VALUE_OPTIONS = {
    "-o",
    "--output-file",
    "-c",
    "--constraint",
    "--constraints",
    "--override",
    "--overrides",
    "-P",
    "--upgrade-package",
    "--build-constraint",
    "--build-constraints",
}
_COMMAND_START = re.compile(r"(pip-compile|uv pip compile|python3? -m piptools compile)(\s|$)")
_SHELL = re.compile(r"[;&|$`<>(){}\\\n\r*?!~]")


@dataclass
class Compiled:
    """What a requirements file says about how it was generated (pip-compile, ``uv pip compile``)."""

    tool: str | None
    """``pip-compile`` or ``uv`` from the header; None when only the ``--hash`` pins say the file is generated."""
    command: str | None
    """The command line the header records (only a plain pip-compile / uv pip compile one: it is shown to be run)."""
    hashes: bool
    sources: list[str]
    """The input files the file names (the header's command, ``# via -r X``, ``# via pkg (pyproject.toml)``)."""
    via: dict[str, list[str]]
    """Requirement name → the input files its ``# via`` lines name (where it is listed)."""


def _via_sources(comment: str) -> list[str]:
    found = re.findall(r"#\s*(?:via\s+)?-r\s+(\S+)", comment)
    found += re.findall(r"#\s*(?:via\s+)?\S+\s+\(([^()\s]*pyproject\.toml)\)", comment)
    return found


def _command_sources(command: str) -> list[str]:
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        return []
    out = []
    for before, word in zip(["", *words], words, strict=False):
        if word.startswith("-") or before in _VALUE_OPTIONS:
            continue
        if word.endswith((".in", ".txt")) or word.rsplit("/", 1)[-1] in ("pyproject.toml", "setup.cfg", "setup.py"):
            out.append(word)
    return out


def compiled(text: str) -> Compiled | None:
    """How the requirements file ``text`` was generated; None when it is not (no pip-compile / uv header, no
    ``--hash``): a file edited by hand."""
    lines = text.splitlines()
    header: list[str] = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line.strip().lstrip("#").strip())
    tool, command = None, None
    for i, line in enumerate(header):
        tool = next((t for t, pattern in _TOOLS if pattern.search(line)), None)
        if tool is None:
            continue
        recorded = next((c for c in header[i + 1 :] if c and not c.endswith(":")), None)
        if recorded and len(recorded) <= 500 and _COMMAND_START.match(recorded) and not _SHELL.search(recorded):
            command = recorded
        break
    hashes = has_hashes(text)
    if tool is None and not hashes:
        return None
    sources = _command_sources(command) if command else []
    via: dict[str, list[str]] = {}
    current: str | None = None
    for first, last, code in requirement_lines(lines):
        if code.strip():  # a requirement (its `# via` lines follow it, or end its line) or an option line
            current = None if code.strip().startswith("-") else _requirement_name(_split_options(code)[0])
        for line in lines[first : last + 1]:
            named = _via_sources(line[_comment_at(line) :])
            sources += named
            if current is not None:
                via.setdefault(current, []).extend(named)
    unique = list(dict.fromkeys(sources))
    return Compiled(tool, command, hashes, unique, {k: list(dict.fromkeys(v)) for k, v in via.items()})
