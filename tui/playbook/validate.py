"""Graph and reference checks on a loaded playbook.

Schema errors come from the loader; this module finds what a schema cannot:
unknown goto targets, unreachable nodes, cycles with no way out, unknown
check and fix ids, parameters that do not fit a check's own params model,
templates naming values nobody provides, and key clashes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tui.context import CONTEXT_NAMES
from tui.i18n import _
from tui.playbook import patterns
from tui.playbook.loader import LoadedPlaybook, PlaybookError, PlaybookLoadError, load_playbook
from tui.playbook.model import RESERVED_KEYS, CheckNode, DiagnosisNode, Playbook, QuestionNode
from tui.playbook.template import names_in
from tui.playbook.translations import is_translation_gap, localize, translation_problems
from tui.registry import CheckParams, Registry, load_all


def resolve_playbook(ref: str) -> LoadedPlaybook:
    """Find a playbook by path, file stem or id (shipped ones), load and validate it.

    Raises ``ValueError`` with one message naming every problem (the CLI and the TUI show it as is).
    """
    from tui.files import exists
    from tui.playbook.loader import shipped_playbook, shipped_playbook_files
    from tui.playbook.locate import candidate_dirs

    path = Path(ref)
    if not (path.suffix in (".yaml", ".yml") or exists(path)):  # a name too long for a file: an unknown id, below
        found = shipped_playbook(ref)
        if found is None:
            shipped = shipped_playbook_files()
            known = ", ".join(f.stem for f in shipped)
            if not shipped:  # where it looked and what to do, one sentence so that it can be translated whole
                raise ValueError(
                    _(
                        "no playbook {ref}: this installation has no shipped playbooks (looked in {looked}); "
                        "reinstall agentcore-triage, or give a path to a .yaml file"
                    ).format(ref=repr(ref), looked=_(" and ").join(str(d) for d in candidate_dirs()))
                )
            raise ValueError(
                _("no playbook {ref} (shipped: {known}; or give a path to a .yaml file)").format(
                    ref=repr(ref), known=known
                )
            )
        path = found
    key = _resolved_key(path)
    if key is not None and key in _resolved:
        return _resolved[key]
    loaded, errors = validate_file(path)
    errors = [e for e in errors if not is_translation_gap(e)]  # a missing translation falls back to English
    if errors:
        raise ValueError(_("invalid playbook:") + "\n" + "\n".join(str(e) for e in errors))
    assert loaded is not None
    localized = localize(loaded)
    if key is not None and key == _resolved_key(path):  # the files did not change while they were read
        if len(_resolved) >= MAX_RESOLVED:
            _resolved.pop(next(iter(_resolved)))
        _resolved[key] = localized
    return localized


_resolved: dict[tuple[Any, ...], LoadedPlaybook] = {}
"""Playbooks resolved in this process, by everything the result depends on (``_resolved_key``): the CLI's commands, the
TUI's walks and target changes, the fleet view and the sandbox each resolve the shipped playbook, and validating it
again (its graph, references, templates, 300 signatures and its overlay) took 11-15 ms of CPU each time for the same
answer. The result is shared: nothing changes a loaded playbook (``translate`` and ``localize`` make new ones)."""
MAX_RESOLVED = 8


def _resolved_key(path: Path) -> tuple[Any, ...] | None:
    """What a resolved playbook depends on: the bytes of the file and of each overlay beside it (what ``validate``
    reads), the language it is shown in, and the registry's checks and fixes it is validated against; None when a
    file cannot be read (then nothing is kept, and ``validate_file`` says what is wrong)."""
    import hashlib
    import os

    from tui.files import read_regular
    from tui.i18n import current_language
    from tui.playbook.loader import MAX_PLAYBOOK_BYTES
    from tui.playbook.locate import TRANSLATION_LANGUAGES
    from tui.playbook.translations import translation_file

    digests: list[bytes | None] = []
    for file in (path, *(translation_file(path, lang) for lang in TRANSLATION_LANGUAGES)):
        try:
            digests.append(hashlib.sha256(read_regular(file, MAX_PLAYBOOK_BYTES)).digest())
        except FileNotFoundError:
            digests.append(None)
        except (OSError, ValueError):
            return None
    registry = load_all()
    return (
        os.path.abspath(path),
        *digests,
        current_language(),
        tuple((name, id(spec)) for name, spec in registry.checks.items()),
        tuple((name, id(spec)) for name, spec in registry.fixes.items()),
    )


def validate_file(
    path: str | Path, registry: Registry | None = None
) -> tuple[LoadedPlaybook | None, list[PlaybookError]]:
    """Load and validate one file; return the playbook (if it loaded) and every error."""
    try:
        loaded = load_playbook(path)
    except PlaybookLoadError as exc:
        return None, exc.errors
    return loaded, validate(loaded, registry)


def validate(loaded: LoadedPlaybook, registry: Registry | None = None) -> list[PlaybookError]:
    """Every graph and reference error in a schema-valid playbook, sorted by position."""
    registry = registry or load_all()
    errors: list[PlaybookError] = []
    errors += _check_targets(loaded)
    if not any(e.message.startswith("start") for e in errors):
        errors += _check_reachability(loaded)
    errors += _check_references(loaded, registry)
    errors += _check_templates(loaded, registry)
    errors += _check_keys(loaded)
    if not errors:
        errors += _check_exits(loaded)
    errors += translation_problems(loaded)
    return sorted(set(errors))


def _check_targets(loaded: LoadedPlaybook) -> list[PlaybookError]:
    pb = loaded.playbook
    errors = []
    known = ", ".join(sorted(pb.nodes)[:8])
    if pb.start not in pb.nodes:
        errors.append(loaded.error(f"start: unknown node {pb.start!r} (nodes: {known}…)", "start"))
    for node_id, node in pb.nodes.items():
        refs: list[tuple[str, tuple[Any, ...]]] = []
        if isinstance(node, QuestionNode):
            refs = [(c.goto, ("nodes", node_id, "choices", i, "goto")) for i, c in enumerate(node.choices)]
        elif isinstance(node, CheckNode):
            refs = [(c.goto, ("nodes", node_id, "when", i, "goto")) for i, c in enumerate(node.when)]
            refs.append((node.default, ("nodes", node_id, "default")))
        elif isinstance(node, DiagnosisNode) and node.next:
            refs = [(node.next, ("nodes", node_id, "next"))]
        for target, path in refs:
            if target not in pb.nodes:
                hint = _closest(target, pb.nodes)
                errors.append(
                    loaded.error(
                        f"nodes.{node_id}: goto unknown node {target!r}"
                        + (f" (did you mean {hint!r}?)" if hint else ""),
                        *path,
                    )
                )
    return errors


def _closest(name: str, candidates: Any) -> str | None:
    import difflib

    match = difflib.get_close_matches(name, list(candidates), n=1)
    return match[0] if match else None


def _edges(pb: Playbook) -> dict[str, list[str]]:
    return {nid: [t for t, _ in pb.targets(nid) if t in pb.nodes] for nid in pb.nodes}


def _reachable(pb: Playbook) -> set[str]:
    edges = _edges(pb)
    seen: set[str] = set()
    stack = [pb.start] if pb.start in pb.nodes else []
    while stack:
        nid = stack.pop()
        if nid in seen:
            continue
        seen.add(nid)
        stack.extend(edges[nid])
    return seen


def _check_reachability(loaded: LoadedPlaybook) -> list[PlaybookError]:
    pb = loaded.playbook
    seen = _reachable(pb)
    return [
        loaded.error(
            f"nodes.{nid}: unreachable from start {pb.start!r} (no choice, condition or default leads here)",
            "nodes",
            nid,
            key=True,
        )
        for nid in pb.nodes
        if nid not in seen
    ]


def _check_exits(loaded: LoadedPlaybook) -> list[PlaybookError]:
    """Every reachable node must be able to reach an end (a node with no way on)."""
    pb = loaded.playbook
    edges = _edges(pb)
    ends = {nid for nid, targets in edges.items() if not targets}
    reverse: dict[str, list[str]] = defaultdict(list)
    for nid, targets in edges.items():
        for t in targets:
            reverse[t].append(nid)
    can_end: set[str] = set()
    stack = list(ends)
    while stack:
        nid = stack.pop()
        if nid in can_end:
            continue
        can_end.add(nid)
        stack.extend(reverse[nid])
    errors = []
    for nid in sorted(_reachable(pb) - can_end):
        loop = _find_loop(nid, edges)
        errors.append(
            loaded.error(
                f"nodes.{nid}: cycle with no way out ({' -> '.join(loop)}); give one node a goto to a diagnosis",
                "nodes",
                nid,
                key=True,
            )
        )
    return errors


def _find_loop(start: str, edges: dict[str, list[str]]) -> list[str]:
    path = [start]
    seen = {start}
    nid = start
    while edges[nid]:
        nid = edges[nid][0]
        path.append(nid)
        if nid in seen:
            break
        seen.add(nid)
    return path


def _check_references(loaded: LoadedPlaybook, registry: Registry) -> list[PlaybookError]:
    errors: list[PlaybookError] = []
    pb = loaded.playbook
    for node_id, node in pb.nodes.items():
        base = ("nodes", node_id)
        if isinstance(node, CheckNode):
            keys: set[str] = set()
            for i, inv in enumerate(node.checks):
                spec = registry.checks.get(inv.check)
                if spec is None:
                    hint = _closest(inv.check, registry.checks)
                    errors.append(
                        loaded.error(
                            f"nodes.{node_id}.checks[{i}]: unknown check {inv.check!r}"
                            + (f" (did you mean {hint!r}?)" if hint else "; `agentcore-triage checks list` shows them"),
                            *base,
                            "checks",
                            i,
                            "check",
                        )
                    )
                else:
                    errors += _check_params(
                        loaded, spec.params, inv.params, (*base, "checks", i, "params"), f"check {inv.check}"
                    )
                if inv.key in keys:
                    errors.append(
                        loaded.error(
                            f"nodes.{node_id}.checks[{i}]: {inv.key!r} runs twice at this node; give one 'as: <name>'",
                            *base,
                            "checks",
                            i,
                        )
                    )
                keys.add(inv.key)
            for i, cond in enumerate(node.when):
                if cond.check is not None and cond.check not in keys:
                    errors.append(
                        loaded.error(
                            f"nodes.{node_id}.when[{i}]: {cond.check!r} is not a check at this node (have: {', '.join(sorted(keys))})",
                            *base,
                            "when",
                            i,
                            "check",
                        )
                    )
        node_keys = {inv.key for inv in node.checks} if isinstance(node, CheckNode) else set()
        for i, ref in enumerate(node.fixes):
            fix_spec = registry.fixes.get(ref.fix)
            if fix_spec is None:
                hint = _closest(ref.fix, registry.fixes)
                errors.append(
                    loaded.error(
                        f"nodes.{node_id}.fixes[{i}]: unknown fix {ref.fix!r}"
                        + (f" (did you mean {hint!r}?)" if hint else "; `agentcore-triage fixes list` shows them"),
                        *base,
                        "fixes",
                        i,
                        "fix",
                    )
                )
            else:
                errors += _check_params(
                    loaded, fix_spec.params, ref.params, (*base, "fixes", i, "params"), f"fix {ref.fix}"
                )
            if ref.for_ is not None and ref.for_ not in node_keys:
                errors.append(
                    loaded.error(
                        f"nodes.{node_id}.fixes[{i}]: 'for: {ref.for_}' is not a check at this node",
                        *base,
                        "fixes",
                        i,
                        "for",
                    )
                )
    return errors


def _check_params(
    loaded: LoadedPlaybook, model: type[CheckParams], params: dict[str, Any], path: tuple[Any, ...], what: str
) -> list[PlaybookError]:
    """Validate literal parameters against the model; values that are templates are checked at run time."""
    try:
        model.model_validate(params)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            value: Any = params
            for part in loc:
                value = (
                    value.get(part)
                    if isinstance(value, dict)
                    else (
                        value[part] if isinstance(value, list) and isinstance(part, int) and part < len(value) else None
                    )
                )
            if value is not None and next(names_in(value), None) is not None:
                continue
            field = ".".join(str(p) for p in loc)
            if err["type"] == "extra_forbidden":
                allowed = ", ".join(model.model_fields) or "none"
                msg = f"{what}: unknown parameter {field!r} (allowed: {allowed})"
                errors.append(loaded.error(msg, *path, *loc, key=True))
            elif err["type"] == "missing":
                errors.append(loaded.error(f"{what}: parameter {field!r} is required", *path))
            else:
                errors.append(loaded.error(f"{what}: parameter {field!r}: {err['msg']}", *path, *loc))
        return errors
    return []


def _available_names(pb: Playbook, registry: Registry) -> dict[str, set[str]]:
    """For each node, the names its templates may use: context, inputs, and facts of checks before it."""
    edges = _edges(pb)
    published: dict[str, set[str]] = {}
    for nid, node in pb.nodes.items():
        facts: set[str] = set()
        if isinstance(node, CheckNode):
            for inv in node.checks:
                spec = registry.checks.get(inv.check)
                if spec:
                    facts.update(spec.publishes)
        published[nid] = facts
    base = set(CONTEXT_NAMES) | {i.name for i in pb.inputs}
    # Forward data-flow: names available on entry = union over predecessors of (their entry names + what they publish).
    entry: dict[str, set[str]] = {nid: set() for nid in pb.nodes}
    changed = True
    while changed:
        changed = False
        for nid, targets in edges.items():
            out = entry[nid] | published[nid]
            for t in targets:
                if not out <= entry[t]:
                    entry[t] |= out
                    changed = True
    return {nid: base | entry[nid] for nid in pb.nodes} | {
        f"{nid}#after": base | entry[nid] | published[nid] for nid in pb.nodes
    }


def _check_templates(loaded: LoadedPlaybook, registry: Registry) -> list[PlaybookError]:
    pb = loaded.playbook
    available = _available_names(pb, registry)
    errors = []
    for node_id, node in pb.nodes.items():
        if isinstance(node, CheckNode):
            for i, inv in enumerate(node.checks):
                for key, value in inv.params.items():
                    for name in names_in(value):
                        if name not in available[node_id]:
                            errors.append(
                                loaded.error(
                                    _undefined(name, node_id, pb, registry),
                                    "nodes",
                                    node_id,
                                    "checks",
                                    i,
                                    "params",
                                    key,
                                )
                            )
        for i, ref in enumerate(node.fixes):
            for key, value in ref.params.items():
                for name in names_in(value):
                    if name not in available[f"{node_id}#after"]:
                        errors.append(
                            loaded.error(
                                _undefined(name, node_id, pb, registry), "nodes", node_id, "fixes", i, "params", key
                            )
                        )
    return errors


def _undefined(name: str, node_id: str, pb: Playbook, registry: Registry) -> str:
    publishers = sorted(spec.id for spec in registry.checks.values() if name in spec.publishes)
    if publishers:
        return f"nodes.{node_id}: undefined variable {{{name}}}: published by {', '.join(publishers)}, which runs at no node before this one"
    return (
        f"nodes.{node_id}: undefined variable {{{name}}}: not a context value ({', '.join(sorted(CONTEXT_NAMES))}), "
        "not a playbook input, and no check publishes it"
    )


def _check_keys(loaded: LoadedPlaybook) -> list[PlaybookError]:
    errors = []
    for node_id, node in loaded.playbook.nodes.items():
        seen: dict[str, str] = {}
        items: list[tuple[str, tuple[Any, ...]]] = []
        if isinstance(node, QuestionNode):
            items += [(c.key, ("nodes", node_id, "choices", i, "key")) for i, c in enumerate(node.choices)]
        items += [(f.key, ("nodes", node_id, "fixes", i, "key")) for i, f in enumerate(node.fixes)]
        for key, path in items:
            if key in RESERVED_KEYS:
                errors.append(
                    loaded.error(
                        f"nodes.{node_id}: key {key!r} is used by the TUI itself (reserved: {' '.join(sorted(RESERVED_KEYS))})",
                        *path,
                    )
                )
            elif key in seen:
                errors.append(loaded.error(f"nodes.{node_id}: key {key!r} is used twice at this node", *path))
            seen[key] = node_id
    for node_id, node in loaded.playbook.nodes.items():
        for i, sig in enumerate(node.signatures):
            if patterns.search(str(sig), "") is not None:
                errors.append(
                    loaded.error(
                        f"nodes.{node_id}: signature {sig!r} matches empty text, so it matches everything",
                        "nodes",
                        node_id,
                        "signatures",
                        i,
                    )
                )
    return errors
