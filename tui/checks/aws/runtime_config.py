"""What the runtime was deployed with, read from GetAgentRuntime: its environment variables and its JWT
authorizer.

Environment variables are returned in clear by GetAgentRuntime to anyone allowed to read the runtime, and the
AWS SDK in the container prefers ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` from the environment over the
execution role's credentials (botocore's credential chain: environment before container/instance
credentials). Values are never shown here: only names, and what kind of value a name holds.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tui.aws.errors import aws_errors
from tui.checks.aws._common import (
    MAX_EVIDENCE_NAMES,
    MAX_LISTED,
    environment_of,
    listed,
    not_a,
    shown_name,
    variable_names,
)
from tui.checks.aws.protocol import RuntimeParams, read_runtime
from tui.checks.base import CheckContext
from tui.i18n import N_, _
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned

AWS_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
"""Variables the AWS SDKs read before the execution role's credentials."""
SECRET_NAME = re.compile(
    r"(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|BEARER)", re.IGNORECASE
)
REFERENCE_NAME = re.compile(
    r"_(ARN|NAME|ID|PATH|URL|URI|FILE|REGION|ENDPOINT|PARAMETER|PARAM|HEADER|TTL|EXPIRY|LENGTH|TYPE)$", re.IGNORECASE
)
"""Names that hold where a secret is, or something about it (``API_KEY_SECRET_ARN``, ``TOKEN_URL``), not the secret."""
SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (N_("an AWS access key id"), re.compile(r"^(AKIA|ASIA)[0-9A-Z]{16}$")),
    (N_("a GitHub token"), re.compile(r"^(ghp_|gho_|ghs_|github_pat_)[A-Za-z0-9_]{20,}$")),
    (N_("an API key (sk-…)"), re.compile(r"^sk-[A-Za-z0-9_-]{20,}$")),
    (N_("a Slack token"), re.compile(r"^xox[abposr]-[A-Za-z0-9-]{10,}$")),
    (N_("a JWT"), re.compile(r"^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$")),
    (N_("a private key"), re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    # OTEL_EXPORTER_OTLP_HEADERS="Authorization=Basic …" (Langfuse and other OTLP back ends): a credential in a
    # variable whose name says nothing about secrets
    (
        N_("an Authorization header"),
        re.compile(r"(?:^|,)\s*(?:authorization|x-api-key|api-key|x-honeycomb-team)\s*=", re.IGNORECASE),
    ),
)
"""Value shapes that are secrets whatever the variable is called. Matched, never shown."""
MAX_VALUE = 10_000
"""Values are matched on their first characters only (bounded regex work on text AWS sends)."""


def without_secrets(url: str) -> str:
    """``url`` without ``user:password@`` and without its query and fragment (where a token would sit): a discovery
    URL never needs them, and a finding must not carry them. Cut at 300 characters; quoted if it holds escapes."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        kept = urlunsplit((parts.scheme, host + port, parts.path, "", "")) if parts.scheme else url.split("?", 1)[0]
    except ValueError:
        kept = url.split("?", 1)[0]
    kept = kept.split("#", 1)[0][:300]
    return kept if kept.isprintable() else repr(kept)


def _is_reference(value: str) -> bool:
    """A value that points at a secret instead of holding it (an ARN, a CloudFormation dynamic reference)."""
    return value.startswith(("arn:", "{{resolve:")) or not value.strip()


def secret_findings(env: dict[str, Any]) -> dict[str, str]:
    """Variable name → what kind of secret it appears to hold in plain text (translatable words, no value)."""
    found: dict[str, str] = {}
    for name, raw in env.items():
        value = str(raw)[:MAX_VALUE]
        if _is_reference(value):
            continue
        kind = next((what for what, shape in SECRET_VALUES if shape.search(value)), None)
        if kind is None and SECRET_NAME.search(name) and not REFERENCE_NAME.search(name):
            kind = N_("a value under a secret's name")
        if kind is not None:
            found[str(name)] = kind
    return found


@check(
    "runtime.env",
    title="The runtime's environment variables hold no credentials or secrets in plain text",
    severity=Severity.HIGH,
    params=RuntimeParams,
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime",),
    remediation="Remove AWS keys from `environmentVariables` (the execution role supplies credentials); keep "
    "secrets in AWS Secrets Manager (pass the secret's ARN and grant the role `secretsmanager:GetSecretValue`) "
    "or an AgentCore Identity credential provider, and update the runtime.",
)
@aws_errors
def runtime_env(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """GetAgentRuntime → environmentVariables: AWS keys (they replace the execution role) and secret-looking
    values (readable by anyone who may read the runtime). Only names are reported."""
    runtime = read_runtime(ctx, params)
    if isinstance(runtime, CheckResult):
        return runtime
    env = environment_of(runtime)
    if isinstance(env, CheckResult):
        return env
    keys = [name for name in AWS_KEY_VARIABLES if name in env and not _is_reference(str(env[name]))]
    secrets = {name: kind for name, kind in secret_findings(env).items() if name not in keys}
    evidence: dict[str, Any] = {
        "variables": variable_names(env),
        "aws_key_variables": keys,
        "secret_like": {shown_name(name): secrets[name] for name in sorted(secrets)[:MAX_EVIDENCE_NAMES]},
    }
    if keys:
        return failed(
            _(
                "environmentVariables sets {names}: the AWS SDK in the container signs with these keys, not with "
                "the execution role"
            ).format(names=", ".join(keys)),
            details=_(
                "The SDKs read credentials from the environment before the role the runtime provides, so every "
                "AWS call the server makes runs as the keys' owner: the role's permissions do not apply, and calls "
                "fail once the keys are rotated or expire (InvalidClientTokenId, ExpiredToken). The keys are also "
                "readable in clear by anyone allowed GetAgentRuntime. Values are not shown."
            ),
            evidence=evidence,
        )
    if secrets:
        names = [f"{shown_name(name)} ({_(kind)})" for name, kind in sorted(secrets.items())]
        return warned(
            _("environmentVariables holds what look like secrets in plain text: {listed}").format(
                listed=", ".join(names[:MAX_LISTED])
                + (_(" (+{count} more)").format(count=len(names) - MAX_LISTED) if len(names) > MAX_LISTED else "")
            ),
            details=_(
                "GetAgentRuntime returns environment variables in clear to anyone allowed to read the runtime "
                "(console, CLI, `agentcore status`). Values are not shown."
            ),
            evidence=evidence,
        )
    if not env:
        return passed(_("no environment variables"), evidence=evidence)
    return passed(
        _("{count} environment variables, none holding AWS keys or secret-looking values").format(count=len(env)),
        evidence=evidence,
    )


COGNITO_DISCOVERY = re.compile(
    r"^https://cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<pool>[A-Za-z0-9-]+_[A-Za-z0-9]+)"
    r"/\.well-known/openid-configuration$"
)


@check(
    "runtime.authorizer",
    title="The runtime's JWT authorizer can accept the identity provider's tokens",
    severity=Severity.HIGH,
    params=RuntimeParams,
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime",),
    remediation="For Amazon Cognito access tokens list the app client id in `allowedClients` (they carry "
    "`client_id`, no `aud`); use the discovery URL `https://cognito-idp.REGION.amazonaws.com/POOL_ID/"
    ".well-known/openid-configuration` with the pool's own region.",
)
@aws_errors
def runtime_authorizer(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """GetAgentRuntime → authorizerConfiguration.customJWTAuthorizer: a Cognito issuer whose only client check is
    allowedAudience (access tokens have no `aud`), and a Cognito discovery URL whose host region is not the
    pool's region (the URL does not exist)."""
    runtime = read_runtime(ctx, params)
    if isinstance(runtime, CheckResult):
        return runtime
    config = runtime.get("authorizerConfiguration") or {}
    if not isinstance(config, dict):
        return not_a("authorizerConfiguration", config, _("an object"))
    jwt = config.get("customJWTAuthorizer")
    if jwt is None:
        return skipped(_("no JWT authorizer: the runtime takes SigV4 (IAM) requests"))
    if not isinstance(jwt, dict):
        return not_a("customJWTAuthorizer", jwt, _("an object"))
    lists = {field: jwt.get(field) or [] for field in ("allowedClients", "allowedAudience", "allowedScopes")}
    for field, value in lists.items():
        if not isinstance(value, list):
            return not_a(field, value, _("a list"))
    # the URL as shown: no user:password@ or query (a token in it must not reach a report), bounded
    url = str(jwt.get("discoveryUrl") or "")[:2000]
    clients = [shown_name(c) for c in lists["allowedClients"]]
    audience = [shown_name(a) for a in lists["allowedAudience"]]
    claims = jwt.get("customClaims") or []
    evidence: dict[str, Any] = {
        "discoveryUrl": without_secrets(url),
        "allowedClients": clients[:MAX_EVIDENCE_NAMES],
        "allowedAudience": audience[:MAX_EVIDENCE_NAMES],
        "allowedScopes": [shown_name(x) for x in lists["allowedScopes"][:MAX_EVIDENCE_NAMES]],
        "customClaims": len(claims) if isinstance(claims, list) else None,
    }
    cognito = COGNITO_DISCOVERY.match(url)
    if cognito:
        pool, host_region = cognito["pool"], cognito["region"]
        pool_region = pool.split("_", 1)[0]
        if pool_region != host_region:
            return failed(
                _(
                    "discoveryUrl asks cognito-idp in {host_region} for user pool {pool}, which lives in "
                    "{pool_region}: the URL does not exist, so no token can be verified"
                ).format(host_region=host_region, pool=pool, pool_region=pool_region),
                evidence=evidence,
            )
        if audience and not clients:
            return warned(
                _(
                    "Cognito issuer with only allowedAudience {audience}: Cognito access tokens carry no `aud` "
                    "claim, so every access token is refused (only ID tokens pass)"
                ).format(audience=listed(audience)),
                details=_(
                    "AgentCore compares allowedAudience with the token's `aud` and allowedClients with its "
                    "`client_id`. A Cognito access token (what client-credentials and the samples send) has "
                    "`client_id` and no `aud`."
                ),
                evidence=evidence,
            )
    checks = []
    if clients:
        checks.append(_("allowedClients {names}").format(names=listed(clients)))
    if audience:
        checks.append(_("allowedAudience {names}").format(names=listed(audience)))
    return passed(
        _("JWT authorizer with {checks}; the issuer's tokens can match it (endpoint.auth tests a real token)").format(
            checks="; ".join(checks) or _("no client or audience restriction")
        ),
        evidence=evidence,
    )
