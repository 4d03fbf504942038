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


__all__ = ["ENDPOINTS_WITHOUT_INTERNET", "KEEP", "build_vpc", "reconfigure_runtime"]
