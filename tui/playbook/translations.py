"""Playbook translations: an overlay file that replaces a playbook's texts and can never change its structure.

``playbooks/agentcore-mcp.ja.yaml`` sits beside ``agentcore-mcp.yaml`` and is keyed by node id and text field::

    playbook: agentcore-mcp
    language: ja
    title: ...                      # the playbook's title and description
    inputs: {log_window_minutes: {prompt: ...}}
    nodes:
      aws-role:
        source: 1a2b3c4d            # digest of the node's English when it was translated
        title: ...
        body: ...
        choices: {"1": ...}         # choice key -> label
        fixes: {l: ...}             # fix key -> label shown in the playbook
        next_steps: [...]           # one per English step, same order
        because: {english reason: 日本語の理由}   # reasons of choices and conditions, keyed by their English

The source playbook stays the one source of truth for the tree: an overlay that names a structural key (``goto``,
``checks``, ``when``…) is rejected with ``file:line:col``, and texts for nodes, choices or fixes the playbook does
not have are reported, never added. A missing text falls back to the English. ``playbooks validate`` reports every
English text without a translation and every node whose English changed since it was translated (``source``): an
error for shipped playbooks, a warning for user playbooks; neither stops a walk.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.playbook.loader import LoadedPlaybook, PlaybookError, PlaybookLoadError, Positions, parse_yaml
from tui.playbook.locate import TRANSLATION_LANGUAGES as LANGUAGES
from tui.playbook.model import CheckNode, DiagnosisNode, Playbook, QuestionNode

"""Languages a playbook can be translated into (English is the source)."""

NODE_TEXT_FIELDS = frozenset({"title", "body", "choices", "fixes", "next_steps", "because", "source"})
TOP_FIELDS = frozenset({"playbook", "language", "title", "description", "inputs", "nodes"})
STRUCTURAL_KEYS = frozenset(
    {"kind", "goto", "checks", "when", "default", "next", "signatures", "severity", "key", "params", "fix", "for"}
    | {"start", "id", "version", "inputs.default", "inputs.pattern", "guide"}
)

MISSING = "no Japanese text"
"""Marks a coverage problem in a message (``is_translation_gap``)."""
STALE = "English changed since it was translated"
WARNING = "warning: "


@dataclass
class NodeTexts:
    """The translated texts of one node (None/empty: not translated)."""

    title: str | None = None
    body: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    fixes: dict[str, str] = field(default_factory=dict)
    next_steps: list[str] | None = None
    because: dict[str, str] = field(default_factory=dict)
    source: str | None = None


@dataclass
class Translation:
    """One overlay file, parsed and shape-checked (not yet compared with its playbook)."""

    file: str
    language: str
    playbook_id: str
    positions: Positions
    title: str | None = None
    description: str | None = None
    prompts: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, NodeTexts] = field(default_factory=dict)

    def error(self, message: str, *path: Any, key: bool = False) -> PlaybookError:
        line, col = self.positions.at(tuple(path), key=key)
        return PlaybookError(self.file, line, col, message)


def translation_file(playbook_file: str | Path, lang: str) -> Path:
    """Where the ``lang`` overlay of a playbook file lives: ``<stem>.<lang>.yaml`` beside it."""
    path = Path(playbook_file)
    return path.with_name(f"{path.stem}.{lang}{path.suffix or '.yaml'}")


def _text(value: Any, tr: Translation, errors: list[PlaybookError], *path: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if value is None:
        return None
    errors.append(tr.error(f"{_dotted(path)}: must be non-empty text", *path))
    return None


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def load_translation(path: str | Path) -> Translation:
    """Parse an overlay; raise ``PlaybookLoadError`` (``file:line:col``) for structural keys and wrong shapes."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookLoadError([PlaybookError(file, 1, 1, f"cannot read translation: {exc}")]) from None
    data, positions = parse_yaml(text, file)
    tr = Translation(file=file, language="", playbook_id="", positions=positions)
    errors: list[PlaybookError] = []
    if not isinstance(data, dict):
        raise PlaybookLoadError([tr.error("a translation must be a mapping with playbook, language and nodes")])
    for key in data:
        if key not in TOP_FIELDS:
            errors.append(_unknown(tr, key, TOP_FIELDS, key))
    tr.playbook_id = str(data.get("playbook") or "")
    tr.language = str(data.get("language") or "")
    if not tr.playbook_id:
        errors.append(tr.error("playbook: required (the id of the playbook this translates)"))
    if tr.language not in LANGUAGES:
        errors.append(tr.error(f"language: must be one of {', '.join(LANGUAGES)}", "language"))
    tr.title = _text(data.get("title"), tr, errors, "title")
    tr.description = _text(data.get("description"), tr, errors, "description")
    inputs = data.get("inputs") or {}
    if not isinstance(inputs, dict):
        errors.append(tr.error("inputs: must map input name -> {prompt: text}", "inputs"))
        inputs = {}
    for name, entry in inputs.items():
        if not isinstance(entry, dict):
            errors.append(tr.error(f"inputs.{name}: must be {{prompt: text}}", "inputs", name))
            continue
        for key in entry:
            if key != "prompt":
                errors.append(_unknown(tr, key, {"prompt"}, "inputs", name, key))
        prompt = _text(entry.get("prompt"), tr, errors, "inputs", name, "prompt")
        if prompt:
            tr.prompts[str(name)] = prompt
    nodes = data.get("nodes") or {}
    if not isinstance(nodes, dict):
        errors.append(tr.error("nodes: must map node id -> texts", "nodes"))
        nodes = {}
    for node_id, entry in nodes.items():
        if not isinstance(entry, dict):
            errors.append(tr.error(f"nodes.{node_id}: must be a mapping of texts", "nodes", node_id))
            continue
        tr.nodes[str(node_id)] = _node_texts(tr, str(node_id), entry, errors)
    if errors:
        raise PlaybookLoadError(sorted(set(errors)))
    return tr


def _unknown(tr: Translation, key: Any, allowed: frozenset[str] | set[str], *path: Any) -> PlaybookError:
    if key in STRUCTURAL_KEYS:
        return tr.error(
            f"{_dotted(path)}: '{key}' is structure, which a translation cannot change: edit the playbook itself",
            *path,
            key=True,
        )
    return tr.error(
        f"{_dotted(path)}: unknown field (a translation holds only {', '.join(sorted(allowed))})", *path, key=True
    )


def _text_map(value: Any, tr: Translation, errors: list[PlaybookError], *path: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(tr.error(f"{_dotted(path)}: must map key -> text", *path))
        return {}
    out = {}
    for key, text in value.items():
        if isinstance(text, dict):
            inner = next(iter(text), "")
            errors.append(_unknown(tr, inner, {"text"}, *path, key, inner))
            continue
        checked = _text(text, tr, errors, *path, key)
        if checked:
            out[str(key)] = checked
    return out


def _node_texts(tr: Translation, node_id: str, entry: dict[str, Any], errors: list[PlaybookError]) -> NodeTexts:
    base = ("nodes", node_id)
    for key in entry:
        if key not in NODE_TEXT_FIELDS:
            errors.append(_unknown(tr, key, NODE_TEXT_FIELDS, *base, key))
    texts = NodeTexts(
        title=_text(entry.get("title"), tr, errors, *base, "title"),
        body=_text(entry.get("body"), tr, errors, *base, "body"),
        choices=_text_map(entry.get("choices"), tr, errors, *base, "choices"),
        fixes=_text_map(entry.get("fixes"), tr, errors, *base, "fixes"),
        because=_text_map(entry.get("because"), tr, errors, *base, "because"),
        source=str(entry["source"]) if entry.get("source") is not None else None,
    )
    steps = entry.get("next_steps")
    if steps is not None:
        if isinstance(steps, list) and all(isinstance(s, str) and s.strip() for s in steps):
            texts.next_steps = list(steps)
        else:
            errors.append(tr.error(f"nodes.{node_id}.next_steps: must be a list of texts", *base, "next_steps"))
    return texts


# ---------------------------------------------------------------------------- the playbook's English texts


def english_texts(playbook: Playbook, node_id: str) -> list[tuple[tuple[Any, ...], str]]:
    """Every user-facing English text of a node, with its path in the playbook file."""
    node = playbook.nodes[node_id]
    base = ("nodes", node_id)
    out: list[tuple[tuple[Any, ...], str]] = [((*base, "title"), node.title)]
    if node.body.strip():
        out.append(((*base, "body"), node.body))
    if isinstance(node, QuestionNode):
        for i, choice in enumerate(node.choices):
            out.append(((*base, "choices", i, "label"), choice.label))
            if choice.because:
                out.append(((*base, "choices", i, "because"), choice.because))
    if isinstance(node, CheckNode):
        for i, cond in enumerate(node.when):
            if cond.because:
                out.append(((*base, "when", i, "because"), cond.because))
    if isinstance(node, DiagnosisNode):
        for i, step in enumerate(node.next_steps):
            out.append(((*base, "next_steps", i), step))
    for i, ref in enumerate(node.fixes):
        if ref.label:
            out.append(((*base, "fixes", i, "label"), ref.label))
    return out


def source_digest(playbook: Playbook, node_id: str) -> str:
    """Short digest of a node's English texts: a translation records it to notice later English edits."""
    payload = json.dumps([text for _, text in english_texts(playbook, node_id)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]


def _translated(path: tuple[Any, ...], english: str, playbook: Playbook, texts: NodeTexts) -> str | None:
    """The translation of the English text at ``path`` (None when the overlay lacks it)."""
    node = playbook.nodes[path[1]]
    field_name = path[2]
    if field_name in ("title", "body"):
        value = getattr(texts, field_name)
        return None if value is None else str(value)
    if path[-1] == "because":
        return texts.because.get(english)
    if field_name == "choices" and isinstance(node, QuestionNode):
        return texts.choices.get(node.choices[path[3]].key)
    if field_name == "fixes":
        return texts.fixes.get(node.fixes[path[3]].key)
    if field_name == "next_steps" and isinstance(node, DiagnosisNode):
        steps = texts.next_steps or []
        return steps[path[3]] if len(steps) == len(node.next_steps) else None
    return None


# ---------------------------------------------------------------------------- applying an overlay

_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_WIDE_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20]|.[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20]")
"""Japanese punctuation (、。「」（）：…) on either side of a line break: no space."""
_BLOCK_START = re.compile(r"\s*([-*+>|#]|\d+\.|```)")


def join_soft_breaks(text: str) -> str:
    """Markdown paragraphs of Japanese text written on several lines, as one line each.

    A line break inside a paragraph is a space in Markdown; between two Japanese characters that space does not
    belong there (Japanese has no spaces between words), and the terminal could not break the line there anyway.
    Lines are joined without a space when both sides are Japanese, with one otherwise; list items, tables,
    headings, code blocks and blank lines are left as they are.
    """
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            continue
        previous = out[-1] if out else ""
        joinable = (
            not in_fence
            and stripped
            and previous.strip()
            and not _BLOCK_START.match(line)
            and not previous.lstrip().startswith(("|", "#", "```"))
            and not (line.startswith("    ") and previous.startswith("    "))
            and not (line.startswith("    ") and not _in_list(out))
        )
        if joinable:
            before = previous.rstrip()
            wide = (_WIDE.match(before[-1]), _WIDE.match(stripped[0]))
            glue = "" if all(wide) or _WIDE_PUNCTUATION.match(before[-1] + stripped[0]) else " "
            out[-1] = before + glue + stripped
        else:
            out.append(line)
    return "\n".join(out)


def _in_list(lines: list[str]) -> bool:
    """The paragraph being built is a list item (its continuation lines may be indented)."""
    for line in reversed(lines):
        if not line.strip():
            return False
        if _BLOCK_START.match(line) and line.lstrip()[:1] in "-*+0123456789":
            return True
    return False


def translate(playbook: Playbook, tr: Translation) -> Playbook:
    """A copy of ``playbook`` with every text the overlay has replaced; structure untouched, gaps stay English.

    Japanese paragraphs written on several lines become one line each (``join_soft_breaks``).
    """
    nodes = {}
    for node_id, node in playbook.nodes.items():
        texts = tr.nodes.get(node_id)
        if texts is None:
            nodes[node_id] = node
            continue
        update: dict[str, Any] = {}
        if texts.title:
            update["title"] = texts.title
        if texts.body:
            update["body"] = join_soft_breaks(texts.body)
        if isinstance(node, QuestionNode):
            update["choices"] = [
                c.model_copy(
                    update={
                        "label": texts.choices.get(c.key, c.label),
                        "because": texts.because.get(c.because, c.because),
                    }
                )
                for c in node.choices
            ]
        if isinstance(node, CheckNode):
            update["when"] = [
                c.model_copy(update={"because": texts.because.get(c.because, c.because)}) for c in node.when
            ]
        if isinstance(node, DiagnosisNode) and texts.next_steps and len(texts.next_steps) == len(node.next_steps):
            update["next_steps"] = [join_soft_breaks(step) for step in texts.next_steps]
        if node.fixes:
            update["fixes"] = [
                f.model_copy(update={"label": texts.fixes.get(f.key, f.label)}) if f.label else f for f in node.fixes
            ]
        nodes[node_id] = node.model_copy(update=update)
    inputs = [i.model_copy(update={"prompt": tr.prompts.get(i.name, i.prompt)}) for i in playbook.inputs]
    return playbook.model_copy(
        update={
            "nodes": nodes,
            "inputs": inputs,
            "title": tr.title or playbook.title,
            "description": tr.description or playbook.description,
            "language": tr.language,
        }
    )


def localize(loaded: LoadedPlaybook, lang: str | None = None) -> LoadedPlaybook:
    """The playbook in ``lang`` (default: the chosen UI language) when an overlay exists; else unchanged.

    A translated playbook asked for in English is read again from its file, so the language can switch both ways.

    Raises ``ValueError`` (one message, ``file:line:col``) when the overlay itself is malformed.
    """
    if lang is None:
        from tui.i18n import current_language

        lang = current_language()
    if loaded.playbook.language == lang:
        return loaded
    if lang not in LANGUAGES:  # back to the source language (a language switch in the TUI): the file is the English
        from tui.playbook.loader import load_playbook

        return load_playbook(loaded.file) if loaded.playbook.language in LANGUAGES else loaded
    path = translation_file(loaded.file, lang)
    if not path.is_file():
        return loaded
    try:
        tr = load_translation(path)
    except PlaybookLoadError as exc:
        raise ValueError("invalid translation:\n" + "\n".join(str(e) for e in exc.errors)) from None
    return LoadedPlaybook(playbook=translate(loaded.playbook, tr), file=loaded.file, positions=loaded.positions)


# ---------------------------------------------------------------------------- validation


def is_shipped(loaded: LoadedPlaybook) -> bool:
    from tui.playbook.locate import playbook_dir

    shipped = playbook_dir()
    return shipped is not None and Path(loaded.file).resolve().parent == shipped.resolve()


def is_translation_gap(error: PlaybookError) -> bool:
    """A missing or stale translation: reported by ``playbooks validate``, never a reason to refuse a walk."""
    return MISSING in error.message or STALE in error.message or "not in the playbook" in error.message


def is_warning(error: PlaybookError) -> bool:
    return error.message.startswith(WARNING)


def translation_problems(loaded: LoadedPlaybook, lang: str = "ja") -> list[PlaybookError]:
    """Malformed overlay (blocking), texts without a translation and stale translations (gaps).

    Gaps are errors for shipped playbooks and warnings for user playbooks; a user playbook without any overlay
    gets one warning, not one per text.
    """
    shipped = is_shipped(loaded)
    prefix = "" if shipped else WARNING
    path = translation_file(loaded.file, lang)
    pb = loaded.playbook
    if not path.is_file():
        if shipped:
            return [loaded.error(f"{MISSING}: {path.name} is missing (every shipped playbook is translated)")]
        return []
    try:
        tr = load_translation(path)
    except PlaybookLoadError as exc:
        return exc.errors
    problems: list[PlaybookError] = []
    if tr.playbook_id != pb.id:
        problems.append(
            tr.error(f"playbook: {tr.playbook_id!r} but {Path(loaded.file).name} has id {pb.id!r}", "playbook")
        )
    name = path.name
    if not tr.title:
        problems.append(loaded.error(f"{prefix}title: {MISSING} (add title to {name})", "title"))
    if pb.description.strip() and not tr.description:
        problems.append(loaded.error(f"{prefix}description: {MISSING} (add description to {name})", "description"))
    for i, inp in enumerate(pb.inputs):
        if inp.name not in tr.prompts:
            problems.append(
                loaded.error(f"{prefix}inputs.{inp.name}.prompt: {MISSING} (add it to {name})", "inputs", i, "prompt")
            )
    for node_id in pb.nodes:
        texts = tr.nodes.get(node_id)
        if texts is None:
            problems.append(
                loaded.error(
                    f"{prefix}nodes.{node_id}: {MISSING} (add nodes.{node_id} to {name})", "nodes", node_id, key=True
                )
            )
            continue
        for text_path, english in english_texts(pb, node_id):
            if not _translated(text_path, english, pb, texts):
                where = _dotted(text_path)
                problems.append(loaded.error(f"{prefix}{where}: {MISSING} (add it to {name})", *text_path))
        digest = source_digest(pb, node_id)
        if texts.source != digest:
            problems.append(
                tr.error(
                    f"{prefix}nodes.{node_id}: {STALE} (source {texts.source or 'not set'}, now {digest}): "
                    f"check the Japanese, then set source: {digest}",
                    "nodes",
                    node_id,
                    "source" if texts.source else "title",
                )
            )
        problems += _orphans(tr, pb, node_id, texts, prefix)
    for node_id in tr.nodes:
        if node_id not in pb.nodes:
            problems.append(
                tr.error(f"{prefix}nodes.{node_id}: not in the playbook; remove it", "nodes", node_id, key=True)
            )
    return problems


def _orphans(tr: Translation, pb: Playbook, node_id: str, texts: NodeTexts, prefix: str) -> list[PlaybookError]:
    """Texts for choices, fixes, steps or reasons the node does not have (they would silently never show)."""
    node = pb.nodes[node_id]
    base = ("nodes", node_id)
    out = []
    choice_keys = {c.key for c in node.choices} if isinstance(node, QuestionNode) else set()
    for key in texts.choices:
        if key not in choice_keys:
            out.append(tr.error(f"{prefix}nodes.{node_id}.choices.{key}: not in the playbook", *base, "choices", key))
    fix_keys = {f.key for f in node.fixes if f.label}
    for key in texts.fixes:
        if key not in fix_keys:
            out.append(
                tr.error(
                    f"{prefix}nodes.{node_id}.fixes.{key}: not in the playbook (or has no label)", *base, "fixes", key
                )
            )
    reasons = {text for path, text in english_texts(pb, node_id) if path[-1] == "because"}
    for english in texts.because:
        if english not in reasons:
            out.append(
                tr.error(
                    f"{prefix}nodes.{node_id}.because: {english!r} is not in the playbook",
                    *base,
                    "because",
                    english,
                    key=True,
                )
            )
    steps = node.next_steps if isinstance(node, DiagnosisNode) else []
    if texts.next_steps is not None and len(texts.next_steps) != len(steps):
        out.append(
            tr.error(
                f"{prefix}nodes.{node_id}.next_steps: {len(texts.next_steps)} steps, the playbook has {len(steps)} "
                "(not in the playbook: one translation per English step, same order)",
                *base,
                "next_steps",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m tui.playbook.translations stamp PLAYBOOK``: print each node's current ``source`` digest."""
    import sys

    from tui.playbook.loader import load_playbook

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "stamp":
        print("usage: python -m tui.playbook.translations stamp PLAYBOOK.yaml", file=sys.stderr)
        return 2
    pb = load_playbook(args[1]).playbook
    for node_id in pb.nodes:
        print(f"{node_id}: {source_digest(pb, node_id)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
