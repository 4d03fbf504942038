"""Start screen: the troubleshooting context (prefilled) and the playbook to walk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Header, Input, Label, Select, Static

from tui.app.footer import LocalizedFooter
from tui.context import aws_config_region, parse_token_source
from tui.i18n import N_, Translated, _, current_language

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.context import Context

FIELDS: list[tuple[str, str, str]] = [
    ("profile", N_("AWS profile"), N_("default chain (AWS_PROFILE)")),
    ("region", N_("Region"), "us-east-1"),
    ("runtime", N_("Runtime"), N_("ARN, id or name of the AgentCore runtime")),
    ("endpoint", N_("MCP endpoint"), "https://…/invocations?qualifier=DEFAULT"),
    ("token", N_("Token source"), N_("env:VAR or file:PATH (never the token)")),
    ("project", N_("Project dir"), N_("directory with mcp_server.py")),
]
"""Form fields: context name, label, placeholder (labels and placeholders are shown through ``_()``)."""

SOURCE_NAMES = {
    "flag": N_("flag"),
    "AWS config": N_("AWS config"),
    "start screen": N_("start screen"),
    ".bedrock_agentcore.yaml in the current directory": N_(".bedrock_agentcore.yaml in the current directory"),
}
"""Where a prefilled value came from (``Context.sources``), as shown; ``env NAME`` keeps the variable's name."""

LANGUAGE_OPTIONS = [("English", "en"), ("日本語", "ja")]
"""The language picker: each language by its own name."""


def source_name(source: str) -> str:
    """A ``Context.sources`` value in the current language."""
    if source.startswith("env "):
        return _("env {name}").format(name=source.removeprefix("env "))
    return _(SOURCE_NAMES.get(source, source))


SANDBOX_BANNER = N_("SANDBOX · local moto + MCP server · nothing here touches a real AWS account")
READ_ONLY_BANNER = N_("read-only: fixes are hidden and never applied")
INTRO = N_("What should agentcore-triage look at? Edit the values, then press enter to start.")


class ContextForm(VerticalScroll):
    """The form; mounted right after the first frame, so the app shows at once."""

    def __init__(self, start: StartScreen, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start = start

    def compose(self) -> ComposeResult:
        yield from self.start.compose_form()

    def on_mount(self) -> None:
        runtime_field = self.query_one_optional("#field-runtime", Input)
        if runtime_field is None:  # the app is closing: Textual mounts nothing into a closing screen
            return
        runtime_field.focus()
        screen = self.screen
        if isinstance(screen, StartScreen) and screen.pending_options is not None:
            screen._set_playbooks(screen.pending_options)


@dataclass(frozen=True)
class StartChoice:
    """What the start screen hands the app: the edited context and the playbook file or id."""

    context: Any
    playbook: str


class StartScreen(Screen[None]):
    """The context form (prefilled from flags, environment, AWS config and ``.bedrock_agentcore.yaml``) and the playbook picker."""

    DEFAULT_CSS = """
    StartScreen {
        #sandbox-banner {
            background: $warning 80%;
            color: $text;
            text-style: bold;
            width: 1fr;
            height: auto;
            content-align: center middle;
            padding: 0 1;
        }
        #readonly-banner { background: $success 40%; width: 1fr; height: auto; padding: 0 1; }
        #form-scroll { height: 1fr; padding: 0 1; }
        #intro { color: $text-muted; margin: 0; padding: 0 1; height: auto; }
        #form {
            grid-size: 2;
            grid-columns: 16 1fr;
            grid-rows: 1;
            grid-gutter: 1 1;
            height: auto;
            margin-top: 1;
        }
        #form Label { height: 1; width: 100%; }
        #form .source { color: $text-muted; }
        #ro-row { height: 1; margin-top: 1; }
        #ro-row Label { height: 1; width: 17; }
        #ro-row #label-language { width: auto; margin-left: 3; margin-right: 1; }
        #ro-row #language { width: 14; }
        #sources { margin-top: 1; height: auto; }
        #start-buttons { height: auto; margin: 1 0 0 0; align-horizontal: left; }
        #start-error { color: $error; height: auto; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", N_("Start"), id="start.start", tooltip=N_("Open the walk with this context")),
        Binding("escape", "back", N_("Back"), id="start.back", tooltip=N_("Return to the walk unchanged")),
        Binding("f1", "app.help", N_("Help"), id="start.help", tooltip=N_("Keys and a short guide")),
        Binding("ctrl+q", "app.quit", N_("Quit"), id="start.quit", tooltip=N_("Leave agentcore-triage"), priority=True),
    ]

    @dataclass
    class Started(Message):
        """The user asked to start; the app loads the playbook and opens the walk (or shows an error here)."""

        choice: StartChoice

    HELP = Translated(
        N_("Check the prefilled values (their source is shown next to each), pick a playbook, press enter.")
    )

    def __init__(
        self, context: Context, playbook_ref: str, playbook_title: str | None = None, *, over_walk: bool = False
    ) -> None:
        super().__init__()
        self.over_walk = over_walk
        """Opened from a walk (T) to change the target: esc returns to that walk."""
        self.context = context
        self.playbook_ref = playbook_ref
        self.playbook_title = playbook_title
        self.pending_options: list[tuple[str, str]] | None = None
        """Playbook choices found before the form was mounted."""
        self.region_from_config: str | None = None
        """Default region read from the AWS config when nothing else gave one."""

    def _initial(self, name: str) -> str:
        ctx = self.context
        if name == "token":
            return ctx.token_source or ""
        value = getattr(ctx, name)
        if name == "region" and not value:
            self.region_from_config = aws_config_region(ctx.profile)
            return self.region_from_config or ""
        return "" if value is None else str(value)

    def _source(self, name: str) -> str:
        sources = self.context.sources
        if name == "token":
            return sources.get("token_env") or sources.get("token_file") or ""
        if name == "region" and not self.context.region and self.region_from_config:
            return "AWS config"
        return sources.get(name, "")

    def _sources_line(self) -> str:
        found = [
            _("{field}: {source}").format(field=_(label).lower(), source=source_name(self._source(name)))
            for name, label, _placeholder in FIELDS
            if self._source(name)
        ]
        if found:
            return _("from {sources}").format(sources="; ".join(found))
        return _("nothing prefilled: no flags, AWS variables or .bedrock_agentcore.yaml found")

    def compose(self) -> ComposeResult:
        yield Header()
        if self.context.sandbox:
            yield Static(_(SANDBOX_BANNER), id="sandbox-banner")
        if self.context.read_only:
            yield Static(_(READ_ONLY_BANNER), id="readonly-banner")
        yield Static(_(INTRO), id="intro")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self.title = "agentcore-triage"
        self.sub_title = _("SANDBOX") if self.context.sandbox else _("start")

    def relocalize(self) -> None:
        """Every text of the screen in the current language; what was typed into the form stays."""
        self.sub_title = _("SANDBOX") if self.context.sandbox else _("start")
        for selector, text in (("#sandbox-banner", SANDBOX_BANNER), ("#readonly-banner", READ_ONLY_BANNER)):
            widget = self.query_one_optional(selector, Static)
            if widget is not None:
                widget.update(_(text))
        self.query_one("#intro", Static).update(_(INTRO))
        if self.query_one_optional("#form") is None:
            return
        self.query_one("#label-playbook", Label).update(_("Playbook"))
        self.query_one("#label-language", Label).update(_("Language"))
        for name, label, placeholder in FIELDS:
            self.query_one(f"#label-{name}", Label).update(_(label))
            self.query_one(f"#field-{name}", Input).placeholder = _(placeholder)
        self.query_one("#sources", Static).update(self._sources_line())
        self.query_one("#label-read-only", Label).update(_("Read-only"))
        self.query_one("#read-only", Checkbox).label = _("fixes hidden, never applied")
        self.query_one("#start", Button).label = _("Start walk (enter)")
        self.load_playbooks()

    def show_form(self, then: Callable[[], None] | None = None) -> None:
        """Mount the form once the screen has painted, then call ``then`` once the form has painted.

        The app calls this right after pushing the screen (outside its mount batch, whose frames
        Textual discards and where ``call_after_refresh`` runs at once): the first frame shows the
        intro, header and footer without waiting for the form's widgets to be built and styled.
        """

        def mounted() -> None:
            self._mount_form()
            if then is not None:
                self.call_after_refresh(then)

        self.call_after_refresh(mounted)

    def compose_form(self) -> ComposeResult:
        """The form's widgets (built after the first frame: constructing and styling them takes a moment)."""
        with Grid(id="form"):
            yield Label(_("Playbook"), id="label-playbook")
            title = self.playbook_title or self.playbook_ref
            yield Select(
                [(title, self.playbook_ref)], value=self.playbook_ref, allow_blank=False, id="playbook", compact=True
            )
            for name, label, placeholder in FIELDS:
                yield Label(_(label), id=f"label-{name}")
                # select_on_focus off: a letter typed on entering a field must not replace a prefilled ARN
                yield Input(
                    self._initial(name),
                    placeholder=_(placeholder),
                    id=f"field-{name}",
                    compact=True,
                    select_on_focus=False,
                )
        yield Static(self._sources_line(), id="sources", classes="source")
        with Horizontal(id="ro-row"):
            yield Label(_("Read-only"), id="label-read-only")
            yield Checkbox(_("fixes hidden, never applied"), value=self.context.read_only, id="read-only", compact=True)
            yield Label(_("Language"), id="label-language")
            yield Select(LANGUAGE_OPTIONS, value=current_language(), allow_blank=False, id="language", compact=True)
        yield Static("", id="start-error")
        with Horizontal(id="start-buttons"):
            yield Button(_("Start walk (enter)"), id="start", variant="primary", compact=True)

    def _mount_form(self) -> None:
        if self.query_one_optional("#form-scroll") is not None:
            return
        form = ContextForm(self, id="form-scroll")
        self.mount(form, before=self.query_one(LocalizedFooter))

    @on(Select.Changed, "#language")
    def _language_chosen(self, event: Select.Changed) -> None:
        """Switch the whole UI to the chosen language (the form keeps what was typed)."""
        from tui.app.language import switch_language

        if isinstance(event.value, str) and event.value != current_language():
            switch_language(self.app, event.value)

    @work(thread=True, exit_on_error=False, group="start", description="list shipped playbooks")
    def load_playbooks(self) -> None:
        """List shipped playbooks (the app calls this after the first frame: YAML and pydantic take a moment)."""
        from tui.playbook.loader import PlaybookLoadError, load_playbook, shipped_playbook_files
        from tui.playbook.translations import localize

        options: list[tuple[str, str]] = []
        for file in shipped_playbook_files():
            try:
                pb = localize(load_playbook(file)).playbook
            except (PlaybookLoadError, ValueError):
                continue
            options.append((f"{pb.title} ({pb.id})", pb.id))
        self.app.call_from_thread(self._set_playbooks, options)

    def _set_playbooks(self, options: list[tuple[str, str]]) -> None:
        select = self.query_one_optional("#playbook", Select)
        if select is None:
            self.pending_options = options
            return
        self.pending_options = None
        ref = self.playbook_ref
        if ref not in [v for _, v in options]:
            options.insert(0, (self.playbook_title or ref, ref))
        select.set_options(options)
        select.value = ref

    def values(self) -> dict[str, Any]:
        """The form as ``Context`` fields."""
        out: dict[str, Any] = {}
        for name, _label, _placeholder in FIELDS:
            text = self.query_one(f"#field-{name}", Input).value.strip()
            if name == "token":
                out.update(parse_token_source(text))
            else:
                out[name] = text or None
        out["read_only"] = self.query_one("#read-only", Checkbox).value
        return out

    def build_context(self) -> Context:
        """The start context updated with the form; edited values are marked as coming from the start screen."""
        updates = self.values()
        sources = dict(self.context.sources)
        for key, value in updates.items():
            if key != "read_only" and value != getattr(self.context, key):
                sources[key] = "start screen"
        if updates.get("project") and updates["project"] != self.context.project:
            from tui.context import read_agentcore_config

            found = read_agentcore_config(updates["project"])
            for key in ("runtime", "region"):
                if not updates.get(key) and found.get(key):
                    updates[key] = found[key]
                    sources[key] = ".bedrock_agentcore.yaml"
        return self.context.model_copy(update={**updates, "sources": sources})

    @on(Input.Submitted)
    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        """Hand the context and playbook to the app."""
        select = self.query_one_optional("#playbook", Select)
        if select is None:  # ctrl+s in the moment before the form is mounted
            return
        context = self.build_context()
        # the values the CLI refuses before anything runs (a runtime with a space, a region that is no region name, a
        # URL that is no URL): said here, on the form, instead of as every check's error
        problems = (context.region_problem(), context.runtime_problem(), context.endpoint_problem())
        if problem := next((p for p in (*problems, context.qualifier_problem()) if p), None):
            self.show_error(problem.removeprefix("start screen "))  # the value's own words name the field
            return
        self.show_error("")
        self.post_message(self.Started(StartChoice(context, str(select.value))))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.over_walk  # the first start screen has no walk to return to
        return True

    def action_back(self) -> None:
        """Return to the walk this screen was opened from, unchanged."""
        if self.over_walk:
            self.dismiss()

    def show_error(self, message: str) -> None:
        """Show why the walk could not start (bad playbook, missing input)."""
        self.query_one("#start-error", Static).update(message)
