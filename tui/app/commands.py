"""The command palette (ctrl+p), aware of the walk: jump to a node, run a check, apply a fix, export, audit, and
switch the language (on every screen)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any, NamedTuple

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.system_commands import SystemCommandsProvider

from tui.app.icons import RISK_LABEL
from tui.app.language import PALETTE_JUMP_REASON
from tui.i18n import N_, _


class Command(NamedTuple):
    title: str
    callback: Callable[[], object]
    help: str
    discoverable: bool = True
    """Listed before anything is typed (jumps to every node only show when searched for)."""
    english: str = ""
    """The title in English: a Japanese screen's commands are found by the English words too (see ``matching``)."""


def command(msgid: str, callback: Callable[[], object], help: str, discoverable: bool = True, **fields: Any) -> Command:
    """A command titled ``msgid`` (marked with ``N_``) in the chosen language, remembering its English title."""
    return Command(_(msgid).format(**fields), callback, help, discoverable, english=msgid.format(**fields))


def matching(matcher: Matcher, title: str, english: str) -> float:
    """How well the typed text matches a command's title on screen or its English title.

    Commands, keys, the CLI and the docs use English words ("fleet", "export", "theme"); on a Japanese screen typing
    them found nothing, or an unrelated node. The hit is still shown, and highlighted, in the chosen language.
    """
    return max(matcher.match(title), matcher.match(english) if english and english != title else 0.0)


class SystemCommandsInBothLanguages(SystemCommandsProvider):
    """Textual's system commands and the app's own (help, fleet), shown in the chosen language and found by their
    title on screen or in English (``App.get_system_commands`` gives them in English; Textual's are catalogued in
    ``tui.app.footer.TEXTUAL_COMMANDS``)."""

    def _shown(self) -> list[tuple[str, SystemCommand]]:
        """(title on screen, the command), sorted by the title on screen as Textual sorts its list."""
        return sorted(((_(c.title), c) for c in self.app.get_system_commands(self.screen)), key=lambda pair: pair[0])

    async def discover(self) -> Hits:
        for title, command in self._shown():
            if command.discover:
                yield DiscoveryHit(title, command.callback, help=_(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._shown():
            score = matching(matcher, title, command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command.callback, help=_(command.help))


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
                command(
                    N_("fix: {label} ({key})"),
                    partial(screen.action_fix, o.ref.key),
                    f"{o.spec.id} · {_(RISK_LABEL.get(o.spec.risk.value, o.spec.risk.value))}",
                    label=o.ref.label or _(o.spec.title),
                    key=o.ref.key,
                )
            )
        node = walk.node
        if isinstance(node, CheckNode):
            out.append(command(N_("run: every check of this node (r)"), screen.action_rerun, node.title))
            for inv in node.checks:
                spec = walk.registry.checks.get(inv.check)
                out.append(
                    command(
                        N_("run: {check}"),
                        partial(screen.run_single_check, inv.key),
                        _(spec.title) if spec else inv.check,
                        check=inv.key,
                    )
                )
        out.append(
            command(
                N_("export: session as Markdown + JSON (e)"), screen.action_export, _("redacted, for a support ticket")
            )
        )
        out.append(command(N_("audit: show applied fixes (a)"), screen.action_audit, _("the audit log")))
        out.append(command(N_("search: symptom search (/)"), screen.action_search, _("paste an error message")))
        out.append(
            command(
                N_("bundle: support bundle zip (B)"),
                screen.action_bundle,
                _("redacted; `agentcore-triage open` replays it"),
            )
        )
        out.append(
            command(N_("target: change the target (T)"), screen.action_change_target, _("back to the start screen"))
        )
        for node_id, target in walk.playbook.nodes.items():
            if node_id != walk.current:
                out.append(
                    command(
                        N_("jump: {title}"),
                        partial(screen.jump_to, node_id, _(PALETTE_JUMP_REASON)),
                        f"{_(target.kind)} · {node_id}",
                        discoverable=False,
                        title=target.title,
                    )
                )
        return out

    async def discover(self) -> Hits:
        for each in self._commands():
            if each.discoverable:
                yield DiscoveryHit(each.title, each.callback, help=each.help)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for each in self._commands():
            score = max(matching(matcher, each.title, each.english), matcher.match(each.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(each.title), each.callback, help=each.help)
