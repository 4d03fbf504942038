"""click's own usage errors in the user's language.

click words its parsing errors in English ("No such option '--regio'.", "Invalid value for '--format': 'xml' is not
one of …", "Option '--since' requires an argument.") through the standard library's gettext, which follows the
process's locale variables, not ``--lang`` or ``AGENTCORE_TRIAGE_LANG``. Under ``--lang ja`` a mistyped flag was the
one English line left. Each wording click uses (8.x) is matched here and said again from this tool's catalogue, with
the values as click quoted them; a wording that is not here (a newer click) stays as click wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tui.i18n import N_, _, current_language, normalize, set_language

_QUOTED = r"'[^'\n]{0,400}'"
_QUOTED_LIST = rf"{_QUOTED}(?:(?:, | / ){_QUOTED}){{0,50}}"

_WORDINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), msgid)
    for pattern, msgid in (
        (rf"No such option (?P<name>{_QUOTED})\.", N_("no such option {name}.")),
        (rf"\(Did you mean one of: (?P<names>{_QUOTED_LIST})\?\)", N_("(did you mean one of {names}?)")),
        (rf"Did you mean (?P<name>{_QUOTED}|--?[\w-]{{1,100}})\?", N_("did you mean {name}?")),
        (rf"No such command (?P<name>{_QUOTED})\.", N_("no such command {name}.")),
        (rf"Invalid value for (?P<param>{_QUOTED_LIST}): ", N_("invalid value for {param}: ")),
        (rf"(?P<value>{_QUOTED}) is not one of (?P<choices>{_QUOTED_LIST})\.", N_("{value} is not one of {choices}.")),
        (rf"(?P<value>{_QUOTED}) is not a valid integer(?: range)?\.", N_("{value} is not a whole number.")),
        (rf"(?P<value>{_QUOTED}) is not a valid float(?: range)?\.", N_("{value} is not a number.")),
        (
            r"(?P<value>-?[\d.]{1,40}) is not in the range (?P<range>[\d.<=x >-]{1,60})\.",
            N_("{value} is not in the range {range}."),
        ),
        (rf"Missing option (?P<param>{_QUOTED_LIST})\.", N_("missing option {param}.")),
        (rf"Missing argument (?P<param>{_QUOTED})\.", N_("missing argument {param}.")),
        (rf"Option (?P<name>{_QUOTED}) requires an argument\.", N_("option {name} needs a value.")),
        (rf"Option (?P<name>{_QUOTED}) does not take a value\.", N_("option {name} takes no value.")),
        (r"Got unexpected extra arguments? \((?P<args>[^()\n]{0,2000})\)", N_("unexpected extra argument ({args})")),
    )
]
"""click's wording (as a pattern over its message) and what this tool says instead: the named parts are kept."""


def in_user_language(message: str) -> str:
    """``message`` (a click usage error, one line) with click's wordings said in the current language."""
    if current_language() == "en":
        return message
    for pattern, msgid in _WORDINGS:
        message = pattern.sub(_said_as(msgid), message)
    return message


def _said_as(msgid: str) -> Callable[[re.Match[str]], str]:
    return lambda match: _(msgid).format(**match.groupdict())


def apply_language_asked(argv: list[str]) -> None:
    """Make the last ``--lang`` of ``argv`` the language, if it names one.

    ``--lang`` is applied once the command line has been parsed, so a command's own ``--lang ja`` before a mistyped
    flag (``doctor --lang ja --regio x``) was never applied: the parser stopped at the error first, in English.
    """
    asked = language_asked(argv)
    if asked and normalize(asked):
        set_language(asked)


def language_asked(argv: list[str]) -> str | None:
    """The value of the last ``--lang`` in ``argv`` (before or after the command, up to a ``--``), as written."""
    asked = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(argv):
            asked = argv[index + 1]
        elif word.startswith("--lang="):
            asked = word.partition("=")[2]
    return asked
