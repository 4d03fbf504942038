"""The compiled signature index shipped beside each playbook, as a ``.mo`` catalogue is shipped beside its ``.po``.

``agentcore-triage logs`` needs of a playbook only its id, node ids, node titles and signatures; building the
pydantic model to get them costs more than the rest of the command's start-up. ``playbooks/<stem>.index.json``
holds exactly those facts (titles in English and in each translation overlay's language), the SHA-256 of the YAML
and of each overlay they were taken from, and the index format. It is built only from a playbook that loads and
validates (the model, then ``localize`` per language)::

    python -m tui.playbook.signature_index build    # after editing a shipped playbook or its overlay
    python -m tui.playbook.signature_index check    # exit 1 while an index is stale (tests/test_signature_index.py)

Reading it (``shipped_index``) imports no pydantic. It is used only when the YAML, and the overlay of the language
asked for, hash to what the index records; anything else (no index, a stale or garbled one) is a reason, and the
caller loads the playbook as before: an edited playbook whose index was not rebuilt is slower, never wrong.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from tui.i18n import _
from tui.playbook import patterns
from tui.playbook.locate import TRANSLATION_LANGUAGES, is_translation_file, shipped_playbook_files
from tui.playbook.signatures import IndexedNode, Signature, SignatureIndex

INDEX_FORMAT = 1
"""Bumped whenever the file's shape changes: an index of another format is not read."""
INDEX_SUFFIX = ".index.json"
MAX_INDEX_BYTES = 1 << 20
"""Largest index read (the shipped one is a few KiB)."""
MAX_SOURCE_BYTES = 512 * 1024
"""Largest playbook or overlay hashed (``tui.playbook.loader.MAX_PLAYBOOK_BYTES``: a larger one does not load)."""


class IndexUnusable(Exception):
    """Why an index cannot stand in for its playbook (one line, for ``--verbose``)."""


def index_file(playbook_file: str | Path) -> Path:
    """Where the index of a playbook file lives: ``<stem>.index.json`` beside it."""
    path = Path(playbook_file)
    return path.with_name(path.stem + INDEX_SUFFIX)


def overlay_file(playbook_file: str | Path, lang: str) -> Path:
    """The ``lang`` overlay beside a playbook file (as ``tui.playbook.translations.translation_file`` names it)."""
    path = Path(playbook_file)
    return path.with_name(f"{path.stem}.{lang}{path.suffix or '.yaml'}")


def digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when it is missing, unreadable or larger than any playbook may be."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    return hashlib.sha256(raw).hexdigest() if len(raw) <= MAX_SOURCE_BYTES else None


# ---------------------------------------------------------------------------- building (from the validated model)


def build_index(playbook_file: str | Path) -> dict[str, Any]:
    """The index of a playbook file, from the playbook loaded, validated and localized into each overlay's language.

    Raises ``ValueError`` (every problem, one per line) when the playbook or an overlay does not validate.
    """
    from tui.playbook.translations import is_translation_gap, localize
    from tui.playbook.validate import validate_file

    path = Path(playbook_file)
    loaded, errors = validate_file(path)
    errors = [e for e in errors if not is_translation_gap(e)]  # a missing text falls back to English, as in use
    if loaded is None or errors:
        raise ValueError(f"{path}: not indexed, the playbook does not validate:\n" + "\n".join(map(str, errors)))
    base = loaded.playbook  # what ``localize`` gives for the playbook's own language, or one it has no overlay for
    nodes = {
        node_id: {
            "title": node.title,
            "signatures": [
                {"pattern": str(sig), "noise": bool(getattr(sig, "noise", False))} for sig in node.signatures
            ],
        }
        for node_id, node in base.nodes.items()
    }
    translations = {}
    for lang in TRANSLATION_LANGUAGES:
        overlay = overlay_file(path, lang)
        if lang == base.language or not overlay.is_file():
            continue
        translated = localize(loaded, lang).playbook  # raises ValueError for a malformed overlay
        translations[lang] = {
            "file": overlay.name,
            "sha256": digest(overlay),
            "titles": {node_id: node.title for node_id, node in translated.nodes.items()},
        }
    return {
        "format": INDEX_FORMAT,
        "playbook": path.name,
        "sha256": digest(path),
        "id": base.id,
        "language": base.language,
        "nodes": nodes,
        "translations": translations,
    }


def index_text(index: dict[str, Any]) -> str:
    """The file's text: stable, so that a rebuild of an unchanged playbook changes nothing."""
    return json.dumps(index, ensure_ascii=False, indent=1) + "\n"


def shipped_playbooks() -> list[Path]:
    return [f for f in shipped_playbook_files() if not is_translation_file(f)]


def stale_indexes() -> list[str]:
    """One line per shipped playbook whose index is missing or differs from what ``build`` would write."""
    stale = []
    for path in shipped_playbooks():
        want = index_text(build_index(path))
        target = index_file(path)
        have = target.read_text(encoding="utf-8") if target.is_file() else None
        if have != want:
            stale.append(
                f"{target}: {'missing' if have is None else 'stale'} (python -m tui.playbook.signature_index build)"
            )
    return stale


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["build"]:
        for path in shipped_playbooks():  # only a shipped playbook's index is ever read
            target = index_file(path)
            try:
                text = index_text(build_index(path))
            except ValueError as exc:
                print(exc, file=sys.stderr)
                return 1
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print(f"wrote {target}")
        return 0
    if args == ["check"]:
        stale = stale_indexes()
        for line in stale:
            print(line, file=sys.stderr)
        return 1 if stale else 0
    print("usage: python -m tui.playbook.signature_index build|check", file=sys.stderr)
    return 2


# ---------------------------------------------------------------------------- reading (no pydantic)


def shipped_index(ref: str, lang: str) -> SignatureIndex:
    """The index of the shipped playbook whose file stem, else whose id, is ``ref``, with node titles in ``lang``.

    Raises ``IndexUnusable`` saying why the playbook itself must be loaded instead (no such shipped playbook here
    included: loading it is what says so to the user)."""
    shipped = shipped_playbooks()
    found = next((f for f in shipped if f.stem == ref), None)
    if found is not None:
        return read_index(found, lang)
    for path in shipped:  # by id, as ``tui.playbook.loader.shipped_playbook`` finds it: every index must answer
        index = read_index(path, lang)
        if index.id == ref:
            return index
    raise IndexUnusable(_("no shipped playbook {ref} has an index").format(ref=repr(ref)))


def read_index(playbook_file: Path, lang: str) -> SignatureIndex:
    """The index beside ``playbook_file`` if it was built from that file (and from its ``lang`` overlay, if any),
    titles in ``lang``; raises ``IndexUnusable`` otherwise."""
    target = index_file(playbook_file)
    try:
        with target.open("rb") as stream:
            raw = stream.read(MAX_INDEX_BYTES + 1)
    except OSError:
        raise IndexUnusable(_("no signature index {file}").format(file=target.name)) from None
    if len(raw) > MAX_INDEX_BYTES:
        raise IndexUnusable(
            _("{file} is larger than {limit} KiB").format(file=target.name, limit=MAX_INDEX_BYTES >> 10)
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise IndexUnusable(_("{file} is not JSON: {reason}").format(file=target.name, reason=exc)) from None
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise IndexUnusable(
            _("{file} has format {found}; this version reads {expected}").format(
                file=target.name, found=found, expected=INDEX_FORMAT
            )
        )
    now = digest(playbook_file)
    if now is None or data.get("sha256") != now:
        raise IndexUnusable(
            _("{playbook} changed since {file} was built").format(playbook=playbook_file.name, file=target.name)
        )
    try:
        return _index(data, playbook_file, lang)
    except (KeyError, TypeError, ValueError, patterns.PatternError) as exc:
        raise IndexUnusable(_("{file} is malformed: {reason}").format(file=target.name, reason=exc)) from None


def _index(data: dict[str, Any], playbook_file: Path, lang: str) -> SignatureIndex:
    playbook_id, base_language = _str(data["id"], "id"), _str(data["language"], "language")
    translations = _dict(data["translations"], "translations")
    titles: dict[str, Any] = {}
    if lang in TRANSLATION_LANGUAGES and lang != base_language:
        overlay = overlay_file(playbook_file, lang)
        built = translations.get(lang)
        present = overlay.is_file()
        if built is None and present:
            raise IndexUnusable(_("{file} was added since the index was built").format(file=overlay.name))
        if built is not None:
            built = _dict(built, f"translations.{lang}")
            now = digest(overlay) if present else None
            if now is None or built.get("sha256") != now:
                raise IndexUnusable(_("{file} changed since the index was built").format(file=overlay.name))
            titles = _dict(built["titles"], f"translations.{lang}.titles")
    nodes = {}
    for node_id, entry in _dict(data["nodes"], "nodes").items():
        entry = _dict(entry, f"nodes.{node_id}")
        signatures = []
        for n, sig in enumerate(_list(entry["signatures"], f"nodes.{node_id}.signatures")):
            where = f"nodes.{node_id}.signatures[{n}]"
            pattern, noise = _str(_dict(sig, where)["pattern"], where), sig["noise"]
            if not isinstance(noise, bool):
                raise TypeError(f"{where}.noise: not true or false")
            signature = Signature(pattern, noise)
            patterns.check_pattern(signature)  # as validation checks it (a Signature: the cache key used later too)
            signatures.append(signature)
        title = titles.get(node_id, entry["title"])
        nodes[node_id] = IndexedNode(_str(title, f"nodes.{node_id}.title"), tuple(signatures))
    if not nodes:
        raise ValueError("nodes: empty")
    return SignatureIndex(playbook_id, nodes)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{where}: not text")
    return value


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{where}: not a mapping")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{where}: not a list")
    return value


if __name__ == "__main__":
    sys.exit(main())
