"""The right pane of the walk: the current node's title, Markdown body, choices or live checks, the
decision (where ``n`` leads and why) and the fixes on offer. It renders; the walk screen decides when."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Markdown, Static

from tui.app import icons
from tui.app.check_detail import CheckDetail
from tui.app.checks_table import CheckRow, ChecksTable
from tui.app.choice_list import ChoiceList
from tui.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from collections.abc import Collection

    from tui.engine.walk import OfferedFix, Walk
    from tui.playbook.model import FixRef

KIND_BADGE = {"question": "[b $accent]{}[/]", "check": "[b $primary]{}[/]", "diagnosis": "[b $warning]{}[/]"}
KIND_NAME = {"question": N_("QUESTION"), "check": N_("CHECKS"), "diagnosis": N_("DIAGNOSIS")}


class NodePane(VerticalScroll):
    """One node of the walk, as the user sees it."""

    FOCUS_BORDER_ALPHA = 0.7
    """The border is ``round $primary 70%`` while a widget of the pane has the focus (``40%`` otherwise, in CSS)."""

    DEFAULT_CSS = """
    NodePane {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        border: round $primary 40%;
        border-title-color: $text-muted;
        #node-title { height: auto; margin-bottom: 0; }
        #node-body { height: auto; margin: 0; padding: 0; background: transparent; }
        #decision { height: auto; margin: 0 0 1 0; padding: 0 1; background: $boost; }
        #fixes { height: auto; margin: 0 0 1 0; padding: 0 1; background: $warning 15%; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="node-title")
        yield Markdown("", id="node-body")
        yield ChoiceList(id="choices")
        yield ChecksTable(id="checks")
        yield Static("", id="decision")
        yield Static("", id="fixes")
        yield CheckDetail("", id="detail")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_descendant_focus(self) -> None:
        self._show_focus_within()

    def on_descendant_blur(self) -> None:
        self._show_focus_within()

    def _theme_changed(self, _theme: object) -> None:
        self._focus_border = None
        self._show_focus_within()

    _focus_border: Color | None = None

    def _show_focus_within(self) -> None:
        """The brighter border while a widget of the pane has the focus, set inline.

        Not a ``:focus-within`` rule: Textual restyles the whole subtree of a widget with such a rule at every focus
        change in or out of it (each Markdown block, the table, the choices, the details): a tenth of the CPU of a
        walk through a few nodes (measured). An inline border restyles nothing.
        """
        if not self.has_focus_within:
            if self._focus_border is not None:
                self._focus_border = None
                self.styles.border = None  # back to the CSS border
            return
        primary = Color.parse(self.app.get_css_variables()["primary"])
        border = primary.multiply_alpha(self.FOCUS_BORDER_ALPHA)
        if border != self._focus_border:
            self._focus_border = border
            self.styles.border = ("round", border)

    def show(self, walk: Walk, *, rows: list[CheckRow], offered: list[OfferedFix], running: bool) -> bool:
        """Render the current node; True when a widget of the pane took the focus (choices or checks)."""
        from tui.playbook.model import CheckNode, DiagnosisNode, QuestionNode

        node = walk.node
        self.border_title = f"{walk.current}"
        badge = KIND_BADGE[node.kind].format(_(KIND_NAME[node.kind]))
        _update(self.query_one("#node-title", Static), f"{badge}  [b]{escape(node.title)}[/]")
        done = settled_fixes(walk)
        body = strike_done_offers(node.body.strip(), [ref.key for ref in done], _("✓ done"))
        body = strike_done_offers(body, withheld_keys(walk), _("not offered: see the finding"))
        if isinstance(node, DiagnosisNode):
            severity = _("**Severity: {severity}**").format(
                severity=icons.label(icons.SEVERITY_LABEL, node.severity.value)
            )
            body = f"{severity}\n\n{body}" if body else severity
            if node.next_steps:
                steps = "\n".join(f"{i}. {s}" for i, s in enumerate(node.next_steps, 1))
                body += "\n\n" + _("**Next steps**") + "\n\n" + steps
        node_body = self.query_one("#node-body", Markdown)
        if body != node_body.source:  # an update re-parses and mounts every block again: skip when nothing changed
            node_body.update(body)
        choices = self.query_one("#choices", ChoiceList)
        checks = self.query_one("#checks", ChecksTable)
        choices.display = isinstance(node, QuestionNode)
        checks.display = isinstance(node, CheckNode)
        self.query_one("#detail", CheckDetail).display = isinstance(node, CheckNode)
        focused = True
        if isinstance(node, QuestionNode):
            choices.set_choices(node.choices, walk.answers.get(walk.current))
            choices.focus()
        elif isinstance(node, CheckNode):
            checks.set_rows(rows)
            checks.focus()
            self.show_detail(walk)
        else:
            focused = False
        self._show_decision(walk, running)
        self._show_fixes(offered, done, walk)
        return focused

    def show_detail(self, walk: Walk) -> None:
        """The highlighted check's description, result, evidence and remediation."""
        checks = self.query_one("#checks", ChecksTable)
        key = checks.highlighted_key
        if key is None:
            return
        row = checks.rows_by_key.get(key)
        inv = next((i for i in getattr(walk.node, "checks", []) if i.key == key), None)
        spec = walk.registry.checks.get(inv.check) if inv else None
        self.query_one("#detail", CheckDetail).show(
            key, spec, row.result if row else None, row.state if row else "pending"
        )

    def _show_decision(self, walk: Walk, running: bool) -> None:
        from tui.playbook.model import CheckNode, DiagnosisNode

        node = walk.node
        decision = self.query_one("#decision", Static)
        text = ""
        if walk.forward_stack:
            step = walk.forward_stack[-1]
            target = escape(walk.playbook.nodes[step.target].title)
            text = _("[b]n[/b] → redo: [b]{target}[/]  [dim]({reason})[/]").format(
                target=target, reason=escape(step.reason)
            )
        elif isinstance(node, CheckNode):
            decided = walk.decision()
            if running:
                text = "[dim]" + _("checks running… esc cancels") + "[/]"
            elif decided is not None:
                target, reason = decided
                text = _("[b]n[/b] → next: [b]{target}[/]\n[dim]why: {reason}[/]").format(
                    target=escape(walk.playbook.nodes[target].title), reason=escape(reason)
                )
            else:
                text = "[dim]" + _("not run yet: press r") + "[/]"
        elif isinstance(node, DiagnosisNode) and node.next:
            text = _("[b]n[/b] → continue: [b]{target}[/]").format(target=escape(walk.playbook.nodes[node.next].title))
        elif isinstance(node, DiagnosisNode):
            text = "[dim]" + _("End of this branch. b goes back, / searches, e exports the session.") + "[/]"
        _update(decision, text)
        decision.display = bool(text)

    def _show_fixes(self, offered: list[OfferedFix], done: list[FixRef], walk: Walk) -> None:
        fixes = self.query_one("#fixes", Static)
        lines = []
        if offered and not walk.context.read_only:
            lines.append("[b]" + _("Fixes") + "[/b] [dim]" + _("(you see the exact change first)") + "[/]")
            for o in offered:
                why = " [dim]" + _("for {check}").format(check=escape(o.ref.for_)) + "[/]" if o.ref.for_ else ""
                risk = o.spec.risk.value
                label = escape(o.ref.label or _(o.spec.title))
                style = icons.RISK_STYLE.get(risk, "")
                risk_name = icons.label(icons.RISK_LABEL, risk)
                lines.append(f"[b reverse] {escape(o.ref.key)} [/] {label} [{style}]{risk_name}[/]{why}")
        if done:
            lines.append(
                "[b]"
                + _("Done")
                + "[/b] [dim]"
                + _("(applied, or nothing was left to do; a opens the audit log, where a fix can be undone)")
                + "[/]"
            )
            for ref in done:
                spec = walk.registry.fixes.get(ref.fix)
                label = escape(ref.label or (_(spec.title) if spec else ref.fix))
                lines.append(f"[$success]✓[/] [dim][b]{escape(ref.key)}[/b] {label}[/]")
        if lines:
            _update(fixes, "\n".join(lines))
            fixes.display = True
        elif offered:
            count = len(offered)
            text = ngettext(
                "read-only: {count} fix available without --read-only",
                "read-only: {count} fixes available without --read-only",
                count,
            ).format(count=count)
            _update(fixes, "[dim]" + text + "[/]")
            fixes.display = True
        else:
            fixes.display = False


def settled_fixes(walk: Walk) -> list[FixRef]:
    """The current diagnosis' fixes the walk has settled: applied, or planned with nothing left to do (an undo in the
    audit viewer unsettles them). Neither the pane nor the footer offers them. Not at a check node: its checks show
    the state, and running them again unsettles its fixes."""
    from tui.engine.fixing import fix_key
    from tui.playbook.model import DiagnosisNode

    if not isinstance(walk.node, DiagnosisNode):
        return []
    values = walk.values()
    return [ref for ref in walk.node.fixes if fix_key(ref, values) in walk.settled]


def withheld_keys(walk: Walk) -> list[str]:
    """Keys of the current diagnosis' fixes that a failing check withheld (it found they cannot help): the node's
    prose still says "Press `p` …", so that sentence is struck through instead of offering what would be refused."""
    from tui.playbook.model import DiagnosisNode

    if not isinstance(walk.node, DiagnosisNode):
        return []
    return [ref.key for ref in walk.node.fixes if walk.withheld(ref.fix)]


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|。")
"""Where a sentence of a node's Markdown ends (English and Japanese), outside `code`."""


def strike_done_offers(body: str, keys: Collection[str], done: str) -> str:
    """``body`` with each sentence that offers one of ``keys`` (names it as `key`) struck through and marked ``done``.

    A node's prose offers its fixes ("Press `l` to add the inline policy …"); once that fix is applied (or found with
    nothing to do) the key is no longer offered, and a diagnosis that still says "press l" offers an action already
    taken. Struck through rather than removed, so what was done stays readable.
    """
    if not keys or not body:
        return body
    offers = re.compile("|".join(f"`{re.escape(key)}`" for key in keys))
    out: list[str] = []
    for sentence in _sentences(body):
        stripped = sentence.strip()
        if offers.search(stripped):
            lead = sentence[: len(sentence) - len(sentence.lstrip())] or " "
            trail = sentence[len(sentence.rstrip()) :]
            # a space before ~~ so it opens after any character (Japanese sentences follow one another unspaced)
            out.append(f"{lead}~~{stripped}~~ **{done}**{trail}")
        else:
            out.append(sentence)
    return "".join(out)


def _sentences(text: str) -> list[str]:
    """``text`` cut after each sentence end that is not inside `code` (the pieces join back to ``text``)."""
    pieces: list[str] = []
    start = 0
    in_code = False
    for index, char in enumerate(text):
        if char == "`":
            in_code = not in_code
        elif char == "\n" and text[index : index + 2] == "\n\n" and not in_code:
            pieces.append(text[start:index])
            start = index
        elif not in_code and _SENTENCE_END.match(text, index):
            pieces.append(text[start : index + 1])
            start = index + 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _update(static: Static, markup: str) -> None:
    """Set a text of the pane unless it already shows it: every ``update`` lays the screen out again (the walk shows
    its node after each move, run start, run end and cancel, and most of its texts stay the same)."""
    if not (isinstance(static.content, str) and static.content == markup):
        static.update(markup)
