"""A fleet in the AWS sandbox: more runtimes next to the seeded one, for fleet sweeps and their benchmark.

Each extra runtime is a real moto runtime given AgentCore's id/ARN format (the sandbox's admin route), with
the seeded execution role and its own runtime log group, so a sweep does the same AWS work per runtime as
for the seeded one. Only the seeded runtime has an MCP server behind the front door: the others' endpoint
checks meet a front door that does not know them (as a runtime being deleted would).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from tui.sandbox._net import require_local
from tui.sandbox.aws import (
    SeedInfo,
    _admin,
    _put_events,
    new_runtime_id,
    new_seeding_client,
    otel_environment,
    runtime_arn_for,
)

FLEET_NAME = "mcp_server_fleet"


def seed_fleet(endpoint_url: str, info: SeedInfo, count: int) -> list[str]:
    """Create ``count`` more runtimes like the seeded one (``info``); returns their ARNs."""
    require_local(endpoint_url, what="seeding endpoint")
    control: Any = new_seeding_client("bedrock-agentcore-control", endpoint_url, info.region)
    logs: Any = new_seeding_client("logs", endpoint_url, info.region)
    arns: list[str] = []
    try:
        for index in range(count):
            name = f"{FLEET_NAME}_{index:03d}"
            created = control.create_agent_runtime(
                agentRuntimeName=name,
                agentRuntimeArtifact={
                    "containerConfiguration": {
                        "containerUri": f"{info.account_id}.dkr.ecr.{info.region}.amazonaws.com/{name}:latest"
                    }
                },
                roleArn=info.role_arn,
                networkConfiguration={"networkMode": "PUBLIC"},
                protocolConfiguration={"serverProtocol": "MCP"},
                environmentVariables=otel_environment(info.region),
                description=f"fleet member {index} (sandbox)",
            )
            runtime_id = new_runtime_id(name)
            arn = runtime_arn_for(runtime_id, info.region, info.account_id)
            _admin(
                endpoint_url,
                "runtime",
                {
                    "account": info.account_id,
                    "region": info.region,
                    "moto_id": created["agentRuntimeId"],
                    "runtime_id": runtime_id,
                    "runtime_arn": arn,
                    "status": "READY",
                },
            )
            group = f"/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT"
            logs.create_log_group(logGroupName=group)
            day = time.strftime("%Y/%m/%d", time.gmtime())
            _put_events(logs, group, f"{day}/[runtime-logs]{uuid.uuid4()}", ["INFO: Application startup complete."])
            arns.append(arn)
    finally:
        control.close()
        logs.close()
    return arns
