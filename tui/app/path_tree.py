"""The path taken through the playbook as a Textual ``Tree``, with a live status icon per node."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.binding import Binding, BindingType
from textual.widgets import Tree

from tui.app import icons
from tui.i18n import N_, Translated, _

if TYPE_CHECKING:
    from rich.style import Style
    from rich.text import Text
    from textual.widgets.tree import TreeNode

    from tui.engine.walk import Walk


@dataclass(frozen=True)
class PathEntry:
    """What a tree line stands for: a step of the history, the current node, or a forward step."""

    node: str
    kind: str
    """``past``, ``current``, ``forward`` or ``note`` (a reason line)."""
    index: int = 0
    """Position in the history (past) or the forward stack (forward)."""

    def describe(self, walk: Walk) -> str:
        """The whole line, for the status bar (tree lines may be cut at 80 columns)."""
        history = walk.history
        if self.kind in ("past", "note") and self.index < len(history) and history[self.index].node == self.node:
            return walk.describe_step(self.index)
        if self.kind == "note":
            decision = walk.decision()
            return (
                _("next: {title}: {why}").format(title=walk.playbook.nodes[decision[0]].title, why=decision[1])
                if decision
                else ""
            )
        if self.kind == "forward":
            return _("forward: {title} (select or n to redo)").format(title=walk.playbook.nodes[self.node].title)
        return ""


class PathTree(Tree[PathEntry]):
    """Every node visited, why each branch was taken, where the current node leads next.

    Select a past node to go back to it; select a forward node to redo the steps to it.
    """

    DEFAULT_CSS = """
    PathTree {
        width: 32%;
        min-width: 24;
        max-width: 56;
        height: 1fr;
        border: round $primary 40%;
        border-title-color: $text-muted;
        padding: 0 0;
        & > .tree--guides { color: $primary 40%; }
        &:focus { border: round $primary; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            N_("Go there"),
            show=False,
            id="path.go",
            tooltip=N_("Go back (or forward) to this node"),
        ),
    ]

    HELP = Translated(
        N_("The path taken. Each node shows its status; the dim line under it says why the walk went on from there.")
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("path", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self._by_node: dict[str, TreeNode[PathEntry]] = {}
        """Latest tree line of each node id (for live icon updates)."""
        self._titles: dict[str, str] = {}
        self._shown: list[tuple[str, PathEntry, bool]] | None = None
        """The lines the tree shows (``show_walk`` leaves the tree alone when they are the same)."""

    def on_mount(self) -> None:
        self.relocalize()

    def relocalize(self) -> None:
        """Texts of the pane itself in the current language (the lines follow with the next ``show_walk``)."""
        self.border_title = _("Path")

    def node_icon(self, walk: Walk, node_id: str, spinner: str | None = None) -> str:
        """Markup icon for a node: spinner while running, worst check status, ? for questions, ◆ for diagnoses."""
        from tui.playbook.model import CheckNode, DiagnosisNode

        node = walk.playbook.nodes[node_id]
        if spinner is not None:
            return f"[cyan]{spinner}[/]"
        if isinstance(node, CheckNode):
            return icons.status_markup(walk.status_of(node_id))
        if isinstance(node, DiagnosisNode):
            return f"[{icons.SEVERITY_STYLE.get(node.severity.value, 'cyan')}]{icons.DIAGNOSIS}[/]"
        return f"[cyan]{icons.QUESTION}[/]"

    def _label(
        self, walk: Walk, node_id: str, *, current: bool = False, spinner: str | None = None, dim: bool = False
    ) -> str:
        title = escape(walk.playbook.nodes[node_id].title)
        icon = self.node_icon(walk, node_id, spinner)
        if current:
            return f"{icon} [b reverse] {title} [/]"
        if dim:
            return f"[dim]{icon} {title}[/]"
        return f"{icon} {title}"

    def render_label(self, node: TreeNode[PathEntry], base_style: Style, style: Style) -> Text:
        """The line's label, ending in "…" where the pane cuts it (the status bar shows the whole line)."""
        text = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        if width <= 0:  # not laid out yet
            return text
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        available = width - depth * max(2, self.guide_depth)  # each level's guide, as Tree draws it
        if text.cell_len > available > 0:
            text.truncate(available, overflow="ellipsis")
        return text

    def show_walk(self, walk: Walk, running: str | None = None, spinner: str | None = None) -> None:
        """Rebuild the tree from the walk: history, current node (with where it leads), forward steps."""
        lines = self._lines(walk, running, spinner)
        if lines == self._shown:
            # The same lines (the walk shows its node again after each run, start and cancel): rebuilding them would
            # only make the tree measure and render itself again.
            self.move_cursor(self._by_node[walk.current])
            return
        self.clear()
        self._by_node.clear()
        root = self.root
        parent = root
        for label, entry, leaf in lines:
            if leaf and entry.kind == "forward":
                self._by_node.setdefault(entry.node, root.add_leaf(label, entry))
            elif leaf:
                parent.add_leaf(label, entry)
            else:
                parent = root.add(label, entry, expand=True)
                self._by_node[entry.node] = parent
        root.expand()
        self._shown = lines
        self.move_cursor(self._by_node[walk.current])

    def _lines(self, walk: Walk, running: str | None, spinner: str | None) -> list[tuple[str, PathEntry, bool]]:
        """The tree's lines in order: label, entry, and whether it is a leaf (a reason line or a forward step)."""
        lines: list[tuple[str, PathEntry, bool]] = []
        for i, step in enumerate(walk.history):
            label = self._label(walk, step.node, spinner=spinner if running == step.node else None)
            lines.append((label, PathEntry(step.node, "past", i), False))
            lines.append((f"[dim]↳ {escape(step.reason)}[/]", PathEntry(step.node, "note", i), True))
        label = self._label(walk, walk.current, current=True, spinner=spinner if running == walk.current else None)
        lines.append((label, PathEntry(walk.current, "current"), False))
        decision = walk.decision()
        if decision is not None:
            target, reason = decision
            next_title = escape(walk.playbook.nodes[target].title)
            next_line = _("→ next: [b]{title}[/b] ({reason})").format(title=next_title, reason=escape(reason))
            lines.append((f"[dim]{next_line}[/]", PathEntry(target, "note"), True))
        for j, step in enumerate(reversed(walk.forward_stack)):
            lines.append((self._label(walk, step.target, dim=True), PathEntry(step.target, "forward", j), True))
        return lines

    def set_spinner(self, walk: Walk, node_id: str, frame: str | None) -> None:
        """Update one node's icon in place (the spinner while its checks run, else its status)."""
        line = self._by_node.get(node_id)
        if line is None or line.data is None:
            return
        self._shown = None  # a label changed in place
        line.set_label(
            self._label(
                walk, node_id, current=line.data.kind == "current", spinner=frame, dim=line.data.kind == "forward"
            )
        )
