"""Help: what the screen shows and every key that works on it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import Key
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from tui.i18n import N_, _

GUIDE = N_("""\
agentcore-triage walks a decision tree for an MCP server on Amazon Bedrock AgentCore Runtime.
Each node asks a question, runs live checks against AWS, the MCP endpoint and the project,
or states a diagnosis. Failing checks offer **one-key fixes**: the exact API call or file
diff is shown before anything changes, and every applied fix is written to the audit log.

- **Questions**: press the choice's key (or click it).
- **Checks** run as soon as you reach a node; `esc` cancels them, `r` runs them again.
  Highlight a check to read its details and evidence.
- **n** follows the branch the checks chose (or redoes a step you went back on); **b** goes back.
- **/** finds the node that explains an error message; **e** exports the session for a ticket.
- **ctrl+p** opens the command palette: jump to a node, run one check, apply a fix, export, theme.
""")


def bindings_markdown(screen: Screen[Any]) -> str:
    """The active bindings of ``screen`` as a Markdown table (dynamic fix keys included)."""
    rows = []
    seen = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node is not screen and active.node is not screen.app:
            continue  # the focused widget's cursor keys are not worth a line
        if not active.enabled or not binding.description or (binding.action, binding.description) in seen:
            continue
        seen.add((binding.action, binding.description))
        display = screen.app.get_key_display(binding)
        rows.append(f"| `{display}` | {_(binding.tooltip or binding.description)} |")
    if not rows:
        return ""
    return "\n".join(["| " + _("key") + " | " + _("does") + " |", "|---|---|", *rows])


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide; any of ``esc``, ``q``, ``?`` or ``f1`` closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 100;
            height: 90%;
            border: thick $primary 70%;
            background: $panel;
            padding: 0 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", N_("Close"), id="help.close", tooltip=N_("Back")),
    ]

    def __init__(self, for_screen: Screen[Any], extra: str = "") -> None:
        super().__init__()
        self.for_screen = for_screen
        self.extra = extra

    def compose(self) -> ComposeResult:
        keys = bindings_markdown(self.for_screen)
        title, keys_here, how = _("Help"), _("Keys here"), _("How it works")
        text = f"# {title}\n\n" + (f"## {keys_here}\n\n{keys}\n\n" if keys else "") + f"## {how}\n\n" + _(GUIDE)
        if self.extra:
            text += f"\n{self.extra}\n"
        with VerticalScroll() as scroll:
            scroll.border_title = _("? help")
            yield Markdown(text, id="help-text")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)

    @on(Key)
    def _any_key(self, event: Key) -> None:
        if event.key in ("up", "down", "pageup", "pagedown", "home", "end", "tab", "shift+tab"):
            return
        event.stop()
        self.dismiss(None)
