"""CloudWatch Logs: the runtime's log groups, the X-Ray resource policy, and known errors in the logs."""

from __future__ import annotations

import time
from typing import Any

from tui.aws.errors import aws_errors
from tui.aws.logs import group_exists
from tui.checks.aws._common import client
from tui.checks.base import CheckContext
from tui.i18n import _, ngettext
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, could_not_run, errored, failed, passed, skipped, warned


class GroupParams(CheckParams):
    log_group: str
    region: str = ""


@check(
    "logs.group.runtime",
    title="The runtime's log group exists",
    severity=Severity.HIGH,
    params=GroupParams,
    needs=("aws",),
    aws_actions=("logs:DescribeLogGroups",),
    remediation="AgentCore creates `/aws/bedrock-agentcore/runtimes/<id>-DEFAULT` on the first write if the role may "
    "`logs:CreateLogGroup` there; fix the role (iam.role.logs) or create the group (fix `logs.create_group`).",
)
@aws_errors
def runtime_group(ctx: CheckContext, params: GroupParams) -> CheckResult:
    """DescribeLogGroups for /aws/bedrock-agentcore/runtimes/<id>-DEFAULT."""
    exists, info = group_exists(client(ctx, "logs", params.region), params.log_group)
    evidence = {"log_group": params.log_group, **info}
    if exists:
        return passed(_("log group {log_group} exists").format(log_group=params.log_group), evidence=evidence)
    return failed(
        _("log group {log_group} does not exist: the runtime has never written a log line").format(
            log_group=params.log_group
        ),
        details=_(
            "Either the container never started, or the execution role may not create/write it "
            "(a policy on `/aws/bedrock/agentcore/*` instead of `/aws/bedrock-agentcore/*` is a classic). "
            "The client then sees errors but there are no logs to read."
        ),
        evidence=evidence,
    )


@check(
    "logs.group.otel",
    title="The custom OTEL log group exists",
    severity=Severity.MEDIUM,
    params=GroupParams,
    needs=("aws",),
    aws_actions=("logs:DescribeLogGroups",),
    remediation="Create the log group named in `OTEL_EXPORTER_OTLP_LOGS_HEADERS` (fix `logs.create_group`): "
    "the OTLP logs exporter does not create it.",
)
@aws_errors
def otel_group(ctx: CheckContext, params: GroupParams) -> CheckResult:
    """The group named by x-aws-log-group in OTEL_EXPORTER_OTLP_LOGS_HEADERS (e.g. agents/mcp-server-logs)."""
    if not params.log_group:
        return skipped(_("the runtime's environment names no custom OTEL log group (x-aws-log-group)"))
    exists, info = group_exists(client(ctx, "logs", params.region), params.log_group)
    evidence = {"log_group": params.log_group, **info}
    if exists:
        return passed(_("OTEL log group {log_group} exists").format(log_group=params.log_group), evidence=evidence)
    return failed(
        _("OTEL log group {log_group} does not exist: exports fail with {error}").format(
            log_group=params.log_group, error='"The specified log group does not exist"'
        ),
        details=_(
            "The runtime's environment sends OpenTelemetry logs to this group, and the exporter never creates it "
            "(400 `The specified log group does not exist.` in the runtime logs)."
        ),
        evidence=evidence,
    )


class KmsParams(CheckParams):
    log_groups: list[str]
    """The runtime's group and the custom OTEL group ("" entries are ignored)."""
    region: str = ""


KMS_UNUSABLE_STATES = ("Disabled", "PendingDeletion", "PendingImport", "Unavailable")
"""KeyState values in which KMS refuses GenerateDataKey: CloudWatch Logs can then write nothing to the group."""
LOGS_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
"""What CloudWatch Logs must be allowed on the key to write (and read back) an encrypted group."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _action_covers(patterns: list[Any], action: str) -> bool:
    import fnmatch

    return any(isinstance(p, str) and fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _logs_principal(principal: Any, region: str) -> bool:
    """A key-policy principal that is the CloudWatch Logs service of this region (or everyone)."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    services = [str(s) for s in _as_list(principal.get("Service", []))]
    return f"logs.{region}.amazonaws.com" in services or "*" in [str(a) for a in _as_list(principal.get("AWS", []))]


def _context_allows(condition: Any, group_arn: str) -> bool:
    """False only when an encryption-context condition on ``aws:logs:arn`` names other log groups."""
    import fnmatch

    if not isinstance(condition, dict):
        return True
    for operator, entries in condition.items():
        if not isinstance(entries, dict):
            continue
        for key, values in entries.items():
            if key.lower() != "kms:encryptioncontext:aws:logs:arn":
                continue
            patterns = [str(v) for v in _as_list(values)]
            if operator.startswith(("ArnEquals", "StringEquals")) and group_arn not in patterns:
                return False
            if operator.startswith(("ArnLike", "StringLike")) and not any(
                fnmatch.fnmatchcase(group_arn, p) for p in patterns
            ):
                return False
    return True


def key_policy_lets_logs(document: str, region: str, group_arn: str) -> list[str]:
    """The actions CloudWatch Logs needs that no Allow statement of the key policy grants it for this group
    (an explicit Deny to the service counts as not granted). Empty: the key policy lets Logs use the key."""
    import json

    try:
        statements = _as_list(json.loads(document).get("Statement", []))
    except (ValueError, AttributeError):
        return list(LOGS_KEY_ACTIONS)
    missing = []
    for action in LOGS_KEY_ACTIONS:
        allowed = denied = False
        for st in statements:
            if not isinstance(st, dict) or not _logs_principal(st.get("Principal"), region):
                continue
            if not _action_covers(_as_list(st.get("Action", [])), action):
                continue
            if st.get("Effect") == "Deny":
                denied = True
            elif _context_allows(st.get("Condition"), group_arn):
                allowed = True
        if denied or not allowed:
            missing.append(action)
    return missing


@check(
    "logs.group.kms",
    title="CloudWatch Logs may use the KMS key that encrypts the log groups",
    severity=Severity.HIGH,
    params=KmsParams,
    needs=("aws",),
    aws_actions=("logs:DescribeLogGroups", "kms:DescribeKey", "kms:GetKeyPolicy"),
    remediation="Enable the key (or cancel its deletion) and let `logs.REGION.amazonaws.com` use it in the key "
    "policy (`kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`, `kms:Describe*`, with "
    "`kms:EncryptionContext:aws:logs:arn` = the log group's ARN), or disassociate it: "
    "`aws logs disassociate-kms-key --log-group-name GROUP`.",
)
@aws_errors
def group_kms(ctx: CheckContext, params: KmsParams) -> CheckResult:
    """DescribeLogGroups → kmsKeyId of each group; DescribeKey (KeyState) and GetKeyPolicy (does the CloudWatch
    Logs service principal of the region get GenerateDataKey and Decrypt for this group?)."""
    groups = [g for g in dict.fromkeys(params.log_groups) if g]
    if not groups:
        return skipped(_("no log group to look at"))
    logs = client(ctx, "logs", params.region)
    region = params.region or ctx.context.region or ""
    encrypted: dict[str, tuple[str, str]] = {}
    for group in groups:
        # the same read as logs.group.runtime/otel (shared while in flight, every page followed)
        _exists, info = group_exists(logs, group)
        if info.get("kms_key_id"):
            encrypted[group] = (str(info["kms_key_id"]), str(info.get("arn") or "").removesuffix(":*"))
    evidence: dict[str, Any] = {"log_groups": groups, "encrypted": {g: k for g, (k, _a) in encrypted.items()}}
    if not encrypted:
        return passed(_("the log groups are not encrypted with a KMS key of yours"), evidence=evidence)
    kms = client(ctx, "kms", params.region)
    problems: list[str] = []
    for group, (key_id, group_arn) in encrypted.items():
        meta = kms.describe_key(KeyId=key_id).get("KeyMetadata", {})
        state = str(meta.get("KeyState") or "?")
        evidence.setdefault("key_states", {})[group] = state
        if state in KMS_UNUSABLE_STATES:
            problems.append(
                _("log group {log_group} is encrypted with KMS key {key}, which is {state}").format(
                    log_group=group, key=key_id, state=state
                )
            )
            continue
        document = kms.get_key_policy(KeyId=key_id, PolicyName="default").get("Policy") or "{}"
        missing = key_policy_lets_logs(str(document), region, group_arn or group)
        if missing:
            evidence.setdefault("key_policy_missing", {})[group] = missing
            problems.append(
                _(
                    "the key policy of KMS key {key} (log group {log_group}) does not let logs.{region}.amazonaws.com "
                    "use it ({actions})"
                ).format(key=key_id, log_group=group, region=region, actions=", ".join(missing))
            )
    if problems:
        return failed(
            _("CloudWatch Logs cannot encrypt new events: {problems}").format(problems="; ".join(problems)),
            details=_(
                "A log group encrypted with a customer managed key is written by CloudWatch Logs itself, with the "
                "key: when the key is disabled or pending deletion, or its key policy does not let the region's "
                "CloudWatch Logs service principal use it, PutLogEvents is refused (the execution role's own "
                "permissions do not matter) and the runtime's logs and OTEL logs stop arriving."
            ),
            evidence=evidence,
        )
    return passed(
        _("the KMS keys of {names} are enabled and let CloudWatch Logs use them").format(
            names=", ".join(sorted(encrypted))
        ),
        evidence=evidence,
    )


class SpansPolicyParams(CheckParams):
    region: str
    account: str
    partition: str = "aws"


@check(
    "logs.policy.xray",
    title="A logs resource policy lets X-Ray write aws/spans",
    severity=Severity.HIGH,
    params=SpansPolicyParams,
    needs=("aws",),
    aws_actions=("logs:DescribeResourcePolicies",),
    remediation="Put a CloudWatch Logs resource policy letting `xray.amazonaws.com` call `logs:PutLogEvents` on "
    "`log-group:aws/spans:*` (no leading slash), with `aws:SourceArn`/`aws:SourceAccount` conditions "
    "(fix `logs.xray_resource_policy`).",
)
@aws_errors
def spans_policy(ctx: CheckContext, params: SpansPolicyParams) -> CheckResult:
    """DescribeResourcePolicies; judged by content (principal, action, resource, conditions), not by policy name."""
    from tui.aws.transaction_search import MAX_POLICIES, MAX_POLICY_CHARS, POLICY_NAME, judge, list_policies

    items = list_policies(client(ctx, "logs", params.region), params.partition, params.region, params.account)
    v = judge(items, params.partition, params.region, params.account)
    evidence: dict[str, Any] = {
        "policies": v.names,
        "allowing": [
            {"policy": n, "decided_by": e.decided_by.as_dict() if e.decided_by else None} for n, e in v.allowed_by
        ],
        "slash_resources": [{"policy": n, "resource": r} for n, r in v.slash],
    }
    slash_note = (
        _(
            "Policy {policy} names {resource}: the spans group is `aws/spans` with no leading slash, "
            "so that resource matches nothing."
        ).format(policy=v.slash[0][0], resource=f"`{v.slash[0][1]}`")
        if v.slash
        else ""
    )
    if v.denied_by:
        name, ev = v.denied_by[0]
        return failed(
            _("resource policy {policy} denies X-Ray PutLogEvents on aws/spans ({reason})").format(
                policy=name, reason=ev.explain()
            ),
            evidence=evidence,
        )
    if v.allowed_by:
        name = v.allowed_by[0][0]
        return passed(
            _("resource policy {policy} lets xray.amazonaws.com PutLogEvents on aws/spans").format(policy=name),
            details=slash_note,
            evidence=evidence,
        )
    if v.uncertain:
        name, ev = v.uncertain[0]
        return warned(
            _(
                "resource policy {policy} lets X-Ray write aws/spans only under conditions agentcore-triage cannot "
                "evaluate"
            ).format(policy=name),
            details=ev.explain(),
            evidence=evidence,
        )
    if v.slash:
        return failed(
            _(
                "resource policy {policy} names /aws/spans (leading slash); X-Ray writes aws/spans, so Transaction "
                "Search cannot be enabled"
            ).format(policy=v.slash[0][0]),
            details=slash_note + " " + _("UpdateTraceSegmentDestination then fails with AccessDenied."),
            evidence=evidence,
        )
    named = POLICY_NAME in v.names
    account_scoped = [p for p in items if not p.get("resourceArn") and p.get("policyScope", "ACCOUNT") == "ACCOUNT"]
    evidence["account_policies"] = len(account_scoped)
    if not named and len(account_scoped) >= MAX_POLICIES:
        # PutResourcePolicy of a new name answers LimitExceededException (a quota AWS does not raise): the
        # console's "enable Transaction Search", `agentcore deploy` and fix `p` all fail the same way
        return failed(
            _(
                "no logs resource policy lets xray.amazonaws.com PutLogEvents on aws/spans, and the region already "
                "has {count} resource policies (the most CloudWatch Logs allows): a new one is refused with "
                "LimitExceededException"
            ).format(count=len(account_scoped)),
            details=_(
                "Enabling Transaction Search (console, CLI, `agentcore deploy`) adds a resource policy and fails "
                "here. Delete a policy nobody uses (`aws logs describe-resource-policies`), or add the aws/spans "
                "statement to one of the existing policies (each document is at most {limit} characters)."
            ).format(limit=MAX_POLICY_CHARS),
            evidence=evidence,
            withheld_fixes={
                "logs.xray_resource_policy": _(
                    "the region has {count} resource policies already: delete one first"
                ).format(count=len(account_scoped))
            },
        )
    return failed(
        _("no logs resource policy lets xray.amazonaws.com PutLogEvents on aws/spans")
        + (_(" ({policy} exists but its content does not allow it)").format(policy=POLICY_NAME) if named else ""),
        details=_(
            "Without it `UpdateTraceSegmentDestination` to CloudWatchLogs fails with {error}, and traces never reach "
            "Transaction Search."
        ).format(error='"XRay does not have permission to call PutLogEvents on the aws/spans Log Group"'),
        evidence=evidence,
    )


class RecentErrorsParams(CheckParams):
    log_group: str
    otel_log_group: str = ""
    """The custom OTEL group (``{runtime.otel_log_group}``); default: the fact of that name."""
    region: str = ""
    minutes: int = 60
    max_events: int = 5000


def _signatures(ctx: CheckContext) -> list[tuple[str, str, str, bool]]:
    """(node id, node title, signature regex, noise flag) for every signature of the playbook."""
    from tui.logs.classify import signature_is_noise, signature_pattern

    pb = ctx.playbook
    if pb is None:
        return []
    return [
        (node_id, node.title, signature_pattern(sig), signature_is_noise(sig))
        for node_id, node in pb.nodes.items()
        for sig in node.signatures
    ]


def _live_fixes(targets: dict[str, Any]) -> list[tuple[str, int]]:
    """(fix id, applied at epoch ms) of fixes that are still in force on *this* runtime's targets.

    An undo is not a fix, a fix that was undone no longer counts, and a fix on another role, log group or
    region says nothing about these logs.
    """
    from datetime import datetime

    from tui.fixes import audit

    recs = audit.records()
    undone = audit.undone_ids(recs)
    out = []
    for record in recs:
        if record.outcome != "applied" or record.undoes or record.id in undone:
            continue
        if not any(_on_target(action, targets) for action in record.request):
            continue
        try:
            out.append((record.fix, int(datetime.fromisoformat(record.time).timestamp() * 1000)))
        except ValueError:
            continue
    return out


def _on_target(action: dict[str, Any], targets: dict[str, Any]) -> bool:
    params = action.get("params") or {}
    region = action.get("region")
    same_region = not region or not targets["region"] or region == targets["region"]
    if action.get("kind") == "file":
        project = targets.get("project")
        return bool(project) and str(action.get("path", "")).startswith(str(project))
    if "RoleName" in params:
        return bool(targets["role"]) and params["RoleName"] == targets["role"]
    if "logGroupName" in params:
        return same_region and params["logGroupName"] in targets["groups"]
    # account-wide settings of a region: the logs resource policy, the trace segment destination
    return action.get("service") in ("logs", "xray") and same_region


@check(
    "logs.errors.recent",
    title="Known errors in the runtime's recent logs",
    severity=Severity.MEDIUM,
    params=RecentErrorsParams,
    publishes=("logs.errors.node", "logs.errors.nodes"),
    needs=("aws",),
    aws_actions=("logs:DescribeLogGroups", "logs:FilterLogEvents"),  # which of the groups exist, then their events
    remediation="Open the node each error leads to (or search the text with `/`; `agentcore-triage logs` lists them).",
)
@aws_errors
def recent_errors(ctx: CheckContext, params: RecentErrorsParams) -> CheckResult:
    """The logs reader (`tui.logs`) over the runtime group and the OTEL group for the last N minutes: events
    grouped by the node that explains them, actionable errors above noise; errors older than a fix still in
    force on this runtime's targets (for that node) no longer count."""
    if not _signatures(ctx) or ctx.playbook is None:
        return skipped(_("the playbook declares no error signatures to look for"))
    from tui.logs.scan import scan

    otel = params.otel_log_group or str(ctx.fact("runtime.otel_log_group", "") or "")
    groups = [g for g in dict.fromkeys([params.log_group, otel]) if g]
    logs = client(ctx, "logs", params.region)
    end = int(time.time() * 1000)
    result = scan(
        logs,
        ctx.playbook,
        groups,
        end - params.minutes * 60_000,
        end,
        max_events=params.max_events,
        strategy="filter",
        cancelled=ctx.cancelled,
    )
    stats = result.stats
    if stats.errors and not stats.events:
        return errored(_("could not read the logs: {error}").format(error=stats.errors[0]), evidence=stats.as_json())
    if params.log_group in stats.missing_groups:
        return could_not_run(
            _("log group {log_group} does not exist (see logs.group.runtime)").format(log_group=params.log_group)
        )
    ranked = result.ranked()
    evidence: dict[str, Any] = {
        "log_groups": groups,
        "missing_groups": stats.missing_groups,
        "minutes": params.minutes,
        "events_scanned": stats.events,
        "truncated": stats.capped,
        **({"cap": stats.cap_message} if stats.capped else {}),
        "matches": [g.as_json() for g in ranked],
    }
    actionable = [g for g in ranked if g.node and not g.noise]
    capped = (
        _(" (stopped at {count} events: {reason})").format(count=params.max_events, reason=stats.cap_message)
        if stats.capped
        else ""
    )
    if not actionable:
        noise = sum(g.count for g in ranked if g.noise)
        summary = ngettext(
            "no known error in {count} log event of the last {minutes} min",
            "no known error in {count} log events of the last {minutes} min",
            stats.events,
        ).format(count=stats.events, minutes=params.minutes)
        if noise:
            summary += _(" ({count} known-harmless)").format(count=noise)
        if stats.capped:
            return warned(summary + capped, evidence=evidence)
        return passed(summary, evidence=evidence)
    targets = {
        "region": params.region or ctx.context.region,
        "role": str(ctx.fact("runtime.role_name", "") or ""),
        "groups": set(groups),
        "project": ctx.context.project,
    }
    fixes = _live_fixes(targets)
    current, stale = [], []
    for group in actionable:
        node = ctx.playbook.nodes[str(group.node)]
        offered = {ref.fix for ref in node.fixes}
        fixed_at = max((at for fix, at in fixes if fix in offered), default=None)
        if fixed_at is not None and (group.last_ms or 0) < fixed_at:
            stale.append(
                {**group.as_json(), "fixed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(fixed_at / 1000))}
            )
        else:
            current.append(group)
    evidence["older_than_fix"] = stale
    if not current:
        return passed(
            _("no known error since the fixes agentcore-triage applied on this runtime ({count} older matches)").format(
                count=sum(s["count"] for s in stale)
            )
            + capped,
            details=_(
                "The older matches, and the fix after which each stopped, are in the evidence. New traffic "
                "shows whether they are gone."
            ),
            evidence=evidence,
        )
    listing = ", ".join(f"{g.count}× {g.title} ({g.node})" for g in current[:4])
    return warned(
        _("known errors in the last {minutes} min: {listing}").format(minutes=params.minutes, listing=listing) + capped,
        details=_(
            "Each match leads to the node that explains it; known-harmless lines (noise) rank last. "
            "`agentcore-triage logs --since 1h` shows them with samples and sessions."
        ),
        evidence=evidence,
        facts={"logs.errors.node": current[0].node, "logs.errors.nodes": [g.node for g in current]},
    )
