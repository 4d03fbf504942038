"""The command palette (ctrl+p), aware of the walk: jump to a node, run a check, apply a fix, export, audit, and
switch the language (on every screen)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.app.icons import RISK_LABEL
from tui.app.language import PALETTE_JUMP_REASON
from tui.i18n import _


class Command(NamedTuple):
    title: str
    callback: Callable[[], object]
    help: str
    discoverable: bool = True
    """Listed before anything is typed (jumps to every node only show when searched for)."""


class WalkCommands(Provider):
    """Commands that depend on where the walk is: fixes only when offered (never read-only), checks of this node.

    The language switch is offered on every screen, the rest only on the walk.
    """

    def _commands(self) -> list[Command]:
        from tui.app.language import SWITCH_TITLE, switch_label, switch_language

        out = [Command(SWITCH_TITLE, partial(switch_language, self.app), switch_label())]
        return out + self._walk_commands()

    def _walk_commands(self) -> list[Command]:
        from tui.app.walk_screen import WalkScreen
        from tui.playbook.model import CheckNode

        screen = self.screen
        if not isinstance(screen, WalkScreen):
            return []
        walk = screen.walk
        out: list[Command] = []
        for o in [] if walk.context.read_only else screen.offered():
            out.append(
                Command(
                    _("fix: {label} ({key})").format(label=o.ref.label or _(o.spec.title), key=o.ref.key),
                    partial(screen.action_fix, o.ref.key),
                    f"{o.spec.id} · {_(RISK_LABEL.get(o.spec.risk.value, o.spec.risk.value))}",
                )
            )
        node = walk.node
        if isinstance(node, CheckNode):
            out.append(Command(_("run: every check of this node (r)"), screen.action_rerun, node.title))
            for inv in node.checks:
                spec = walk.registry.checks.get(inv.check)
                out.append(
                    Command(
                        _("run: {check}").format(check=inv.key),
                        partial(screen.run_single_check, inv.key),
                        _(spec.title) if spec else inv.check,
                    )
                )
        out.append(
            Command(
                _("export: session as Markdown + JSON (e)"), screen.action_export, _("redacted, for a support ticket")
            )
        )
        out.append(Command(_("audit: show applied fixes (a)"), screen.action_audit, _("the audit log")))
        out.append(Command(_("search: symptom search (/)"), screen.action_search, _("paste an error message")))
        out.append(
            Command(
                _("bundle: support bundle zip (B)"),
                screen.action_bundle,
                _("redacted; `agentcore-triage open` replays it"),
            )
        )
        out.append(
            Command(_("target: change the target (T)"), screen.action_change_target, _("back to the start screen"))
        )
        for node_id, target in walk.playbook.nodes.items():
            if node_id != walk.current:
                out.append(
                    Command(
                        _("jump: {title}").format(title=target.title),
                        partial(screen.jump_to, node_id, _(PALETTE_JUMP_REASON)),
                        f"{_(target.kind)} · {node_id}",
                        discoverable=False,
                    )
                )
        return out

    async def discover(self) -> Hits:
        for command in self._commands():
            if command.discoverable:
                yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for command in self._commands():
            score = max(matcher.match(command.title), matcher.match(command.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, help=command.help)
