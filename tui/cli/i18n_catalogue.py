"""The Japanese gettext catalogue's upkeep: extract every marked string (Babel) and every check and fix title and
remediation (from the registry), merge them into ``tui/locale/ja/LC_MESSAGES/agentcore-triage.po``, compile the
``.mo`` shipped beside it::

    python -m tui.cli.i18n_catalogue update    # after changing marked strings or check/fix titles
    python -m tui.cli.i18n_catalogue compile   # after editing translations in the .po

``tests/test_i18n.py`` fails while the ``.po`` lacks a string or the ``.mo`` is older than the ``.po``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.i18n import DOMAIN, LOCALE_DIR, PO_FILE, catalogue_file

MAPPING_FILE = LOCALE_DIR / "babel.cfg"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}


def extract() -> Any:
    """Every marked string of the package, as a Babel ``Catalog`` (the ``.pot`` content)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = Path(__file__).resolve().parent.parent
    catalog = Catalog(project=DOMAIN, charset="utf-8")
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING_FILE))  # type: ignore[no-untyped-call]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map=method_map,
        options_map=options_map,
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(f"tui/{filename}", lineno)], auto_comments=comments, context=context)
    for message, location in registry_texts():
        catalog.add(message, None, [location], auto_comments=["registry: check or fix title, remediation"])
    return catalog


def registry_texts() -> list[tuple[str, tuple[str, int]]]:
    """Titles, remediations and descriptions (docstrings) of every registered check, titles of every fix, with where
    they are declared.

    They are declared as ``@check(title=..., remediation=...)`` / ``@fixer(title=...)`` arguments, which Babel
    cannot see as messages; the screens, reports and CLI show them through ``_()``.
    """
    import inspect

    from tui.registry import load_all

    root = Path(__file__).resolve().parent.parent.parent
    registry = load_all()
    out: list[tuple[str, tuple[str, int]]] = []
    declared: list[tuple[Any, tuple[str, ...]]] = [
        (c.func, (c.title, c.remediation, c.description)) for c in registry.checks.values()
    ]
    declared += [(f.cls, (f.title,)) for f in registry.fixes.values()]
    for obj, texts in declared:
        try:
            file = Path(inspect.getsourcefile(obj) or "").resolve().relative_to(root).as_posix()
            line = inspect.getsourcelines(obj)[1]
        except (OSError, TypeError, ValueError):
            file, line = "tui", 0
        out += [(text, (file, line)) for text in texts if text]
    return out


def compile_po(po_path: Path = PO_FILE) -> bytes:
    """The ``.mo`` bytes for a ``.po`` file, exactly as ``update`` writes them (fuzzy entries left out)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="ja", domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Extract, merge into the Japanese ``.po`` (new strings untranslated, gone ones obsolete), compile the ``.mo``."""
    from babel.messages.pofile import read_po, write_po

    template = extract()
    if PO_FILE.exists():
        with PO_FILE.open("rb") as handle:
            catalog = read_po(handle, locale="ja", domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        from babel.messages.catalog import Catalog

        catalog = Catalog(locale="ja", domain=DOMAIN, project=DOMAIN, charset="utf-8")
        catalog.update(template)
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    with PO_FILE.open("wb") as handle:
        write_po(handle, catalog, width=120, sort_output=True, ignore_obsolete=True, include_lineno=False)
    catalogue_file("ja").write_bytes(compile_po(PO_FILE))


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args == ["update"]:
        update()
        print(f"updated {PO_FILE} and {catalogue_file('ja')}")
        return 0
    if args == ["compile"]:
        catalogue_file("ja").write_bytes(compile_po(PO_FILE))
        return 0
    print("usage: python -m tui.cli.i18n_catalogue update|compile", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
