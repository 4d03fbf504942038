"""Addresses the prober never contacts: link-local and cloud metadata services.

A hostile or misconfigured endpoint (or a redirect, or a DNS name) can point the tool at the instance metadata
service (169.254.169.254, fd00:ec2::254), whose answer holds the machine's AWS credentials. No request is ever
sent there: literal addresses are refused before any connection, and host names are resolved first and refused
when any of their addresses is such a place.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import socket
import threading
import weakref
from typing import Any
from urllib.parse import urlsplit

_METADATA_ADDRESSES = {
    ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6 (a unique-local address, not link-local)
    ipaddress.ip_address("fd00:ec2::23"),  # AWS Time Sync / DNS over IPv6 (Nitro)
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud metadata
    ipaddress.ip_address("192.0.0.192"),  # Oracle Cloud metadata (legacy)
}
_METADATA_NAMES = {"metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
_METADATA_NETWORK = ipaddress.ip_network("169.254.169.0/24")


@functools.lru_cache(maxsize=1024)
def forbidden_address(address: str) -> str | None:
    """Why ``address`` (an IP literal) must not be contacted, or None.

    Remembered per string (a pure function of it): every probe's request and answer is judged, ~70 a doctor run,
    nearly all for the same one or two addresses.
    """
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    if ip in _METADATA_ADDRESSES or (ip.version == 4 and ip in _METADATA_NETWORK):
        return f"{ip} is a cloud instance metadata address"
    if ip.is_link_local:
        return f"{ip} is a link-local address (where cloud metadata services live)"
    return None


def forbidden_host(host: str | None) -> str | None:
    """Why the host of a URL must not be contacted, judged without any lookup (literal IPs, metadata names)."""
    if not host:
        return None
    name = host.strip("[]").rstrip(".").lower()
    if name in _METADATA_NAMES:
        return f"{name} is a cloud instance metadata host"
    return forbidden_address(name)


def forbidden_url(url: str) -> str | None:
    try:
        return forbidden_host(urlsplit(url).hostname)
    except ValueError:
        return None


async def forbidden_destination(url: str, timeout: float = 2.0) -> str | None:
    """Why ``url`` must not be contacted: its host, or any address its name resolves to. None when it may be.

    A name that does not resolve (or not within ``timeout``) is left to the probe, which reports DNS failures.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    reason = forbidden_host(host)
    if reason or not host:
        return reason
    try:
        ipaddress.ip_address(host.strip("[]").split("%")[0])
        return None  # an address, already judged: nothing to resolve (and no wait in the resolver's threads)
    except ValueError:
        pass
    try:
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(host, port or 443, type=socket.SOCK_STREAM), timeout
        )
    except (TimeoutError, OSError, UnicodeError):
        return None
    for *_, sockaddr in infos:
        reason = forbidden_address(str(sockaddr[0]))
        if reason:
            return f"{host} resolves to {reason.split(' ', 1)[0]}, which {reason.split(' ', 1)[1]}"
    return None


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (no path, query or userinfo)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return "(unparseable URL)"


_UNKNOWN = object()
_peers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_peers_lock = threading.Lock()


def peer_address(extensions: Any) -> str | None:
    """The IP address a response actually came from (httpcore's documented ``network_stream`` extension), or None.

    The name was judged before connecting, but DNS may answer differently at connect time (rebinding): callers
    judge this address again with ``forbidden_address`` before reading the answer.
    """
    stream = extensions.get("network_stream") if hasattr(extensions, "get") else None
    if stream is None:
        return None
    # A connection's peer never changes, and asking anyio for it builds all of the socket's attributes each time
    # (~2 % of a doctor run's CPU): asked once per connection, which kept-alive connections serve many answers.
    peer = _UNKNOWN
    with _peers_lock, contextlib.suppress(TypeError):  # TypeError: a stream that cannot be weakly referenced
        peer = _peers.get(stream, _UNKNOWN)
    if peer is _UNKNOWN:
        peer = stream.get_extra_info("server_addr")
        with _peers_lock, contextlib.suppress(TypeError):
            _peers[stream] = peer
    if not isinstance(peer, tuple) or not peer:
        return None
    return str(peer[0])
