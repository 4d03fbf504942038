"""Switching the TUI's language while it runs, without losing the walk.

``switch_language(app, "ja")`` makes Japanese the language of every later ``_()``, swaps the walk's playbook for
its translation (same node ids, same structure: answers, results, facts and history stay valid), re-states the
reasons of the steps already taken in the new language, and asks every screen on the stack to render itself again:
a screen with a ``relocalize()`` method re-renders its own texts keeping its state; every ``LocalizedFooter``
recomposes. The command palette (``tui.app.commands``) and the start form offer it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.i18n import LANGUAGES, N_, _, current_language, retranslate, set_language

if TYPE_CHECKING:
    from textual.app import App

    from tui.engine.walk import Walk
    from tui.playbook.model import Playbook

LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
"""Each language by its own name (what a reader of that language looks for)."""

SWITCH_TITLE = "言語を切り替え / Switch language"
"""The palette command, in both languages on purpose: findable whichever language is on screen."""

PALETTE_JUMP_REASON = N_("jumped there from the command palette")
SEARCH_JUMP_REASON = N_("symptom search matched the pasted text")
JUMP_REASONS = (PALETTE_JUMP_REASON, SEARCH_JUMP_REASON)
"""Fixed reasons the UI gives for a jump (re-stated in the new language on a switch)."""


def other_language() -> str:
    """The language a switch goes to (there are two)."""
    return next(lang for lang in LANGUAGES if lang != current_language())


def switch_label() -> str:
    """Help text of the switch command: where it goes."""
    target = other_language()
    return _("now {current}; switch to {target}").format(
        current=LANGUAGE_NAMES[current_language()], target=LANGUAGE_NAMES[target]
    )


FIXED_TITLES = (N_("MCP on AgentCore Runtime"), N_("SANDBOX"))
"""App sub-titles a switch re-states."""


def switch_language(app: App[Any], lang: str | None = None) -> str:
    """Make ``lang`` (default: the other language) the UI's language and re-render every screen; returns it."""
    previous = current_language()
    lang = set_language(lang or other_language())
    loaded = getattr(app, "loaded", None)
    if loaded is not None:
        from tui.playbook.translations import localize

        try:
            app.loaded = localize(loaded, lang)  # type: ignore[attr-defined]
        except ValueError as exc:  # a malformed user overlay: keep the playbook as it is, say why
            app.notify(str(exc).splitlines()[-1], title=_("Translation not loaded"), severity="warning")
        else:
            walk: Walk | None = getattr(getattr(app, "walk_screen", None), "walk", None)
            if walk is not None:
                relocalize_walk(walk, app.loaded.playbook, previous)  # type: ignore[attr-defined]
    app.sub_title = retranslate(app.sub_title, previous, FIXED_TITLES)
    for screen in list(app.screen_stack):
        relocalize_screen(screen)
    return lang


def relocalize_screen(screen: Any) -> None:
    """Re-render one screen in the current language: every widget's ``relocalize()`` (the screen's last, as it may
    rebuild what its widgets show), and its footers."""
    from tui.app.footer import LocalizedFooter

    for widget in screen.query("*"):
        hook = getattr(widget, "relocalize", None)
        if callable(hook):
            hook()
    hook = getattr(screen, "relocalize", None)
    if callable(hook):
        hook()
    elif hasattr(screen, "show_node"):  # the walk screen, until it has its own relocalize()
        screen.show_node()
    for footer in screen.query(LocalizedFooter):
        footer.refresh(recompose=True)


def relocalize_walk(walk: Walk, playbook: Playbook, previous: str) -> None:
    """Give ``walk`` the translated ``playbook`` and re-state its steps' reasons in the current language.

    Reasons are plain texts recorded when a step was taken; each is re-stated from what the step records (the
    answer given, the check results and facts it was decided on, a fixed jump reason). A reason that cannot be
    re-derived (a free text) stays as it was.
    """
    walk.playbook = playbook
    for step in [*walk.history, *walk.forward_stack]:
        step.reason = restate_reason(walk, step, previous)


def restate_reason(walk: Walk, step: Any, previous: str) -> str:
    """One step's reason in the current language, derived again from what the step records (the answer given, the
    results and facts the branch was decided on, a fixed reason); its old text when it cannot be derived."""
    from tui.engine import walk as engine
    from tui.playbook.model import CheckNode, DiagnosisNode, QuestionNode

    node = walk.playbook.nodes.get(step.node)
    if isinstance(node, QuestionNode) and step.answer is not None:
        choice = next((c for c in node.choices if c.key == step.answer), None)
        if choice is not None and choice.goto == step.target:
            return engine.answer_reason(choice)
    if isinstance(node, CheckNode) and step.node in walk.results:
        target, reason = engine.decide(node, walk.results[step.node], step.facts_after)
        if target == step.target:
            return reason
    if isinstance(node, DiagnosisNode) and node.next == step.target:
        return _(engine.CONTINUE_REASON)
    return retranslate(str(step.reason), previous, (engine.JUMP_REASON, *JUMP_REASONS))
