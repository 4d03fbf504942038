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
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.app import icons

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
                parts.append(Text(f"{', '.join(decoded)}: sent as a JSON string, shown decoded", style="dim italic"))
        else:
            parts.append(
                Text.assemble(
                    (f"{i}. ", "dim"), ("file ", "bold"), (action.path, "bold"), ("  " + action.description, "dim")
                )
            )
            parts.append(
                Syntax(
                    action.diff or "(no textual change)",
                    "diff",
                    theme=theme,
                    background_color="default",
                    word_wrap=True,
                )
            )
    if not parts:
        parts.append(Text("Nothing to change: " + plan.summary, style="green"))
    return Group(*parts)


class FixModal(ModalScreen[bool]):
    """Show a fix's plan and ask for confirmation: ``y`` applies, ``n``/``esc`` cancels.

    For destructive fixes the Cancel button has the focus, so ``enter`` is the safe choice.
    """

    DEFAULT_CSS = """
    FixModal {
        align: center middle;
        & > #dialog {
            width: 90%;
            max-width: 110;
            height: auto;
            max-height: 90%;
            border: thick $warning 70%;
            background: $panel;
            padding: 0 1;
        }
        &.-destructive > #dialog { border: thick $error; }
        &.-read_only > #dialog { border: thick $success 70%; }
        #fix-title { text-style: bold; width: 1fr; }
        #fix-meta { color: $text-muted; }
        #fix-plan { height: auto; max-height: 1fr; border: round $primary 30%; padding: 0 1; }
        #fix-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        #fix-buttons Button { margin-left: 2; min-width: 14; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "apply", "Apply", id="fix.apply", tooltip="Apply exactly this plan"),
        Binding("n", "cancel", "Cancel", id="fix.cancel", tooltip="Change nothing"),
        Binding("escape", "cancel", "Cancel", show=False, id="fix.escape", tooltip="Change nothing"),
    ]

    def __init__(self, plan: Plan, *, node_title: str = "") -> None:
        super().__init__(classes=f"-{plan.risk.value}")
        self.plan = plan
        """The plan shown; applying executes exactly this."""
        self.node_title = node_title

    def compose(self) -> ComposeResult:
        plan = self.plan
        risk = plan.risk.value
        with Vertical(id="dialog"):
            yield Label(f"Apply fix: {plan.title}", id="fix-title", markup=False)
            meta = Text.assemble(
                ("risk ", "dim"),
                (risk.replace("_", "-"), icons.RISK_STYLE.get(risk, "yellow")),
                ("  ·  ", "dim"),
                (plan.fix, "italic"),
            )
            if self.node_title:
                meta.append(f"  ·  at {self.node_title}", "dim")
            yield Static(meta, id="fix-meta")
            yield Static(Text(plan.summary), id="fix-summary")
            perms = ", ".join(plan.permissions) if plan.permissions else "none beyond file access"
            yield Static(Text.assemble(("permissions: ", "bold"), perms), id="fix-permissions")
            for note in plan.notes:
                yield Static(Text("note: " + note, style="italic"), classes="fix-note")
            if plan.undo:
                yield Static(
                    Text("Can be undone: `agentcore-triage undo` or the audit log.", style="dim"), id="fix-undo"
                )
            elif plan.actions:
                yield Static(Text("Cannot be undone automatically.", style="yellow"), id="fix-undo")
            with VerticalScroll(id="fix-plan"):
                yield Static(plan_renderable(plan), id="fix-actions")
            with Horizontal(id="fix-buttons"):
                yield Button("Cancel (n)", id="cancel", variant="primary" if risk == "destructive" else "default")
                yield Button("Apply (y)", id="apply", variant="error" if risk == "destructive" else "warning")

    def on_mount(self) -> None:
        safe = self.plan.risk.value == "destructive"
        self.query_one("#cancel" if safe else "#apply", Button).focus()
        self.query_one("#fix-plan").border_title = "exact changes"

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        """Confirm: the caller applies the plan."""
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Decline: nothing changes."""
        self.dismiss(False)
