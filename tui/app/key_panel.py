"""Textual's Keys panel (command palette "Keys"), in the chosen language.

Textual's ``HelpPanel`` shows the focused widget's ``HELP`` above a ``KeyPanel``, whose table prints every active
binding's ``description`` and ``tooltip`` as they are. ``LocalizedHelpPanel`` composes the same panel around a
bindings table that shows both through ``_()``: our own bindings are marked ``N_()`` on their classes (the same
texts the footer translates), the bindings of Textual's widgets are catalogued below. ``TriageApp`` mounts it
from ``action_show_help_panel``, the action of the palette's "Keys" command.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, ClassVar

from rich import box
from rich.table import Table
from rich.text import Text
from textual.widgets import HelpPanel, KeyPanel, Markdown, Static

from tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import Binding

TEXTUAL_WIDGET_KEYS = (
    N_("Bottom"),
    N_("Copy"),
    N_("Copy selected text"),
    N_("Cursor Down"),
    N_("Cursor Up"),
    N_("Cursor down"),
    N_("Cursor down select"),
    N_("Cursor left"),
    N_("Cursor left select"),
    N_("Cursor left word select"),
    N_("Cursor line end"),
    N_("Cursor line end select"),
    N_("Cursor line start"),
    N_("Cursor line start select"),
    N_("Cursor page down"),
    N_("Cursor page up"),
    N_("Cursor right"),
    N_("Cursor right select"),
    N_("Cursor right word select"),
    N_("Cursor to next ancestor"),
    N_("Cursor to next sibling"),
    N_("Cursor to parent"),
    N_("Cursor to previous sibling"),
    N_("Cursor up"),
    N_("Cursor up select"),
    N_("Cursor word left"),
    N_("Cursor word right"),
    N_("Cut"),
    N_("Cut selected text"),
    N_("Delete all to the left"),
    N_("Delete all to the right"),
    N_("Delete character left"),
    N_("Delete character right"),
    N_("Delete left to start of word"),
    N_("Delete line"),
    N_("Delete right to start of word"),
    N_("Delete to line end"),
    N_("Delete to line start"),
    N_("Down"),
    N_("End"),
    N_("Expand or collapse all"),
    N_("First"),
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Go to end"),
    N_("Go to start"),
    N_("Home"),
    N_("Last"),
    N_("Move cursor left"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor left and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Move cursor right and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Page Up"),
    N_("Page down"),
    N_("Page up"),
    N_("Paste"),
    N_("Paste text from the clipboard"),
    N_("Press button"),
    N_("Redo"),
    N_("Scroll Down"),
    N_("Scroll End"),
    N_("Scroll Home"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Up"),
    N_("Select"),
    N_("Select all"),
    N_("Select line"),
    N_("Select line end"),
    N_("Select line start"),
    N_("Show menu"),
    N_("Submit"),
    N_("Toggle"),
    N_("Top"),
    N_("Undo"),
    N_("Up"),
    N_("Input"),
    N_("Open the command palette"),
)
"""What the Keys panel lists for Textual's own widgets (DataTable, Input, OptionList, TextArea, Tree, Select,
buttons, scrolling containers, the palette key): their binding descriptions and tooltips and the ``Input`` group
title, catalogued here."""


class LocalizedBindingsTable(Static):
    """The active bindings of the screen, grouped by the widget that binds them, in the current language.

    Laid out as Textual's own bindings table (keys right-aligned, description, tooltip dimmed, a section per
    widget), from the screen's public ``active_bindings``.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bindings-table--key",
        "bindings-table--description",
        "bindings-table--divider",
        "bindings-table--header",
    }

    DEFAULT_CSS = """
    LocalizedBindingsTable {
        width: auto;
        height: auto;
        & > .bindings-table--key { color: $text-accent; text-style: bold; padding: 0 1; }
        & > .bindings-table--description { color: $foreground; }
        & > .bindings-table--divider { color: transparent; }
        & > .bindings-table--header { color: $text-primary; text-style: underline; }
    }
    """

    def render(self) -> Table:
        key_style = self.get_component_rich_style("bindings-table--key")
        description_style = self.get_component_rich_style("bindings-table--description")
        header_style = self.get_component_rich_style("bindings-table--header")
        divider_transparent = self.get_component_styles("bindings-table--divider").color.a == 0
        table = Table(
            padding=(0, 0),
            show_header=False,
            box=box.SIMPLE if divider_transparent else box.HORIZONTALS,
            border_style=self.get_component_rich_style("bindings-table--divider"),
        )
        table.add_column("", justify="right")
        table.add_column("", overflow="fold")  # Japanese has no spaces to wrap at: fold by cells, never cut

        described = getattr(self.screen, "footer_description", None)  # keys built from data (as the footer)

        def describe(binding: Binding) -> Text:
            fresh = described(binding.action) if callable(described) else None
            text = Text(fresh or _(binding.description), end="", style=description_style)
            tooltip = _(binding.tooltip) if binding.tooltip else ""
            if tooltip and tooltip != text.plain:
                if binding.description:
                    text.append(" ")
                text.append(tooltip, "dim")
            return text

        previous: object = None
        for namespace, grouped in groupby(self.screen.active_bindings.values(), key=itemgetter(0)):
            by_action: defaultdict[str, list[Binding]] = defaultdict(list)
            for active in grouped:
                if not active.binding.system:
                    by_action[active.binding.action].append(active.binding)
            if namespace.BINDING_GROUP_TITLE:
                table.add_row("", Text(_(namespace.BINDING_GROUP_TITLE), end="", style=header_style))
            for bindings in by_action.values():
                keys = " ".join(dict.fromkeys(self.app.get_key_display(b) for b in bindings))
                table.add_row(Text(keys, style=key_style), describe(bindings[0]))
            if namespace != previous:
                table.add_section()
            previous = namespace
        return table


class LocalizedKeyPanel(KeyPanel):
    """``KeyPanel`` with the translated bindings table (it recomposes when the bindings change, as Textual's)."""

    def compose(self) -> ComposeResult:
        yield LocalizedBindingsTable(shrink=True, expand=False)


class LocalizedHelpPanel(HelpPanel):
    """Textual's help panel (focused widget's help, then the keys) with the keys in the current language.

    Our widgets' ``HELP`` is already translated when read (``tui.i18n.Translated``); Textual's widgets have none.
    """

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield LocalizedKeyPanel(id="keys-help")
