"""The keys a playbook gives its nodes (choice keys, fix keys), as ordinary class-level ``BINDINGS``.

A playbook's keys are only known once it is loaded, so the walk screen class is specialised per playbook
(``screen_class_for``): one binding per node and key, whose action names the node; ``check_action`` on the
screen enables only the current node's. Textual's public binding API (``BINDINGS``, ``check_action``,
``refresh_bindings``) does the rest: the footer, the help screen and key dispatch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.app import icons
from tui.i18n import _

if TYPE_CHECKING:
    from tui.engine.walk import Walk
    from tui.playbook.model import Playbook
    from tui.registry import Registry

FOOTER_LABEL_CELLS = 18
"""A fix key's label in the footer is cut to this many cells."""

S = TypeVar("S", bound=Screen[None])


def node_bindings(playbook: Playbook, registry: Registry) -> list[Binding]:
    """``choose(key, node)`` for every choice and ``fix(key, node)`` for every fix of every node."""
    from tui.playbook.model import QuestionNode

    out: list[Binding] = []
    for node_id, node in playbook.nodes.items():
        if isinstance(node, QuestionNode):
            for c in node.choices:
                action = f"choose({c.key!r}, {node_id!r})"
                out.append(
                    Binding(c.key, action, c.label, show=False, id=f"walk.{node_id}.choice.{c.key}", tooltip=c.label)
                )
        for ref in node.fixes:
            spec = registry.fixes.get(ref.fix)
            label = ref.label or (spec.title if spec else ref.fix)
            out.append(
                Binding(
                    ref.key,
                    f"fix({ref.key!r}, {node_id!r})",
                    icons.ellipsize(label, FOOTER_LABEL_CELLS),
                    id=f"walk.{node_id}.fix.{ref.key}",
                    tooltip=_("Fix: {label} ({fix})").format(label=label, fix=ref.fix),
                )
            )
    return out


def key_description(walk: Walk, action: str) -> str | None:
    """A node key's footer text from the walk's playbook as it is now (the bindings keep the language the screen
    was built in; a language switch gives the walk the translated playbook). None for any other action."""
    from textual.actions import parse

    _namespace, name, args = parse(action)
    if name != "fix" or len(args) != 2:
        return None
    key, node_id = args
    node = walk.playbook.nodes.get(str(node_id))
    ref = next((r for r in node.fixes if r.key == key), None) if node is not None else None
    if ref is None:
        return None
    spec = walk.registry.fixes.get(ref.fix)
    return icons.ellipsize(ref.label or (_(spec.title) if spec else ref.fix), FOOTER_LABEL_CELLS)


def screen_class_for(base: type[S], playbook: Playbook, registry: Registry) -> type[S]:
    """``base`` with the playbook's node keys bound ahead of its own keys (so the footer shows fixes first)."""
    static: list[BindingType] = []
    for cls in reversed(base.__mro__):
        static += cls.__dict__.get("BINDINGS", [])
    bindings: list[BindingType] = [*node_bindings(playbook, registry), *static]
    return type(base.__name__, (base,), {"BINDINGS": bindings, "__module__": base.__module__}, inherit_bindings=False)
