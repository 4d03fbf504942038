"""Round 14's injected AWS fault: a runtime caught mid-update (UPDATING), after its last update went through.

Right before (test only): runtime.status warns "wait for READY and run again", naming both statuses, and no other
AWS check is reported broken for it.
"""

from __future__ import annotations

from test_aws_checks import by_check, doctor

from tui.results import Status
from tui.sandbox.aws import _admin


def test_a_runtime_mid_update_is_a_wait_not_a_failure(seeded_aws) -> None:  # type: ignore[no-untyped-def]
    info = seeded_aws()
    _admin(
        info.endpoint_url,
        "runtime",
        {
            "account": info.account_id,
            "region": info.region,
            "moto_id": info.runtime_id,
            "runtime_id": info.runtime_id,
            "runtime_arn": info.runtime_arn,
            "status": "UPDATING",
        },
    )
    found = by_check(doctor(info.runtime_arn))
    status = found["runtime.status"]
    assert status.status is Status.WARN, status.summary
    assert "UPDATING" in status.summary and "wait for READY" in status.summary
    others = {c: (f.status.value, f.summary) for c, f in found.items() if c != "runtime.status"}
    assert all(s == "pass" for s, _ in others.values()), others
