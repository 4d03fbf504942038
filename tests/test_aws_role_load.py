"""``load_role``: concurrent loads of one role on one client share one set of reads; later loads read afresh."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

import tui.aws.roles as roles
import tui.aws.session as session
from tui.aws.session import last_call, read_only_client, reset_sessions
from tui.context import build_context

WAIT = 30.0
"""Ceiling for waiting on the other thread (a loaded machine): reached only when the behaviour is broken."""


@pytest.fixture
def iam(seeded_aws: Callable[..., Any]) -> tuple[Any, Any]:
    info = seeded_aws()
    reset_sessions()
    client = read_only_client(build_context(runtime=info.runtime_arn), "iam")
    yield client, info
    reset_sessions()


def _count_sends(client: Any) -> Counter[str]:
    sent: Counter[str] = Counter()
    client.meta.events.register("before-call.iam.*", lambda model, **_: sent.update([model.name]))
    return sent


def _hold_first(client: Any, operation: str) -> tuple[threading.Event, threading.Event]:
    """Hold the first ``operation`` sent until released: (it is being sent, release it)."""
    sending, release = threading.Event(), threading.Event()

    def hold(**_: Any) -> None:
        if not sending.is_set():
            sending.set()
            assert release.wait(WAIT)

    client.meta.events.register(f"before-send.iam.{operation}", hold)
    return sending, release


def _second_caller_waits(key: Any) -> threading.Event:
    """Set once another caller waits on the load in flight for ``key``."""
    waiting = threading.Event()
    load = session._flights[key]

    class Noting(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waiting.set()
            return super().wait(timeout)

    load.done = Noting()
    return waiting


def test_concurrent_loads_of_one_role_share_one_set_of_reads(iam: tuple[Any, Any]) -> None:
    client, info = iam
    sent = _count_sends(client)
    sending, release = _hold_first(client, "GetRole")
    got: dict[str, Any] = {}
    first = threading.Thread(target=lambda: got.update(first=roles.load_role(client, info.role_arn)))
    first.start()
    assert sending.wait(WAIT)
    waiting = _second_caller_waits(("load_role", id(client), info.role_arn))
    second = threading.Thread(target=lambda: got.update(second=roles.load_role(client, info.role_arn)))
    second.start()
    assert waiting.wait(WAIT)
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert got["first"] is got["second"] and got["first"].role_name == info.role_name
    assert sent["GetRole"] == 1 and sent["ListRolePolicies"] == 1
    reads = sum(sent.values())
    # Nothing is kept once the load has ended: the next one reads again (a re-check after a fix must see the fix).
    again = roles.load_role(client, info.role_arn)
    assert again is not got["first"] and sum(sent.values()) == 2 * reads
    assert session._flights == {}


def test_a_failed_load_fails_its_waiter_too_naming_the_call(iam: tuple[Any, Any]) -> None:
    client, _info = iam
    missing = "arn:aws:iam::123456789012:role/no-such-role"
    sending, release = _hold_first(client, "GetRole")
    errors: dict[str, Any] = {}

    def load(name: str) -> None:
        try:
            roles.load_role(client, missing)
        except Exception as exc:  # noqa: BLE001 - recorded for the assertions
            errors[name] = (exc, last_call())

    first = threading.Thread(target=load, args=("first",))
    first.start()
    assert sending.wait(WAIT)
    waiting = _second_caller_waits(("load_role", id(client), missing))
    second = threading.Thread(target=load, args=("second",))
    second.start()
    assert waiting.wait(WAIT)
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert errors["first"][0] is errors["second"][0]
    assert errors["first"][0].response["Error"]["Code"] == "NoSuchEntity"
    assert errors["second"][1] == errors["first"][1] == ("iam", "GetRole")
    assert session._flights == {}


def test_coalesced_waiters_get_their_own_copy_when_asked() -> None:
    import copy

    started, release = threading.Event(), threading.Event()
    reads: list[int] = []

    def read() -> dict[str, Any]:
        reads.append(1)
        started.set()
        assert release.wait(WAIT)
        return {"protocolConfiguration": {"serverProtocol": "MCP"}}

    got: dict[str, Any] = {}
    leader = threading.Thread(target=lambda: got.update(leader=session.coalesced("k", read, copy=copy.deepcopy)))
    leader.start()
    assert started.wait(WAIT)
    waiting = _second_caller_waits("k")
    follower = threading.Thread(target=lambda: got.update(follower=session.coalesced("k", read, copy=copy.deepcopy)))
    follower.start()
    assert waiting.wait(WAIT)
    release.set()
    leader.join(WAIT)
    follower.join(WAIT)
    assert reads == [1]
    assert got["leader"] == got["follower"]
    assert got["leader"]["protocolConfiguration"] is not got["follower"]["protocolConfiguration"]
