"""endpoint.reachable: DNS, TCP and TLS, each named when it is the one that fails."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import ENDPOINT_NEEDS, EndpointParams, Setup, setup
from tui.i18n import _, ngettext, os_reason
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, warned

CERT_WARN_DAYS = 14


def _proxy_for(url: str) -> str | None:
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        return proxy
    return None


@check(
    "endpoint.reachable",
    title="Endpoint is reachable (DNS, TCP, TLS)",
    severity=Severity.CRITICAL,
    params=EndpointParams,
    publishes=("endpoint.url", "endpoint.host"),
    needs=ENDPOINT_NEEDS,
    remediation="Fix the URL (host, port, scheme) or the network path to it.",
)
async def endpoint_reachable(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Resolves the host, opens a TCP connection and (for https) completes a verified TLS handshake.

    Also explains a runtime ARN that is only partly URL-encoded in an AgentCore invocation URL.
    """
    s = await setup(ctx, params, with_auth=False)
    if isinstance(s, CheckResult):
        return s
    return await _reachable(s)


async def _reachable(s: Setup) -> CheckResult:
    import socket
    import ssl

    target = s.target
    facts = {"endpoint.url": target.url, "endpoint.host": target.host}
    evidence: dict[str, Any] = s.base_evidence()
    steps: list[str] = []
    t = min(s.probe_timeout, max(0.5, s.remaining()))
    host, port = target.host, target.port
    where = f"[{host}]:{port}" if host and ":" in host else f"{host}:{port}"  # IPv6 literals in brackets
    proxy = _proxy_for(target.url)
    if proxy:
        evidence["proxy"] = proxy
        steps.append(
            _("requests go through the proxy {proxy}; DNS/TCP/TLS below are tested directly").format(proxy=proxy)
        )
    if not host:
        return failed(_("the URL has no host: {url}").format(url=target.url), evidence=evidence, facts=facts)
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), t)
    except TimeoutError:
        return failed(
            _("DNS: resolving {host} took more than {seconds} s").format(host=host, seconds=f"{t:g}"),
            details=_("Check DNS, VPN and resolver settings."),
            evidence=evidence,
            facts=facts,
        )
    except socket.gaierror as exc:
        return failed(
            _("DNS: {host} does not resolve ({error})").format(host=host, error=os_reason(exc)),
            details=_problems_md(target)
            + _(
                "Check the host name in the URL (typo? wrong region in `bedrock-agentcore.<region>.amazonaws.com`?) "
                "and DNS/VPN settings."
            ),
            evidence=evidence,
            facts=facts,
        )
    addresses = sorted({str(info[4][0]) for info in infos})  # an IP address (int only for AF_CAN etc.)
    evidence["dns"] = {"addresses": addresses[:8], "ms": round((time.monotonic() - started) * 1000, 1)}
    from tui.endpoint.destination import forbidden_address

    refused = next((r for r in map(forbidden_address, addresses) if r), None)
    if refused:  # the name changed its answer since setup checked it (DNS rebinding): still never connect
        return failed(
            _("not contacted: {host} resolves to {reason}").format(host=host, reason=refused),
            evidence=evidence,
            facts=facts,
        )
    steps.append(f"DNS {host} → {', '.join(addresses[:3])}")

    t = min(s.probe_timeout, max(0.5, s.remaining()))
    started = time.monotonic()
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), t)
    except TimeoutError:
        return failed(
            _("TCP: connecting to {where} timed out after {seconds} s").format(where=where, seconds=f"{t:g}"),
            details=_("A firewall, security group or network ACL drops the traffic, or the host is down."),
            evidence=evidence,
            facts=facts,
        )
    except OSError as exc:
        nothing_listens = isinstance(exc, ConnectionRefusedError) or "refused" in str(exc).lower()
        summary = (
            _("TCP: connection to {where} refused (nothing listens there)").format(where=where)
            if nothing_listens
            else _("TCP: cannot connect to {where} ({error})").format(where=where, error=exc)
        )
        return failed(
            summary,
            details=_(
                "Start the server, or fix the port in the URL. A local MCP server listens on `:8000/mcp` by default; "
                "in a container it must bind `0.0.0.0`, not `127.0.0.1`."
            ),
            evidence=evidence,
            facts=facts,
        )
    evidence["tcp"] = {"ms": round((time.monotonic() - started) * 1000, 1)}
    steps.append(_("TCP {where} connected").format(where=where))
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1)
    except (TimeoutError, OSError):
        pass

    cert_note = ""
    if target.scheme == "https":
        t = min(s.probe_timeout, max(0.5, s.remaining()))
        from tui.endpoint.probe import tls_context

        context = await tls_context(True, "system") if s.params.verify_tls else ssl.create_default_context()
        if not s.params.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        started = time.monotonic()
        try:
            _reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=context, server_hostname=host), t
            )
        except TimeoutError:
            return failed(
                _("TLS: handshake with {where} took more than {seconds} s").format(where=where, seconds=f"{t:g}"),
                details=_("Is this port speaking TLS?"),
                evidence=evidence,
                facts=facts,
            )
        except ssl.SSLCertVerificationError as exc:
            reason = _cert_reason(exc, host)
            evidence["tls"] = {"verify_code": exc.verify_code, "verify_message": exc.verify_message}
            return failed(
                _("TLS: the certificate of {host} is not accepted: {reason}").format(host=host, reason=reason),
                details=_(
                    "Use the exact host name the certificate was issued for, renew an expired certificate, or make the "
                    "issuing CA trusted (`SSL_CERT_FILE`). Turning verification off hides a real man-in-the-middle risk."
                ),
                evidence=evidence,
                facts=facts,
            )
        except (ssl.SSLError, OSError) as exc:
            return failed(
                _("TLS: handshake with {where} failed ({error})").format(
                    where=where, error=getattr(exc, "reason", None) or exc
                ),
                details=_("The port may speak plain HTTP (use `http://`), or TLS versions/ciphers do not match."),
                evidence=evidence,
                facts=facts,
            )
        ssl_obj = writer.get_extra_info("ssl_object")
        cert = ssl_obj.getpeercert() if ssl_obj else None
        tls: dict[str, Any] = {
            "version": ssl_obj.version() if ssl_obj else None,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
        if cert:
            subject = dict(x[0] for x in cert.get("subject", ()))
            issuer = dict(x[0] for x in cert.get("issuer", ()))
            not_after = cert.get("notAfter")
            tls.update(
                {
                    "subject": subject.get("commonName"),
                    "issuer": issuer.get("organizationName") or issuer.get("commonName"),
                    "not_after": not_after,
                }
            )
            if not_after:
                days = (ssl.cert_time_to_seconds(not_after) - time.time()) / 86400
                tls["days_left"] = int(days)
                if days < CERT_WARN_DAYS:
                    cert_note = ngettext(
                        "the certificate expires in {days} day", "the certificate expires in {days} days", int(days)
                    ).format(days=int(days))
        evidence["tls"] = tls
        steps.append(
            _("TLS {version} verified ({subject})").format(
                version=tls.get("version"), subject=tls.get("subject") or _("certificate")
            )
        )
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 1)
        except (TimeoutError, OSError, ssl.SSLError):
            pass

    details = "\n".join(f"* {step}" for step in steps)
    if target.problems:
        return failed(
            _("the URL is wrong: {problem}").format(problem=target.problems[0].split(": ")[0]),
            details=_problems_md(target) + "\n" + details,
            remediation=_("Use `{url}`.").format(url=target.suggested_url)
            if target.suggested_url
            else _("Rebuild the invocation URL from the runtime ARN."),
            evidence=evidence,
            facts=facts,
        )
    if cert_note:
        return warned(
            _("reachable, but {note}").format(note=cert_note),
            details=details,
            remediation=_("Renew the certificate."),
            evidence=evidence,
            facts=facts,
        )
    return passed("; ".join(steps), details=details, evidence=evidence, facts=facts)


def _problems_md(target: Any) -> str:
    if not target.problems:
        return ""
    text = "".join(f"* {p}\n" for p in target.problems)
    if target.suggested_url:
        text += "\n" + _("Correct URL: `{url}`").format(url=target.suggested_url) + "\n"
    return text + "\n"


def _cert_reason(exc: Any, host: str) -> str:
    msg = (exc.verify_message or str(exc)).lower()
    if "hostname mismatch" in msg or "doesn't match" in msg or "not valid for" in msg:
        return _("it was not issued for {host} (hostname mismatch)").format(host=host)
    if "expired" in msg:
        return _("it has expired")
    if "self-signed" in msg or "self signed" in msg:
        return _("it is self-signed (no trusted CA issued it)")
    if "unable to get local issuer" in msg or "unknown ca" in msg:
        return _("it was issued by a CA this machine does not trust (corporate proxy or private CA?)")
    if "not yet valid" in msg:
        return _("it is not valid yet (check the clock)")
    return exc.verify_message or str(exc)
