"""Round 14's injected AWS fault: a runtime caught mid-update (UPDATING), after its last update went through.

Right before (test only): runtime.status warns "wait for READY and run again", naming both statuses, and no other
AWS check is reported broken for it.
"""

from __future__ import annotations

from test_aws_checks import by_check, doctor

from tui.results import Status
from tui.sandbox.runtime_faults import set_runtime_status


def test_a_runtime_mid_update_is_a_wait_not_a_failure(seeded_aws) -> None:  # type: ignore[no-untyped-def]
    info = seeded_aws()
    set_runtime_status(info, "UPDATING")
    found = by_check(doctor(info.runtime_arn))
    status = found["runtime.status"]
    assert status.status is Status.WARN, status.summary
    assert "UPDATING" in status.summary and "wait for READY" in status.summary
    others = {c: (f.status.value, f.summary) for c, f in found.items() if c != "runtime.status"}
    assert all(s == "pass" for s, _ in others.values()), others
