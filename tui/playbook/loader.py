"""Load playbook YAML with positions, so every error can say ``file:line:col``.

PyYAML's plain loader forgets where values came from and silently keeps the
last of two duplicate keys; this loader composes the node graph itself,
records the position of every key and value, and reports duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tui.playbook.model import Playbook

Path_ = tuple[Any, ...]


def __getattr__(name: str) -> Any:
    # PLAYBOOK_DIR: where the shipped playbooks are in this installation (wheel or checkout; see locate.py)
    if name == "PLAYBOOK_DIR":
        from tui.playbook.locate import playbook_dir

        return playbook_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


class _Composer(yaml.SafeLoader):
    """SafeLoader that exposes scalar construction for our own tree walk."""


def _build(node: yaml.Node, path: Path_, pos: Positions, errors: list[PlaybookError], file: str) -> Any:
    pos.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), pos, errors, file)
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
            result[key] = _build(value_node, path + (key,), pos, errors, file)
        pos.values.pop(path + ("<key>",), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), pos, errors, file) for i, item in enumerate(node.value)]
    return _Composer("").construct_object(node, deep=True)


def parse_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document, keeping positions; raise ``PlaybookLoadError`` on syntax errors."""
    positions = Positions()
    errors: list[PlaybookError] = []
    try:
        loader = _Composer(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise PlaybookLoadError([PlaybookError(file, line, col, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise PlaybookLoadError([PlaybookError(file, 1, 1, f"YAML error: {exc}")]) from None
    if root is None:
        raise PlaybookLoadError([PlaybookError(file, 1, 1, "empty file: a playbook needs id, title, start and nodes")])
    data = _build(root, (), positions, errors, file)
    if errors:
        raise PlaybookLoadError(errors)
    return data, positions


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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlaybookLoadError([PlaybookError(file, 1, 1, f"cannot read playbook: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise PlaybookLoadError([PlaybookError(file, line, 1, "not UTF-8 text: save the playbook as UTF-8")]) from None
    data, positions = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise PlaybookLoadError(
            [PlaybookError(file, 1, 1, "a playbook must be a mapping with id, title, start and nodes")]
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
        raise PlaybookLoadError(sorted(set(errors))) from None
    return LoadedPlaybook(playbook=playbook, file=file, positions=positions)


def shipped_playbook_files() -> list[Path]:
    """Every playbook shipped with agentcore-triage (found by ``tui.playbook.locate``), not their translations."""
    from tui.playbook import locate

    return [f for f in locate.shipped_playbook_files() if not locate.is_translation_file(f)]
