"""Variations of the seeded runtime's configuration (round 16): its environment variables, its JWT authorizer,
and VPC network mode with the VPC it runs in.

``seed()`` (``tui.sandbox.aws``) builds the healthy sample. These helpers then change what the runtime was
deployed with, the way a user's deployment goes wrong:

* ``reconfigure_runtime(info, environment=…, authorizer=…, network=…)`` re-creates the runtime under the same
  id with the given settings (moto's UpdateAgentRuntime rewrites the ARN into moto's own format, so the
  sandbox re-creates instead, as ``runtime_faults`` does), READY;
* ``build_vpc(info, …)`` creates a VPC the way a user would (through EC2 calls to the sandbox): subnets in
  given Availability Zones, a route to a NAT gateway or only to an internet gateway or none, interface and
  gateway endpoints, a security group with or without egress. It returns the ``networkConfiguration``.

Only for the sandbox (``require_local``): nothing here may talk to real AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tui.sandbox._net import require_local
from tui.sandbox.aws import SeedInfo, new_seeding_client
from tui.sandbox.runtime_faults import set_runtime_status

KEEP: Any = object()
"""Leave that setting as the seeded runtime has it."""

ENDPOINTS_WITHOUT_INTERNET = ("ecr.dkr", "ecr.api", "s3", "logs")
"""The VPC endpoints AgentCore's VPC guide requires when the subnets have no internet access."""


def reconfigure_runtime(
    info: SeedInfo,
    *,
    environment: dict[str, str] | Any = KEEP,
    authorizer: dict[str, Any] | Any | None = KEEP,
    network: dict[str, Any] | Any = KEEP,
) -> None:
    """Re-create the seeded runtime (same id and ARN, READY) with these settings; ``None`` authorizer = SigV4."""
    require_local(info.endpoint_url, what="seeding endpoint")
    control = new_seeding_client("bedrock-agentcore-control", info.endpoint_url, info.region)
    try:
        current: dict[str, Any] = control.get_agent_runtime(agentRuntimeId=info.runtime_id)
        settings: dict[str, Any] = {
            "environmentVariables": current.get("environmentVariables") if environment is KEEP else environment,
            "authorizerConfiguration": current.get("authorizerConfiguration") if authorizer is KEEP else authorizer,
            "description": current.get("description"),
        }
        control.delete_agent_runtime(agentRuntimeId=info.runtime_id)
        created = control.create_agent_runtime(
            agentRuntimeName=current["agentRuntimeName"],
            agentRuntimeArtifact=current["agentRuntimeArtifact"],
            roleArn=current["roleArn"],
            networkConfiguration=current["networkConfiguration"] if network is KEEP else network,
            protocolConfiguration=current["protocolConfiguration"],
            **{key: value for key, value in settings.items() if value},
        )
        set_runtime_status(info, "READY", moto_id=created["agentRuntimeId"])
    finally:
        control.close()


_endpoint_state_patched = False


def _answer_endpoint_states_as_aws() -> None:
    """moto 5.2.5 answers a VPC endpoint's State as ``available``; EC2 (and botocore's model) say ``Available``.
    Fixed at the model object in this process, where ``AwsSandbox`` serves moto. Idempotent."""
    global _endpoint_state_patched
    if _endpoint_state_patched:
        return
    from moto.ec2.models.vpcs import VPCEndPoint

    original = VPCEndPoint.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.state == "available":
            self.state = "Available"

    VPCEndPoint.__init__ = init
    _endpoint_state_patched = True


def build_vpc(
    info: SeedInfo,
    *,
    zones: Iterable[str] = ("us-east-1b", "us-east-1c"),
    egress: str = "nat",
    endpoints: Iterable[str] = (),
    security_group_egress: bool = True,
) -> dict[str, Any]:
    """A VPC for the runtime; returns its ``networkConfiguration`` (VPC mode).

    ``egress``: ``nat`` (private subnets whose 0.0.0.0/0 goes to a NAT gateway), ``igw`` (public subnets: the
    default route goes to the internet gateway) or ``none``. ``endpoints``: short service names
    (``ecr.dkr``, ``s3`` …) to create VPC endpoints for. ``security_group_egress=False`` removes the group's
    default allow-all outbound rule.
    """
    require_local(info.endpoint_url, what="seeding endpoint")
    _answer_endpoint_states_as_aws()
    ec2 = new_seeding_client("ec2", info.endpoint_url, info.region)
    try:
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
            for i, zone in enumerate(zones, start=1)
        ]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for subnet in subnets:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        if egress in ("nat", "igw"):
            igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            if egress == "igw":
                ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
            else:
                public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.100.0/24", AvailabilityZone="us-east-1b")
                address = ec2.allocate_address(Domain="vpc")["AllocationId"]
                nat = ec2.create_nat_gateway(SubnetId=public["Subnet"]["SubnetId"], AllocationId=address)
                ec2.create_route(
                    RouteTableId=table,
                    DestinationCidrBlock="0.0.0.0/0",
                    NatGatewayId=nat["NatGateway"]["NatGatewayId"],
                )
        for name in endpoints:
            gateway = name == "s3"
            ec2.create_vpc_endpoint(
                VpcId=vpc,
                ServiceName=f"com.amazonaws.{info.region}.{name}",
                VpcEndpointType="Gateway" if gateway else "Interface",
                **({"RouteTableIds": [table]} if gateway else {"SubnetIds": subnets}),
            )
        group = ec2.create_security_group(GroupName="agentcore-runtime", Description="runtime ENIs", VpcId=vpc)
        group_id = group["GroupId"]
        if not security_group_egress:
            ec2.revoke_security_group_egress(
                GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
            )
        return {"networkMode": "VPC", "networkModeConfig": {"subnets": subnets, "securityGroups": [group_id]}}
    finally:
        ec2.close()


# --------------------------------------------------------------------------- runtime versions and endpoints


def deploy_new_version(info: SeedInfo) -> str:
    """What a redeploy (``agentcore deploy``, UpdateAgentRuntime) does to the seeded runtime: a new version, READY,
    with the DEFAULT endpoint moved to it; every other endpoint stays where it was pointed (AgentCore guide,
    "AgentCore Runtime versioning and endpoints"). Returns the new version.

    moto's UpdateAgentRuntime rewrites the ARN into moto's own format and leaves DEFAULT behind, so the version is
    made on moto's backend directly: ``AwsSandbox`` serves moto in a thread of this process.
    """
    from moto.core.utils import utcnow

    backend = _control_backend(info)
    runtime = backend.agent_runtimes[info.runtime_id]
    runtime.agent_runtime_version = str(int(runtime.agent_runtime_version) + 1)
    runtime.last_updated_at = utcnow()
    runtime._snapshot_version()  # what ListAgentRuntimeVersions answers
    default = backend.agent_runtime_endpoints.get((info.runtime_id, "DEFAULT"))
    if default is not None:
        default.target_version = default.live_version = runtime.agent_runtime_version
    return str(runtime.agent_runtime_version)


def add_runtime_endpoint(info: SeedInfo, name: str, version: str | None = None) -> None:
    """CreateAgentRuntimeEndpoint ``name`` on the seeded runtime, pointed at ``version`` (default: the latest), as a
    user makes ``prod``; it reads READY once created (moto's state moves on when it is read)."""
    require_local(info.endpoint_url, what="seeding endpoint")
    _name_endpoints_as_aws()
    control = new_seeding_client("bedrock-agentcore-control", info.endpoint_url, info.region)
    try:
        extra = {"agentRuntimeVersion": version} if version else {}
        # with a description: moto lists a missing one as "", which AWS never answers (the model's minimum is 1)
        control.create_agent_runtime_endpoint(
            agentRuntimeId=info.runtime_id, name=name, description=f"{name} endpoint", **extra
        )
    finally:
        control.close()


_endpoint_arn_patched = False


def _name_endpoints_as_aws() -> None:
    """moto 5.2.5 names a runtime endpoint ``…:agentEndpoint/<uuid>``; AgentCore (and botocore's model pattern) say
    ``<runtime ARN>/runtime-endpoint/<name>``, as the sandbox's DEFAULT endpoint has it. Fixed at the model object
    in this process, where ``AwsSandbox`` serves moto (even the CreateAgentRuntimeEndpoint answer must look like
    AWS's: the AWS call recorder checks it). Idempotent."""
    global _endpoint_arn_patched
    if _endpoint_arn_patched:
        return
    from moto.bedrockagentcorecontrol.models import AgentRuntimeEndpoint

    original = AgentRuntimeEndpoint.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.agent_runtime_endpoint_arn = f"{self.agent_runtime_arn}/runtime-endpoint/{self.name}"

    AgentRuntimeEndpoint.__init__ = init
    _endpoint_arn_patched = True


def set_endpoint_state(
    info: SeedInfo,
    name: str,
    status: str,
    *,
    failure_reason: str | None = None,
    target_version: str | None = None,
) -> None:
    """Show the seeded runtime's endpoint ``name`` as ``status`` (CREATE_FAILED, UPDATE_FAILED, UPDATING …), with
    ``failure_reason`` and a ``target_version`` it moves to (its liveVersion stays): moto cannot set these itself,
    so they are set on its backend in this process, where ``AwsSandbox`` serves it."""
    endpoint = _control_backend(info).agent_runtime_endpoints[(info.runtime_id, name)]
    endpoint.status = status
    vars(endpoint)["failure_reason"] = failure_reason  # the sandbox's patch answers it as failureReason
    if target_version is not None:
        endpoint.target_version = target_version


def _control_backend(info: SeedInfo) -> Any:
    """moto's bedrock-agentcore-control backend of the sandbox at ``info.endpoint_url`` (served by this process)."""
    require_local(info.endpoint_url, what="seeding endpoint")
    from moto.bedrockagentcorecontrol.models import bedrockagentcorecontrol_backends

    backend = bedrockagentcorecontrol_backends[info.account_id][info.region]
    if info.runtime_id not in backend.agent_runtimes:
        from tui.sandbox._net import SandboxError

        raise SandboxError(f"runtime {info.runtime_id} is not in this process's moto (is the AwsSandbox elsewhere?)")
    return backend


__all__ = [
    "ENDPOINTS_WITHOUT_INTERNET",
    "KEEP",
    "add_runtime_endpoint",
    "build_vpc",
    "deploy_new_version",
    "encrypt_log_group",
    "logs_service_key_statement",
    "reconfigure_runtime",
    "set_endpoint_state",
]


# --------------------------------------------------------------------------- round 17: observability


def logs_service_key_statement(region: str, account: str, log_group: str) -> dict[str, Any]:
    """The statement CloudWatch Logs' guide ("Encrypt log data in CloudWatch Logs using AWS KMS") puts in a key
    policy so that ``logs.<region>.amazonaws.com`` may use the key for that log group."""
    return {
        "Sid": "AllowCloudWatchLogs",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:{log_group}"}
        },
    }


def encrypt_log_group(
    info: SeedInfo,
    log_group: str,
    *,
    allow_logs: bool = True,
    key_state: str = "Enabled",
) -> str:
    """Re-create ``log_group`` encrypted with a new customer managed KMS key, as a user does for a compliance
    rule; returns the key's ARN. ``allow_logs=False`` leaves the CloudWatch Logs service principal out of the key
    policy (only the account root's ``kms:*``, the console default for a key made outside Logs); ``key_state``
    ``Disabled`` or ``PendingDeletion`` then disables the key or schedules its deletion.

    moto 5.2.5 has no AssociateKmsKey, so the group is deleted and created again with ``kmsKeyId`` (its events
    go; one line is written back so the group is not empty)."""
    require_local(info.endpoint_url, what="seeding endpoint")
    kms = new_seeding_client("kms", info.endpoint_url, info.region)
    logs = new_seeding_client("logs", info.endpoint_url, info.region)
    try:
        statements: list[dict[str, Any]] = [
            {
                "Sid": "EnableIAMUserPermissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{info.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        if allow_logs:
            statements.append(logs_service_key_statement(info.region, info.account_id, log_group))
        key = kms.create_key(
            Description=f"CMK for {log_group}",
            Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )["KeyMetadata"]
        if key_state == "Disabled":
            kms.disable_key(KeyId=key["KeyId"])
        elif key_state == "PendingDeletion":
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        try:
            logs.delete_log_group(logGroupName=log_group)
        except logs.exceptions.ResourceNotFoundException:
            pass
        logs.create_log_group(logGroupName=log_group, kmsKeyId=key["Arn"])
        return str(key["Arn"])
    finally:
        kms.close()
        logs.close()
