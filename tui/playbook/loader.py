"""Load playbook YAML with positions, so every error can say ``file:line:col``.

PyYAML's plain loader forgets where values came from and silently keeps the
last of two duplicate keys; this loader composes the node graph itself,
records the position of every key and value, and reports duplicates.

A playbook may come from a colleague, a ticket or the internet, so it is
untrusted input: its size, nesting depth and alias expansion are bounded
(a "billion laughs" file stops at the limit, not after gigabytes), only plain
data tags are accepted (no ``!!python/*``, no merge keys), and every failure,
however odd, is one located ``file:line:col: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tui.i18n import _, os_reason
from tui.playbook.model import Playbook

Path_ = tuple[Any, ...]


def __getattr__(name: str) -> Any:
    # PLAYBOOK_DIR: where the shipped playbooks are in this installation (wheel or checkout; see locate.py)
    if name == "PLAYBOOK_DIR":
        from tui.playbook.locate import playbook_dir

        return playbook_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Limits for untrusted playbooks, each about ten times what the shipped playbook needs (48 KB, ~2,000 YAML nodes,
# nesting depth 9), so a real playbook never meets them and a hostile one is refused in well under a second.
MAX_PLAYBOOK_BYTES = 512 * 1024
"""Largest playbook file read at all."""
MAX_YAML_NODES = 20_000
"""Most YAML nodes (mappings, lists, scalars) one file may hold as written."""
MAX_EXPANDED_VALUES = 50_000
"""Most values the document may hold once aliases (``*name``) are expanded: bounds alias bombs."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists, counting what aliases expand to (bounds recursive aliases too)."""
MAX_REPORTED_ERRORS = 50
"""A file with more errors than this is summarised after the first ones."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass(frozen=True, order=True)
class PlaybookError:
    """One problem in a playbook file, located."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class PlaybookLoadError(Exception):
    """Raised when a playbook cannot be loaded; carries every error found."""

    def __init__(self, errors: list[PlaybookError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Positions:
    """Where each value (and each mapping key) of a loaded document starts."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


@dataclass
class LoadedPlaybook:
    """A playbook plus where it came from."""

    playbook: Playbook
    file: str
    positions: Positions

    def where(self, *path: Any, key: bool = False) -> tuple[int, int]:
        return self.positions.at(tuple(path), key=key)

    def error(self, message: str, *path: Any, key: bool = False) -> PlaybookError:
        line, col = self.where(*path, key=key)
        return PlaybookError(self.file, line, col, message)


class _TooBig(Exception):
    """A limit was reached while composing or building; carries where."""

    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Composer(yaml.SafeLoader):
    """SafeLoader that bounds composition and exposes scalar construction for our own tree walk.

    An alias is returned as a copy of its anchor's node placed where the alias is written (the children are shared,
    not copied), so errors inside an expansion point at the alias.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            node: Any = super().compose_node(parent, index)
            placed: Any = type(node)(node.tag, node.value, event.start_mark, event.end_mark)
            placed.is_alias = True
            return placed  # type: ignore[no-any-return]
        event = self.peek_event()  # type: ignore[no-untyped-call]
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise _TooBig(
                event.start_mark,
                _("more than {count} YAML values: a playbook is not that large").format(count=MAX_YAML_NODES),
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooBig(
                event.start_mark, _("nested deeper than {depth} levels: flatten the structure").format(depth=MAX_DEPTH)
            )
        try:
            composed: Any = super().compose_node(parent, index)
            return composed  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _FastComposer(CParser, _Composer):
        """The same bounded composer, fed by libyaml's C parser (parsing ~1.7x faster) instead of PyYAML's Python one.

        The composition (and so every bound above) stays ours: only scanning and parsing are in C.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._depth = 0
            self._nodes = 0

        # composition is the Python composer's (bounded by ``_Composer.compose_node``), not libyaml's
        get_single_node = yaml.composer.Composer.get_single_node
        get_node = yaml.composer.Composer.get_node
        check_node = yaml.composer.Composer.check_node
        compose_document = yaml.composer.Composer.compose_document

    _LOADER: type[_Composer] = _FastComposer
else:  # pragma: no cover - PyYAML without libyaml
    _LOADER = _Composer


@dataclass
class _Budget:
    """What building the document may still spend (alias expansion counts in full)."""

    values: int = MAX_EXPANDED_VALUES
    constructor: yaml.constructor.SafeConstructor = field(default_factory=yaml.constructor.SafeConstructor)
    """One scalar constructor per document (making one per scalar cost ~30 % of a load)."""


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(
    node: yaml.Node,
    path: Path_,
    pos: Positions,
    errors: list[PlaybookError],
    file: str,
    budget: _Budget | None = None,
    depth: int = 0,
    alias: yaml.Mark | None = None,
) -> Any:
    """Plain data for ``node``; ``alias`` is where the outermost alias being expanded is written (errors point there)."""
    budget = budget if budget is not None else _Budget()
    if alias is None and getattr(node, "is_alias", False):
        alias = node.start_mark
    budget.values -= 1
    if budget.values < 0:
        raise _TooBig(
            alias or node.start_mark,
            _("aliases expand to more than {count} values (an alias bomb?): write the values out").format(
                count=MAX_EXPANDED_VALUES
            ),
        )
    if depth > MAX_DEPTH:
        raise _TooBig(
            alias or node.start_mark,
            _("nested deeper than {depth} levels once aliases are expanded (a recursive alias?)").format(
                depth=MAX_DEPTH
            ),
        )
    pos.values[path] = _mark(node)
    if node.tag not in _PLAIN_TAGS:
        if node.tag == "tag:yaml.org,2002:merge":
            message = "merge keys (<<) are not supported in playbooks: write the keys out"
        else:
            message = f"tag {_short_tag(node.tag)} is not allowed: a playbook holds plain strings, numbers, booleans, lists and mappings"
        errors.append(PlaybookError(file, *_mark(node), message))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                errors.append(
                    PlaybookError(
                        file, *_mark(key_node), "merge keys (<<) are not supported in playbooks: write the keys out"
                    )
                )
                continue
            key = _build(key_node, path + ("<key>",), pos, errors, file, budget, depth + 1, alias)
            if isinstance(key, (list, dict)):
                errors.append(
                    PlaybookError(
                        file,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        "a mapping key must be a plain value",
                    )
                )
                continue
            if key in result:
                first = pos.keys[path + (key,)]
                errors.append(
                    PlaybookError(
                        file,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        f"duplicate key {key!r} (first defined at line {first[0]}); ids must be unique: rename or merge one",
                    )
                )
                continue
            pos.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, path + (key,), pos, errors, file, budget, depth + 1, alias)
        pos.values.pop(path + ("<key>",), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, path + (i,), pos, errors, file, budget, depth + 1, alias) for i, item in enumerate(node.value)
        ]
    if not isinstance(node, yaml.ScalarNode):
        errors.append(PlaybookError(file, *_mark(node), "a mapping tag on a list (or the reverse) is not allowed"))
        return None
    if node.tag == "tag:yaml.org,2002:str":
        return node.value  # what SafeConstructor.construct_yaml_str returns; most scalars of a playbook are strings
    try:
        return budget.constructor.construct_object(node, deep=True)
    except Exception:  # noqa: BLE001 - PyYAML raises ValueError/KeyError/AttributeError/ConstructorError here
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
        errors.append(PlaybookError(file, *_mark(node), f"cannot read {shown!r} as {_short_tag(node.tag)}"))
        return None


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _compose(text: str) -> yaml.Node | None:
    """The node graph, by libyaml when it can; a syntax problem is reported by the Python parser, located the same
    way whichever parser found it (libyaml stops at its own limits first and words its errors differently). A bound
    of ours (``_TooBig``) is raised by our own composition at the same event with either parser, so it is not parsed
    again: a hostile file at the node limit was composed twice, the second time by the slower Python parser."""
    for loader_class in (_LOADER, _Composer) if _LOADER is not _Composer else (_Composer,):
        loader = loader_class(text)
        try:
            node: yaml.Node | None = loader.get_single_node()
            return node
        except yaml.YAMLError:
            if loader_class is _Composer:
                raise
        finally:
            loader.dispose()
    return None


_parsed: dict[tuple[str, str], tuple[bytes | Any, Positions]] = {}
"""Documents parsed in this process (file, text digest) → (data, positions): a playbook is parsed once. The data is
kept as ``marshal`` bytes when it holds only plain values (as YAML's mappings, lists, strings and numbers do): each
hit then builds its private copy in about a fifth of the time ``copy.deepcopy`` takes (0.4 against 1.9 ms for the
shipped playbook; the CLI's doctor, the TUI's start and every validation read it). marshal builds plain values
only, never code; anything else YAML gives (a date) keeps the data itself, deep-copied on each hit."""
MAX_PARSED = 16


def parse_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document, keeping positions; raise ``PlaybookLoadError`` on syntax errors.

    The same text is parsed once per process (a copy of the data is returned: callers may change theirs).
    """
    import copy
    import hashlib
    import marshal

    key = (file, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
    if key in _parsed:
        kept, positions = _parsed[key]
        return (marshal.loads(kept) if isinstance(kept, bytes) else copy.deepcopy(kept)), positions
    data, positions = _parse_yaml(text, file)
    if len(_parsed) >= MAX_PARSED:
        _parsed.pop(next(iter(_parsed)))
    try:
        kept = marshal.dumps(data)
    except ValueError:  # a value marshal does not take (a YAML date)
        kept = copy.deepcopy(data)
    _parsed[key] = (kept, positions)
    return data, positions


def _parse_yaml(text: str, file: str) -> tuple[Any, Positions]:
    positions = Positions()
    errors: list[PlaybookError] = []
    try:
        root = _compose(text)
        if root is None:
            raise PlaybookLoadError(
                [PlaybookError(file, 1, 1, _("empty file: a playbook needs id, title, start and nodes"))]
            )
        data = _build(root, (), positions, errors, file)
    except _TooBig as exc:
        raise PlaybookLoadError([PlaybookError(file, exc.mark.line + 1, exc.mark.column + 1, exc.message)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        what = (
            _("character U+{code:04X}").format(code=exc.character)
            if isinstance(exc.character, int)
            else _("a character")
        )
        raise PlaybookLoadError(
            [
                PlaybookError(
                    file,
                    line,
                    col,
                    _("{what} is not allowed in YAML ({reason}): remove it").format(what=what, reason=exc.reason),
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise PlaybookLoadError(
            [PlaybookError(file, line, col, _("YAML syntax error: {problem}").format(problem=problem))]
        ) from None
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PlaybookLoadError(
            [PlaybookError(file, 1, 1, _("YAML error: {problem}").format(problem=first_line))]
        ) from None
    except RecursionError:  # the limits above should make this unreachable; never a traceback all the same
        raise PlaybookLoadError([PlaybookError(file, 1, 1, _("nested too deeply: flatten the structure"))]) from None
    if errors:
        raise PlaybookLoadError(_capped(errors))
    return data, positions


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    index = max(0, min(index, len(text)))
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _capped(errors: list[PlaybookError]) -> list[PlaybookError]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    last = errors[MAX_REPORTED_ERRORS - 1]
    more = len(errors) - MAX_REPORTED_ERRORS
    return errors[:MAX_REPORTED_ERRORS] + [
        PlaybookError(last.file, last.line, last.col, _("… and {count} more errors").format(count=more))
    ]


def _pydantic_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Map a pydantic error location onto the document path (drop union tags and aliases)."""
    path: list[Any] = []
    cursor = data
    for part in loc:
        if (isinstance(cursor, dict) and part in cursor) or (
            isinstance(cursor, list) and isinstance(part, int) and 0 <= part < len(cursor)
        ):
            path.append(part)
            cursor = cursor[part]
        elif isinstance(cursor, dict) and isinstance(part, str) and part.rstrip("_") in cursor:
            path.append(part.rstrip("_"))
            cursor = cursor[part.rstrip("_")]
        elif isinstance(cursor, dict) and part in ("question", "check", "diagnosis"):
            continue  # discriminated-union tag
        else:
            path.append(part)
            cursor = None
    return tuple(path)


def _format_loc(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _friendly(err: ErrorDetails) -> str:
    msg = err["msg"]
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; `agentcore-triage playbooks schema` lists the fields)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return "unknown node kind: use question, check or diagnosis"
    if kind == "union_tag_not_found":
        return "node needs 'kind: question|check|diagnosis'"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def load_playbook(source: str | Path) -> LoadedPlaybook:
    """Load and schema-check one playbook file (graph checks live in ``validate``)."""
    path = Path(source)
    file = str(source)
    from tui.files import read_regular

    try:
        raw = read_regular(path, MAX_PLAYBOOK_BYTES)  # never more (huge or endless); a pipe or device is refused
    except OSError as exc:
        raise PlaybookLoadError(
            [PlaybookError(file, 1, 1, _("cannot read playbook: {reason}").format(reason=os_reason(exc)))]
        ) from None
    if len(raw) > MAX_PLAYBOOK_BYTES:
        raise PlaybookLoadError(
            [
                PlaybookError(
                    file,
                    1,
                    1,
                    _("playbook is larger than {size} KiB, the limit: split it up").format(
                        size=MAX_PLAYBOOK_BYTES // 1024
                    ),
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", errors="replace")) + 1
        raise PlaybookLoadError(
            [PlaybookError(file, line, col, _("not UTF-8 text: save the playbook as UTF-8"))]
        ) from None
    data, positions = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise PlaybookLoadError(
            [PlaybookError(file, 1, 1, _("a playbook must be a mapping with id, title, start and nodes"))]
        )
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            doc_path = _pydantic_path(tuple(err["loc"]), data)
            is_key = err["type"] == "extra_forbidden"
            if err["type"].startswith("union_tag") and (*doc_path, "kind") in positions.values:
                doc_path = (*doc_path, "kind")  # point at the bad value, not the node
            line, col = positions.at(doc_path, key=is_key)
            where = _format_loc(doc_path)
            errors.append(PlaybookError(file, line, col, f"{where}: {_friendly(err)}" if where else _friendly(err)))
        raise PlaybookLoadError(_capped(sorted(set(errors)))) from None
    return LoadedPlaybook(playbook=playbook, file=file, positions=positions)


def shipped_playbook_files() -> list[Path]:
    """Every playbook shipped with agentcore-triage (found by ``tui.playbook.locate``), not their translations."""
    from tui.playbook import locate

    return [f for f in locate.shipped_playbook_files() if not locate.is_translation_file(f)]


def shipped_playbook(ref: str) -> Path | None:
    """The shipped playbook whose file stem, else whose id, is ``ref``; None when there is none."""
    shipped = shipped_playbook_files()
    found = next((f for f in shipped if f.stem == ref), None)
    for file in shipped if found is None else []:
        try:
            if load_playbook(file).playbook.id == ref:
                return file
        except PlaybookLoadError:
            continue
    return found
