"""Runtime-level faults applied on top of a seeded sandbox: the wrong protocol, and image failures.

``seed()`` (``tui.sandbox.aws``) builds the healthy MCP runtime; ``apply_runtime_fault`` then changes it the
way a user's deployment would have gone wrong:

* ``protocol-http``          – the runtime was deployed without ``--protocol MCP`` (re-created under the same
  id with ``serverProtocol: HTTP``): READY, but traffic goes to 8080 ``/invocations``
* ``otel-env-missing``       – re-created without environment variables: the OTEL headers live only in the
  project (the Dockerfile ``ENV`` of the ``otel-env-in-dockerfile`` project defect)
* ``image-exec-format``      – CREATE_FAILED, failureReason ``exec format error`` (an x86 image)
* ``image-pull-denied``      – CREATE_FAILED, the base image pull was refused by the public registry
* ``image-too-many-layers``  – CREATE_FAILED, overlay mount failure of a high-layer image
* ``image-user``             – CREATE_FAILED, the image's non-numeric USER cannot be verified

The failure texts are written in the wording the container tooling uses (Docker/containerd); AgentCore
puts such text into ``failureReason``. Only the sandbox's admin route can set a failed state (moto cannot).
"""

from __future__ import annotations

from typing import Any

from tui.sandbox._net import require_local
from tui.sandbox.aws import SeedInfo, _admin, new_seeding_client

IMAGE_FAILURES: dict[str, str] = {
    "image-exec-format": "Container failed to start: exec /usr/local/bin/python: exec format error",
    "image-pull-denied": (
        "Image build failed: failed to resolve reference "
        '"public.ecr.aws/docker/library/python:3.12-slim": pull access denied, repository does not exist or may '
        "require authorization: 403 Forbidden"
    ),
    "image-too-many-layers": (
        "Container failed to start: failed to mount overlay: too many image layers (high-layer image)"
    ),
    "image-user": (
        "Container failed to start: container has runAsNonRoot and image has non-numeric user (appuser), "
        "cannot verify user is non-root"
    ),
}
RUNTIME_FAULTS: frozenset[str] = frozenset({"protocol-http", "otel-env-missing", *IMAGE_FAILURES})


def apply_runtime_fault(info: SeedInfo, fault: str) -> None:
    """Change the seeded runtime in the sandbox at ``info.endpoint_url`` to show ``fault``."""
    if fault not in RUNTIME_FAULTS:
        raise ValueError(f"unknown runtime fault {fault!r}; known: {sorted(RUNTIME_FAULTS)}")
    require_local(info.endpoint_url, what="seeding endpoint")
    if fault in IMAGE_FAILURES:
        set_runtime_status(info, "CREATE_FAILED", failure_reason=IMAGE_FAILURES[fault])
        return
    control = new_seeding_client("bedrock-agentcore-control", info.endpoint_url, info.region)
    try:
        # moto's UpdateAgentRuntime cannot handle the real ARN format the sandbox uses, so re-create the
        # runtime under the same id instead (what the notebook does on redeploy), with the fault.
        current: dict[str, Any] = control.get_agent_runtime(agentRuntimeId=info.runtime_id)
        kept = ("authorizerConfiguration", "description") + (
            () if fault == "otel-env-missing" else ("environmentVariables",)
        )
        keep = {key: current[key] for key in kept if current.get(key)}
        protocol = "HTTP" if fault == "protocol-http" else current["protocolConfiguration"]["serverProtocol"]
        control.delete_agent_runtime(agentRuntimeId=info.runtime_id)
        created = control.create_agent_runtime(
            agentRuntimeName=current["agentRuntimeName"],
            agentRuntimeArtifact=current["agentRuntimeArtifact"],
            roleArn=current["roleArn"],
            networkConfiguration=current["networkConfiguration"],
            protocolConfiguration={"serverProtocol": protocol},
            **keep,
        )
        set_runtime_status(info, "READY", moto_id=created["agentRuntimeId"])
    finally:
        control.close()


def set_runtime_status(
    info: SeedInfo, status: str, *, failure_reason: str | None = None, moto_id: str | None = None
) -> None:
    """Show the seeded runtime (moto's ``moto_id``, by default its own id) as ``status`` (UPDATING, CREATE_FAILED
    with ``failure_reason``...): the sandbox's admin route, since moto cannot set a status itself."""
    require_local(info.endpoint_url, what="seeding endpoint")
    state: dict[str, Any] = {
        "account": info.account_id,
        "region": info.region,
        "moto_id": moto_id or info.runtime_id,
        "runtime_id": info.runtime_id,
        "runtime_arn": info.runtime_arn,
        "status": status,
    }
    if failure_reason is not None:
        state["failure_reason"] = failure_reason
    _admin(info.endpoint_url, "runtime", state)


__all__ = ["IMAGE_FAILURES", "RUNTIME_FAULTS", "apply_runtime_fault", "set_runtime_status"]
