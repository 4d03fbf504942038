"""Language of the TUI and CLI: choosing it, and translating chrome strings through gettext.

The language is, in order: ``--lang ja|en``, else ``AGENTCORE_TRIAGE_LANG``, else the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: the first one set decides, as in POSIX; Japanese when it starts with ``ja``),
else English. Both the flag and the variable take locale-style names too (``ja_JP.UTF-8``, ``JA``, ``en-US``); a
variable naming no language this tool speaks is skipped with one warning (``env_language_warning``).

Chrome strings are marked with ``_()`` (or ``N_()`` where the text must stay a constant, e.g. a class-level
binding description, and ``_()`` is applied when it is shown) and ``ngettext()``. English is the source
language: in English nothing is loaded at all. The Japanese catalogue is ``tui/locale/ja/LC_MESSAGES/
agentcore-triage.po``, compiled to the ``.mo`` beside it (shipped in the wheel). After changing marked strings::

    python -m tui.cli.i18n_catalogue update    # extract with Babel, merge into the .po, compile the .mo

Importing this module costs nothing beyond ``os``: the stdlib ``gettext`` machinery and the catalogue load on
the first translated lookup in Japanese.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

DOMAIN = "agentcore-triage"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"
ENV_VAR = "AGENTCORE_TRIAGE_LANG"

_language = DEFAULT_LANGUAGE
_catalogue: Any = None
"""The loaded ``gettext.GNUTranslations`` for ``_language`` (None: not loaded yet, or English)."""


class LanguageError(ValueError):
    """An unknown language name (the message says which ones exist)."""


def normalize(name: str) -> str | None:
    """``ja``, ``ja_JP.UTF-8``, ``JA``, ``en_US`` → ``ja``/``en``; anything else → None."""
    base = name.strip().lower().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
    return base if base in LANGUAGES else None


def locale_language(environ: Mapping[str, str]) -> str | None:
    """The language the POSIX locale asks for: the first of LC_ALL, LC_MESSAGES, LANG that is set."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else DEFAULT_LANGUAGE
    return None


def resolve_language(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``--lang``, else ``AGENTCORE_TRIAGE_LANG``, else the locale, else English.

    An unknown ``--lang`` raises ``LanguageError``; an unknown value in the environment variable is skipped (the
    locale decides), so a stray variable never stops the tool; the CLI says so once (``env_language_warning``).
    """
    env = os.environ if environ is None else environ
    if flag:
        lang = normalize(flag)
        if lang is None:
            raise LanguageError(f"--lang {flag!r}: use one of {', '.join(LANGUAGES)}")
        return lang
    from_env = normalize(env.get(ENV_VAR, "") or "")
    if from_env:
        return from_env
    return locale_language(env) or DEFAULT_LANGUAGE


def unsupported_env_language(environ: Mapping[str, str] | None = None) -> str | None:
    """``AGENTCORE_TRIAGE_LANG``'s value when it is set but names no language this tool speaks (``xx``, ``fr_FR``);
    None when it names one, or is unset or blank (blank is unset: ``AGENTCORE_TRIAGE_LANG= cmd`` clears it)."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_VAR) or ""
    return value if value.strip() and normalize(value) is None else None


_env_warning_said = False
"""Whether this process has said ``env_language_warning`` already: one process, one warning."""


def env_language_warning(environ: Mapping[str, str] | None = None) -> str | None:
    """The one line saying ``AGENTCORE_TRIAGE_LANG`` was skipped, and which language is used instead, the first time
    this process asks while the variable names no language this tool speaks; None otherwise.

    English on purpose: the variable meant to name the user's language names none, so no translation is sure to be
    read (and the variable, its value and the accepted names are ASCII anyway).
    """
    global _env_warning_said
    env = os.environ if environ is None else environ
    value = unsupported_env_language(env)
    if value is None or _env_warning_said:
        return None
    _env_warning_said = True
    instead = resolve_language(None, env)
    source = next((f"{name}={env[name]}" for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), None)
    return (
        f"warning: {ENV_VAR}={value!r} is not a language this tool speaks (use {' or '.join(LANGUAGES)}; locale names"
        f" such as ja_JP.UTF-8 work too): ignored, using {instead} "
        + (f"(from the locale, {source})" if source else "(the default)")
    )


def set_language(lang: str) -> str:
    """Make ``lang`` the language of every later ``_()``; returns the normalized name."""
    global _language, _catalogue
    normalized = normalize(lang)
    if normalized is None:
        raise LanguageError(f"language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if normalized != _language:
        _language = normalized
        _catalogue = None
    return _language


def use_language(flag: str | None = None) -> str:
    """Resolve (``--lang``, environment, locale) and make it the current language; what the CLI calls first."""
    return set_language(resolve_language(flag))


def current_language() -> str:
    return _language


def catalogue_file(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _translations() -> Any:
    global _catalogue
    if _catalogue is None:
        _catalogue = _load(_language)
    return _catalogue


def _load(lang: str) -> Any:
    import gettext

    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def gettext(message: str) -> str:
    """``message`` in the current language (English: as is)."""
    if _language == DEFAULT_LANGUAGE or not message:
        return message
    return str(_translations().gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (Japanese has one form)."""
    if _language == DEFAULT_LANGUAGE:
        return singular if n == 1 else plural
    return str(_translations().ngettext(singular, plural, n))


def retranslate(text: str, previous: str, candidates: Iterable[str]) -> str:
    """``text``, shown in the ``previous`` language, in the current one, when it is one of the English
    ``candidates`` (fixed texts a language switch must re-state); anything else comes back unchanged.
    """
    if previous == _language or not text:
        return text
    catalogue = None if previous == DEFAULT_LANGUAGE else _load(previous)
    for english in candidates:
        shown = english if catalogue is None else catalogue.gettext(english)
        if text in (english, shown):
            return gettext(english)
    return text


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context`` (one English word, two Japanese ones: a column ``time`` that is a
    timestamp, another that is a duration)."""
    if _language == DEFAULT_LANGUAGE:
        return message
    return str(_translations().pgettext(context, message))


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate with ``_()`` when shown)."""
    return message


_ = gettext


class Translated:
    """A class attribute read in the current language: ``HELP = Translated(N_("..."))`` (Textual reads ``HELP``
    from the widget when it shows its help, so the text follows a language switch)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __get__(self, instance: object, owner: type | None = None) -> str:
        return gettext(self.message)


_OS_REASONS = {
    "ENOENT": N_("No such file or directory"),
    "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "EISDIR": N_("Is a directory"),
    "ENOTDIR": N_("Not a directory"),
    "ENOSPC": N_("No space left on device"),
    "EDQUOT": N_("Disk quota exceeded"),
    "EROFS": N_("Read-only file system"),
    "ELOOP": N_("Too many levels of symbolic links"),
    "ENAMETOOLONG": N_("File name too long"),
    "EEXIST": N_("File exists"),
    "EBUSY": N_("Device or resource busy"),
    "ETXTBSY": N_("Text file busy"),
    "EMFILE": N_("Too many open files"),
    "ENFILE": N_("Too many open files in system"),
    "EIO": N_("Input/output error"),
    "EFBIG": N_("File too large"),
    "ENXIO": N_("No such device or address"),
    "ENODEV": N_("No such device"),
    "ENOTEMPTY": N_("Directory not empty"),
    "EXDEV": N_("Invalid cross-device link"),
    "EINVAL": N_("Invalid argument"),
    "EADDRINUSE": N_("Address already in use"),
    "EADDRNOTAVAIL": N_("Cannot assign requested address"),
    "ECONNREFUSED": N_("Connection refused"),
    "ECONNRESET": N_("Connection reset by peer"),
    "ETIMEDOUT": N_("Connection timed out"),
    "ENETUNREACH": N_("Network is unreachable"),
    "EHOSTUNREACH": N_("No route to host"),
}
"""What the C library says for each ``errno`` (glibc's words), marked for the catalogue; keyed by name, as the
numbers differ between systems."""

_RESOLVER_REASONS = {
    "EAI_NONAME": N_("Name or service not known"),
    "EAI_AGAIN": N_("Temporary failure in name resolution"),
    "EAI_FAIL": N_("Non-recoverable failure in name resolution"),
    "EAI_NODATA": N_("No address associated with hostname"),
}
"""What ``getaddrinfo`` says (``socket.gaierror``) for the failures a host name meets."""

_OWN_REASONS = (
    N_("a directory, not a file"),  # tui.files.NotARegularFile
    N_("a device, pipe or socket, not a file"),  # tui.files.NotARegularFile
    N_("a named pipe that nothing reads"),  # tui.private_files.write_private
)
"""The reasons this tool's own ``OSError``s carry instead of the C library's."""


def os_reason(exc: BaseException) -> str:
    """Why a file, socket or name lookup failed, in the current language: ``exc.strerror``, else ``str(exc)``.

    The operating system says it in English ("No such file or directory"); in Japanese a known ``errno`` is said in
    Japanese. English is exactly what the system said (never the table above: another system's words stay as they
    are); a reason not known here stays as the system said it in every language.
    """
    strerror = getattr(exc, "strerror", None)
    reason = str(strerror or exc)
    if _language == DEFAULT_LANGUAGE or not isinstance(exc, OSError):
        return reason
    if reason in _OWN_REASONS:
        return gettext(reason)
    import sys

    number = exc.errno
    socket = sys.modules.get("socket")  # a gaierror was raised by socket, which is then loaded already
    if socket is not None and isinstance(exc, socket.gaierror):
        names = [name for name in _RESOLVER_REASONS if getattr(socket, name, None) == number]
        return gettext(_RESOLVER_REASONS[names[0]]) if names and strerror else reason
    import errno

    if not isinstance(number, int) or strerror != os.strerror(number):  # not the system's words: a message of ours
        return reason
    known = [english for name, english in _OS_REASONS.items() if getattr(errno, name, None) == number]
    return gettext(known[0]) if known else reason


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes: a Japanese character takes two (``len()`` counts one)."""
    from rich.cells import cell_len as cells

    return cells(text)


def pad_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (``f"{text:<8}"`` counts characters, not cells)."""
    return text + " " * max(0, width - cell_len(text))


def fit_cells(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending in ``…`` when cut (never in the middle of a character)."""
    if cell_len(text) <= width:
        return text
    from rich.cells import set_cell_size

    return set_cell_size(text, width - 1) + "…"


# Catalogue maintenance (Babel extraction, merge, compile) lives in tui/cli/i18n_catalogue.py: it reads the check
# and fix registry, which this bottom layer must not import.
PO_FILE = LOCALE_DIR / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po"
