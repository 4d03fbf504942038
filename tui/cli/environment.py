"""Every environment variable the tool reads: the one list ``--help`` epilogs are made from.

``tests/test_env_documented.py`` checks it against the code (every name the code reads is here), the
README's "Environment variables" table (the same names) and the ``--help`` output.
"""

from __future__ import annotations

ENVIRONMENT: tuple[tuple[tuple[str, ...], str], ...] = (
    (("AGENTCORE_TRIAGE_RUNTIME",), "--runtime"),
    (("AGENTCORE_TRIAGE_ENDPOINT",), "--endpoint"),
    (("AGENTCORE_TRIAGE_TOKEN_ENV",), "--token-env (that variable is read too)"),
    (("AGENTCORE_TRIAGE_TOKEN_FILE",), "--token-file"),
    (("AGENTCORE_TRIAGE_PROJECT",), "--project"),
    (("AGENTCORE_TRIAGE_AGENT",), "--agent"),
    (("AGENTCORE_TRIAGE_READ_ONLY",), "--read-only when 1, true, yes, on or y (any case); another value is an error"),
    (("AGENTCORE_TRIAGE_TIMEOUT",), "--timeout (seconds, 0.1 to 600)"),
    (("AGENTCORE_TRIAGE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"), "--lang (ja or en; else the locale)"),
    (("AGENTCORE_TRIAGE_STATE_DIR",), "where the audit log goes (default: the user state directory)"),
    (("AGENTCORE_TRIAGE_SANDBOX", "AGENTCORE_TRIAGE_SANDBOX_ID"), "set by demo: the sandbox's target"),
    (("AGENTCORE_TRIAGE_DEBUG",), "1: a traceback instead of one line on an unexpected error"),
    (("AGENTCORE_TRIAGE_TS_SDK_DIR",), "tests only: where the TypeScript MCP SDK is installed for the sandbox"),
    (("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"), "--profile, --region"),
    (("AWS_DEFAULT_PROFILE",), "left out of the demo sandbox's environment (with AWS_PROFILE)"),
    (
        (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_CA_BUNDLE",
        ),
        "AWS credentials and configuration (secrets are redacted)",
    ),
    (
        ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
        "endpoint overrides (any AWS_ENDPOINT_URL_<SERVICE>)",
    ),
    (("AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"), "FIPS and dual-stack endpoints"),
    (("SSL_CERT_FILE", "SSL_CERT_DIR"), "CA certificates for the endpoint probes"),
    (("NO_COLOR", "FORCE_COLOR", "TERM"), "text output colour: none, forced, none for TERM=dumb"),
    (("COLUMNS",), "width of the text report's console (below 1: 80, not rich's empty report)"),
)

READ_BY_LIBRARIES = frozenset({"NO_COLOR", "FORCE_COLOR", "TERM"})
"""Honoured through ``rich`` (``tui/cli/output.py``), not read by name in the tool's own code."""


def names() -> set[str]:
    return {name for group, _ in ENVIRONMENT for name in group}


def epilog() -> str:
    """The "Environment" section of ``--help`` (``\b``: click keeps the lines as they are)."""
    import textwrap

    lines = ["\b", "Environment variables (flags win over them):"]
    for group, what in ENVIRONMENT:
        joined = ", ".join(group)
        if len(joined) <= 28:
            lines.append(f"  {joined:<28}  {what}")
            continue
        lines += textwrap.wrap(joined, 76, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)
        lines.append(f"  {'':<28}  {what}")
    return "\n".join(lines)
