"""The ``--input NAME=VALUE`` flags, checked before the playbook resolves them."""

from __future__ import annotations

from tui.i18n import _


def one_value_per_input(pairs: tuple[str, ...], declared: list[str], problem: type[Exception]) -> None:
    """Refuse (exit 2) a ``--input`` without a name and two different values for one input.

    Seen: ``--input X=a --input X=b`` ran with ``b`` without a word, a script contradicting itself (as ``--answer``
    did); the same value twice contradicts nothing. ``--input =5`` read "--input : playbook … has no such input".
    A pair without ``=`` or with a name the playbook does not declare is left to ``resolve_inputs``, which names
    the problem (and the declared inputs). ``problem`` is the caller's usage error (exit 2, one line).
    """
    known = ", ".join(declared) or _("none")
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if sep and not name:
            raise problem(
                _("--input {pair}: no input name before '='; use NAME=VALUE (inputs: {names})").format(
                    pair=repr(pair), names=known
                )
            )
        if sep and name not in declared and not name.isprintable():
            # resolve_inputs quotes the name as it is: `--input $'fo\no=1'` printed two lines. Every character that
            # is not printable shows as U+FFFD, as the other error lines and the reports show control characters.
            shown = "".join(c if c.isprintable() else "\ufffd" for c in pair[:200])
            raise problem(_("--input {pair}: no such input (inputs: {names})").format(pair=f"'{shown}'", names=known))
        if not sep or name not in declared:
            continue
        if given.get(name, value) != value:
            raise problem(
                _("--input {pair}: {name} is already given as {earlier}; give one value").format(
                    pair=repr(pair), name=name, earlier=repr(given[name])
                )
            )
        given[name] = value
