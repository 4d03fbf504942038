"""One HTTP connection pool per run: the endpoint checks of a doctor run share kept-alive connections.

A check's first request then reuses a connection another check opened instead of paying for a new TCP (and
TLS) handshake: a round trip or three each, far from the region. Light on purpose (no httpx import): the
engine opens the scope on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Pool:
    users: int = 0
    clients: dict[Hashable, Any] = field(default_factory=dict)


_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def shared_connections() -> AsyncIterator[None]:
    """Within this block, ``pooled_client`` on this event loop hands out one client per key.

    Nested and concurrent blocks on one loop (a fleet sweep runs several doctor runs at once) share the pool;
    the last one out closes its clients, so no run closes a client another is still using.
    """
    loop = asyncio.get_running_loop()
    pool = _pools.setdefault(loop, _Pool())
    pool.users += 1
    try:
        yield
    finally:
        pool.users -= 1
        if pool.users == 0:
            _pools.pop(loop, None)
            for client in pool.clients.values():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.aclose(), 1.0)


def pooled_client(key: Hashable, make: Callable[[], Any]) -> Any | None:
    """The run's client for ``key`` (made on first use), or None outside ``shared_connections()``."""
    pool = _pools.get(asyncio.get_running_loop())
    if pool is None:
        return None
    if key not in pool.clients:
        pool.clients[key] = make()
    return pool.clients[key]
