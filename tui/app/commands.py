"""The command palette (ctrl+p), aware of the walk: jump to a node, run a check, apply a fix, export, audit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class WalkCommands(Provider):
    """Commands that depend on where the walk is: fixes only when offered (never read-only), checks of this node."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from tui.app.walk_screen import WalkScreen
        from tui.playbook.model import CheckNode

        screen = self.screen
        if not isinstance(screen, WalkScreen):
            return []
        walk = screen.walk
        out: list[tuple[str, Callable[[], object], str]] = []
        for o in [] if walk.context.read_only else screen.offered():
            out.append(
                (
                    f"fix: {o.ref.label or o.spec.title} ({o.ref.key})",
                    partial(screen.action_fix, o.ref.key),
                    f"{o.spec.id} · {o.spec.risk.value}",
                )
            )
        node = walk.node
        if isinstance(node, CheckNode):
            out.append(("run: every check of this node (r)", screen.action_rerun, node.title))
            for inv in node.checks:
                spec = walk.registry.checks.get(inv.check)
                out.append(
                    (f"run: {inv.key}", partial(screen.run_single_check, inv.key), spec.title if spec else inv.check)
                )
        out.append(("export: session as Markdown + JSON (e)", screen.action_export, "redacted, for a support ticket"))
        out.append(
            ("bundle: support bundle zip (B)", screen.action_bundle, "redacted; `agentcore-triage open` replays it")
        )
        out.append(("audit: show applied fixes (a)", screen.action_audit, "the audit log"))
        out.append(("search: symptom search (/)", screen.action_search, "paste an error message"))
        out.append(("target: change the target (T)", screen.action_change_target, "back to the start screen"))
        for node_id, target in walk.playbook.nodes.items():
            if node_id != walk.current:
                out.append(
                    (
                        f"jump: {target.title}",
                        partial(screen.jump_to, node_id, "jumped there from the command palette"),
                        f"{target.kind} · {node_id}",
                    )
                )
        return out

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            if not title.startswith("jump:"):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
