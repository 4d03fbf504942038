"""How the fleet view names a runtime and the problem of one it could not check (its rows and detail line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.i18n import _

if TYPE_CHECKING:
    from tui.engine.fleet import FleetTarget

UNCHECKED_PREFIX = "could not be checked: "
"""How the engine words a runtime it could not check (``FleetMember.problem``); the reason after it is verbatim."""


def shown_problem(problem: str) -> str:
    """The engine's ``problem`` in the current language (its reason stays as the engine or AWS gave it)."""
    if problem.startswith(UNCHECKED_PREFIX):
        return _("could not be checked: {reason}").format(reason=problem[len(UNCHECKED_PREFIX) :])
    return problem


def shown_runtime(runtime: str, region: str, accounts: set[str]) -> str:
    """A runtime as its row names it: an ARN by its runtime id, followed by what the id alone would hide: the ARN's
    account when the fleet's ARNs name several (``accounts``), its region when that is not the row's region (the
    one it is checked in). Anything that is not a runtime ARN is shown as given.

    A whole ARN takes about 70 cells: at 80 columns it pushed region, state, checks and failing off the screen.
    The filter still matches the whole ARN, and enter opens the walk of the runtime as given.
    """
    from tui.aws.runtimes import id_from_arn
    from tui.aws.session import account_of_arn, region_of_arn

    runtime_id = id_from_arn(runtime)
    if not runtime_id:
        return runtime
    account = account_of_arn(runtime) if len(accounts) > 1 else None
    arn_region = region_of_arn(runtime)
    hidden = [part for part in (account, arn_region if arn_region != region else None) if part]
    return f"{runtime_id} ({', '.join(hidden)})" if hidden else runtime_id


def accounts_of(targets: list[FleetTarget]) -> set[str]:
    """The accounts the fleet's runtime ARNs name (several: rows name the account after the runtime id)."""
    from tui.aws.session import account_of_arn

    return {account for target in targets if (account := account_of_arn(target.runtime))}
