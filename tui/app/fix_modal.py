"""Confirm a fix: the exact plan (API payloads as highlighted JSON, or unified diffs), risk and permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.app import icons
from tui.i18n import N_, _

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tui.fixes.base import Plan


def plan_renderable(plan: Plan, theme: str = "ansi_dark") -> RenderableType:
    """Every action of the plan, exactly as it will be executed."""
    from tui.fixes.base import ApiCall

    parts: list[RenderableType] = []
    for i, action in enumerate(plan.actions, 1):
        if isinstance(action, ApiCall):
            parts.append(
                Text.assemble(
                    (f"{i}. ", "dim"),
                    (f"{action.service}.{action.operation}", "bold"),
                    ("  " + action.description, "dim"),
                )
            )
            payload, decoded = action.display_params()
            parts.append(Syntax(payload, "json", theme=theme, background_color="default", word_wrap=True))
            if decoded:
                parts.append(
                    Text(
                        _("{fields}: sent as a JSON string, shown decoded").format(fields=", ".join(decoded)),
                        style="dim italic",
                    )
                )
        else:
            parts.append(
                Text.assemble(
                    (f"{i}. ", "dim"),
                    (_("file") + " ", "bold"),
                    (action.path, "bold"),
                    ("  " + action.description, "dim"),
                )
            )
            parts.append(
                Syntax(
                    action.diff or _("(no textual change)"),
                    "diff",
                    theme=theme,
                    background_color="default",
                    word_wrap=True,
                )
            )
    if not parts:
        parts.append(Text(_("Nothing to change: ") + plan.summary, style="green"))
    return Group(*parts)


def is_undo(plan: Plan) -> bool:
    """An undo's own plan (no 'cannot be undone' warning for it), titled in either language."""
    from tui.fixes.undo import UNDO_TITLE

    prefixes = {UNDO_TITLE.split("{")[0], _(UNDO_TITLE).split("{")[0]}
    return any(plan.title.startswith(prefix) for prefix in prefixes)


class FixModal(ModalScreen[bool]):
    """Show a fix's plan and ask for confirmation: ``y`` or the Apply button applies, ``n``/``esc`` cancels.

    The preview cannot be skipped: the title and the buttons with their key hints stay on
    screen at any size from 80x24; only the plan (summary, notes and the exact change)
    scrolls, with PageUp/PageDown or the mouse. Apply stays disabled until the whole plan
    has been on screen (scrolled to its end). Enter never applies: the Apply button cannot
    take the focus; the plan has it (so the page keys scroll it), or Cancel for destructive fixes.
    """

    DEFAULT_CSS = """
    FixModal {
        align: center middle;
        & > #dialog {
            width: 90%;
            max-width: 110;
            height: 90%;
            border: thick $warning 70%;
            background: $panel;
            padding: 0 1;
        }
        &.-destructive > #dialog { border: thick $error; }
        &.-read_only > #dialog { border: thick $success 70%; }
        #fix-title { text-style: bold; width: 1fr; height: auto; max-height: 2; }
        #fix-meta { color: $text-muted; height: auto; max-height: 3; }
        #fix-plan { height: 1fr; border: round $primary 30%; padding: 0 1; }
        #fix-footer { height: auto; dock: bottom; }
        #fix-hint { color: $text-muted; width: 1fr; height: 1; }
        #fix-buttons { height: 3; align-horizontal: right; }
        #fix-buttons Button { margin-left: 2; min-width: 14; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "apply", N_("Apply"), id="fix.apply", tooltip=N_("Apply exactly this plan")),
        Binding("n", "cancel", N_("Cancel"), id="fix.cancel", tooltip=N_("Change nothing")),
        Binding("escape", "cancel", N_("Cancel"), show=False, id="fix.escape", tooltip=N_("Change nothing")),
        Binding(
            "q",
            "app.quit",
            N_("Quit"),
            show=False,
            id="fix.quit",
            tooltip=N_("Leave agentcore-triage; nothing is applied"),
        ),
        # priority: the plan, a scroll container, has the focus and bindings of its own for these keys, which Textual
        # checks before the dialog's; they animated the scroll (End over a second, Apply locked until it ended)
        Binding(
            "pagedown",
            "page(1)",
            N_("Page down"),
            show=False,
            priority=True,
            id="fix.page_down",
            tooltip=N_("Scroll the plan"),
        ),
        Binding(
            "pageup",
            "page(-1)",
            N_("Page up"),
            show=False,
            priority=True,
            id="fix.page_up",
            tooltip=N_("Scroll the plan"),
        ),
        Binding("end", "edge(1)", N_("End"), show=False, priority=True, id="fix.end", tooltip=N_("Scroll the plan")),
        Binding(
            "home", "edge(-1)", N_("Home"), show=False, priority=True, id="fix.home", tooltip=N_("Scroll the plan")
        ),
    ]

    seen_all: reactive[bool] = reactive(False)
    """True once every line of the plan has been on screen; Apply is possible only then."""

    def __init__(self, plan: Plan, *, node_title: str = "", needed_by: str = "") -> None:
        super().__init__(classes=f"-{plan.risk.value}")
        self.plan = plan
        """The plan shown; applying executes exactly this."""
        self.node_title = node_title
        self.needed_by = needed_by
        """The title of the fix the user asked for, when this plan is its prerequisite (shown as the reason)."""
        self._layout_retries = 0

    def compose(self) -> ComposeResult:
        plan = self.plan
        risk = plan.risk.value
        with Vertical(id="dialog"):
            # An undo's title already says what it is ("Undo: …"); "Apply fix: Undo: …" read as applying the fix.
            title = _(plan.title) if is_undo(plan) else _("Apply fix: {title}").format(title=_(plan.title))
            yield Label(title, id="fix-title", markup=False)
            meta = Text.assemble(
                (_("risk") + " ", "dim"),
                (icons.label(icons.RISK_LABEL, risk), icons.RISK_STYLE.get(risk, "yellow")),
                ("  ·  ", "dim"),
                (plan.fix, "italic"),
            )
            if self.needed_by:  # the user pressed another fix's key: say why this one comes first
                meta.append("  ·  " + _("needed first by: {title}").format(title=self.needed_by), "bold")
            elif self.node_title:
                meta.append("  ·  " + _("at {node}").format(node=self.node_title), "dim")
            yield Static(meta, id="fix-meta")
            with Vertical(id="fix-footer"):
                yield Static("", id="fix-hint")
                with Horizontal(id="fix-buttons"):
                    yield Button(
                        _("Cancel (n)"), id="cancel", variant="primary" if risk == "destructive" else "default"
                    )
                    apply = Button(
                        _("Apply (y)"),
                        id="apply",
                        variant="error" if risk == "destructive" else "warning",
                        disabled=True,
                    )
                    apply.can_focus = False  # Enter must never apply: only y or a click
                    yield apply
            with VerticalScroll(id="fix-plan"):
                yield Static(Text(_(plan.summary)), id="fix-summary")
                perms = ", ".join(plan.permissions) if plan.permissions else _("none beyond file access")
                yield Static(Text.assemble((_("permissions: "), "bold"), perms), id="fix-permissions")
                for note in plan.notes:
                    yield Static(Text(_("note: ") + _(note), style="italic"), classes="fix-note")
                if plan.undo:
                    yield Static(
                        Text(_("Can be undone: `agentcore-triage undo` or the audit log."), style="dim"), id="fix-undo"
                    )
                elif plan.actions and not is_undo(plan):
                    yield Static(Text(_("Cannot be undone automatically."), style="yellow"), id="fix-undo")
                yield Static(plan_renderable(plan), id="fix-actions")

    def on_mount(self) -> None:
        safe = self.plan.risk.value == "destructive"
        scroll = self.query_one("#fix-plan", VerticalScroll)
        scroll.border_title = _("exact changes")
        (self.query_one("#cancel", Button) if safe else scroll).focus()
        self.watch(scroll, "scroll_y", self._scrolled, init=False)
        self.watch(scroll, "virtual_size", self._resized, init=False)
        self._show_hint()
        self.call_after_refresh(self._check_seen)

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_seen)

    def _scrolled(self) -> None:
        self._check_seen()

    def _resized(self) -> None:
        self.call_after_refresh(self._check_seen)

    def _check_seen(self) -> None:
        """The whole plan has been on screen once its end is in view (after a real layout)."""
        scroll = self.query_one("#fix-plan", VerticalScroll)
        if self.seen_all:
            return
        if not scroll.size.height:  # not laid out yet: look again after the next refresh (a few times)
            self._layout_retries += 1
            if self._layout_retries <= 20:
                self.call_after_refresh(self._check_seen)
            return
        if scroll.max_scroll_y <= 0 or scroll.scroll_y >= scroll.max_scroll_y:
            self.seen_all = True

    def watch_seen_all(self, seen: bool) -> None:
        self.query_one("#apply", Button).disabled = not seen
        self._show_hint()

    def _show_hint(self) -> None:
        cancel = _(" cancel")
        if self.seen_all:
            hint = Text.assemble(("y", "bold"), _(" apply  "), ("n", "bold"), "/", ("esc", "bold"), cancel)
        else:
            hint = Text.assemble(
                ("PgDn", "bold"),
                _("/mouse: read the whole change first (Apply unlocks at its end)  "),
                ("n", "bold"),
                "/",
                ("esc", "bold"),
                cancel,
            )
        self.query_one("#fix-hint", Static).update(hint)

    def action_page(self, direction: int) -> None:
        """Scroll the plan by a page (also when a button has the focus)."""
        scroll = self.query_one("#fix-plan", VerticalScroll)
        # at once, not after the next refresh: presses quicker than the screen repaints (a held key, a loaded
        # machine) each moved from the same place, so several of them scrolled one page
        page = scroll.scrollable_content_region.height
        scroll.scroll_to(y=scroll.scroll_y + direction * page, animate=False, immediate=True)
        self.call_after_refresh(self._check_seen)

    def action_edge(self, direction: int) -> None:
        """Jump to the plan's end or start without animation (an animated End left Apply locked until it ended)."""
        scroll = self.query_one("#fix-plan", VerticalScroll)
        if direction > 0:
            scroll.scroll_end(animate=False, immediate=True)
        else:
            scroll.scroll_home(animate=False, immediate=True)
        self.call_after_refresh(self._check_seen)

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        """Confirm: the caller applies the plan (only once all of it has been shown)."""
        self._check_seen()
        if not self.seen_all:
            self.notify(_("Read the whole change first: PageDown to its end, then y."), severity="warning")
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Decline: nothing changes."""
        self.dismiss(False)
