"""Who agentcore-triage is talking to AWS as, and in which region."""

from __future__ import annotations

from tui.aws.errors import aws_errors
from tui.checks.base import CheckContext
from tui.i18n import _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, Status, failed, passed, warned


class IdentityParams(CheckParams):
    runtime: str = ""
    """The runtime as given (ARN, id or name); an ARN's account is compared with the caller's."""


@check(
    "aws.identity",
    title="AWS credentials work",
    severity=Severity.CRITICAL,
    params=IdentityParams,
    publishes=("aws.account", "aws.principal", "aws.access_problem"),
    needs=("aws",),
    aws_actions=("sts:GetCallerIdentity",),
    remediation="Log in (`aws sso login --profile NAME`) or export credentials, then run again.",
)
def identity(ctx: CheckContext, params: IdentityParams) -> CheckResult:
    """Calls sts:GetCallerIdentity; warns when the runtime ARN belongs to another account.

    An error publishes `aws.access_problem` (the cause: `expired`, `no-credentials` …) so the
    playbook can tell bad credentials from an AWS endpoint that cannot be reached.
    """
    result = _who_am_i(ctx, params)
    if result.status is Status.ERROR:
        result.facts["aws.access_problem"] = result.evidence.get("cause", "unknown")
    return result


@aws_errors
def _who_am_i(ctx: CheckContext, params: IdentityParams) -> CheckResult:
    from tui.aws.session import account_of_arn

    who = ctx.aws("sts").get_caller_identity()
    account, arn = str(who["Account"]), str(who["Arn"])
    facts = {"aws.account": account, "aws.principal": arn}
    evidence = {"account": account, "principal": arn}
    runtime_account = account_of_arn(params.runtime) if params.runtime.startswith("arn:") else None
    if runtime_account and runtime_account != account:
        return warned(
            _("credentials are for account {account}, but the runtime ARN is in account {runtime_account}").format(
                account=account, runtime_account=runtime_account
            ),
            details=_("Reading a runtime in another account needs a role there: use `--profile` for that account."),
            evidence={**evidence, "runtime_account": runtime_account},
            facts=facts,
        )
    return passed(
        _("signed in as {arn} (account {account})").format(arn=arn, account=account), evidence=evidence, facts=facts
    )


class RegionParams(CheckParams):
    runtime_arn: str
    endpoint: str = ""
    """The MCP endpoint URL, when known; its host names a region too."""


@check(
    "aws.region",
    title="Session, runtime and endpoint agree on the region",
    severity=Severity.HIGH,
    params=RegionParams,
    publishes=("aws.region",),
    needs=("aws",),
    aws_actions=("sts:GetCallerIdentity",),
    remediation="Pass `--region` equal to the region in the runtime ARN (and use that region's endpoint URL).",
)
@aws_errors
def region(ctx: CheckContext, params: RegionParams) -> CheckResult:
    """Compares the session region with the runtime ARN's region and the endpoint URL's region."""
    from tui.aws.session import region_of_arn, region_of_url

    session_region = ctx.aws("sts").meta.region_name
    arn_region = region_of_arn(params.runtime_arn)
    endpoint = params.endpoint or ctx.context.endpoint or ""
    url_region = region_of_url(endpoint) if endpoint else None
    evidence = {"session": session_region, "runtime_arn": arn_region, "endpoint_url": url_region}
    seen = {k: v for k, v in evidence.items() if v}
    if len(set(seen.values())) > 1:
        parts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in seen.items())
        return failed(
            _("regions disagree: {parts}").format(parts=parts),
            details=_(
                "Runtimes, their log groups and Transaction Search are regional. Every call must go to the "
                "runtime's region ({region})."
            ).format(region=arn_region or "?"),
            evidence=evidence,
            facts={"aws.region": arn_region or session_region},
        )
    return passed(
        _("everything is in {region}").format(region=session_region),
        evidence=evidence,
        facts={"aws.region": arn_region or session_region},
    )
