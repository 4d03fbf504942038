"""A runtime in VPC network mode: can its network interfaces reach what the runtime needs?

AgentCore's VPC guide (devguide ``agentcore-vpc.html``): the runtime's ENIs get private addresses only, so "using a
public subnet does not provide internet connectivity" — internet access needs private subnets whose default route
goes to a NAT gateway; without internet access the VPC needs endpoints for ``ecr.dkr``, ``ecr.api``, ``s3``
(gateway, image layers) and ``logs``; and subnets must be in the Availability Zones AgentCore supports. Without
these the image pull or the logs time out while the runtime still shows READY.
"""

from __future__ import annotations

from typing import Any

from tui.aws.errors import aws_errors, error_code
from tui.checks.aws._common import client, listed, not_a, shown_name
from tui.checks.aws.protocol import RuntimeParams, read_runtime
from tui.checks.base import CheckContext
from tui.i18n import _
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, warned

MAX_IDS = 16
"""Subnets and security groups a runtime may name (AWS allows 16 of each); more is not an answer AWS gives."""

SUPPORTED_AZ_IDS: dict[str, frozenset[str]] = {
    "us-east-1": frozenset({"use1-az1", "use1-az2", "use1-az4"}),
    "us-east-2": frozenset({"use2-az1", "use2-az2", "use2-az3"}),
    "us-west-2": frozenset({"usw2-az1", "usw2-az2", "usw2-az3"}),
    "ap-southeast-2": frozenset({"apse2-az1", "apse2-az2", "apse2-az3"}),
    "ap-south-1": frozenset({"aps1-az1", "aps1-az2", "aps1-az3"}),
    "ap-southeast-1": frozenset({"apse1-az1", "apse1-az2", "apse1-az3"}),
    "ap-northeast-1": frozenset({"apne1-az1", "apne1-az2", "apne1-az4"}),
    "eu-west-1": frozenset({"euw1-az1", "euw1-az2", "euw1-az3"}),
    "eu-central-1": frozenset({"euc1-az1", "euc1-az2", "euc1-az3"}),
}
"""The devguide's "Supported Availability Zones" table. A region not listed here is not judged."""
ENDPOINTS_WITHOUT_INTERNET = ("ecr.dkr", "ecr.api", "s3", "logs")
"""VPC endpoints the devguide requires for a runtime in a VPC without internet access."""


def _default_route_target(table: dict[str, Any]) -> str:
    """``nat``, ``igw``, ``other`` (a transit gateway, peering, appliance: not visible from here) or ``none``."""
    for route in table.get("Routes") or []:
        if route.get("DestinationCidrBlock") != "0.0.0.0/0" or route.get("State") == "blackhole":
            continue
        if route.get("NatGatewayId"):
            return "nat"
        if str(route.get("GatewayId") or "").startswith("igw-"):
            return "igw"
        return "other"
    return "none"


def _route_table_of(tables: list[dict[str, Any]], subnet: str) -> dict[str, Any] | None:
    """The subnet's explicitly associated table, else the VPC's main table."""
    main = None
    for table in tables:
        for assoc in table.get("Associations") or []:
            if assoc.get("SubnetId") == subnet:
                return table
            if assoc.get("Main"):
                main = table
    return main


def _allows_https_out(group: dict[str, Any]) -> bool:
    for rule in group.get("IpPermissionsEgress") or []:
        protocol = str(rule.get("IpProtocol"))
        if protocol == "-1":
            return True
        if protocol == "tcp" and _port(rule.get("FromPort"), 0) <= 443 <= _port(rule.get("ToPort"), 65535):
            return True
    return False


def _port(value: Any, default: int) -> int:
    """A rule's port as EC2 gives it (an int; absent means the whole range): anything else counts as absent."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@check(
    "runtime.network",
    title="In VPC mode, the runtime's subnets can reach ECR, S3 and CloudWatch Logs",
    severity=Severity.HIGH,
    params=RuntimeParams,
    needs=("aws",),
    aws_actions=(
        "bedrock-agentcore:GetAgentRuntime",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeSecurityGroups",
    ),
    remediation="Use private subnets in supported Availability Zones whose 0.0.0.0/0 route goes to a NAT gateway, or "
    "add VPC endpoints for ecr.dkr, ecr.api, logs (interface) and s3 (gateway); let the security group send HTTPS "
    "(443) out.",
)
@aws_errors
def runtime_network(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """GetAgentRuntime → networkConfiguration; in VPC mode EC2 DescribeSubnets/RouteTables/VpcEndpoints/
    SecurityGroups: the subnets exist and are in supported AZs, each has a NAT route or the VPC has the required
    endpoints, and the security groups let HTTPS out."""
    runtime = read_runtime(ctx, params)
    if isinstance(runtime, CheckResult):
        return runtime
    network = runtime.get("networkConfiguration") or {}
    if not isinstance(network, dict):
        return not_a("networkConfiguration", network, _("an object"))
    mode = shown_name(network.get("networkMode") or "PUBLIC")
    if mode != "VPC":
        return passed(
            _("network mode {mode}: AgentCore gives the runtime its own internet access").format(mode=mode),
            evidence={"networkMode": mode},
        )
    config = network.get("networkModeConfig") or {}
    if not isinstance(config, dict):
        return not_a("networkModeConfig", config, _("an object"))
    for field in ("subnets", "securityGroups"):
        value = config.get(field) or []
        if not isinstance(value, list) or len(value) > MAX_IDS:
            return not_a(field, value, _("a list of at most {count} ids").format(count=MAX_IDS))
    subnet_ids = [str(s) for s in config.get("subnets") or []]
    group_ids = [str(g) for g in config.get("securityGroups") or []]
    region = params.region or ctx.context.region or ""
    ec2 = client(ctx, "ec2", params.region)
    evidence: dict[str, Any] = {"networkMode": mode, "subnets": subnet_ids, "securityGroups": group_ids}
    try:
        subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"] if subnet_ids else []
    except Exception as exc:
        if error_code(exc) != "InvalidSubnetID.NotFound":
            raise
        return failed(
            _(
                "a subnet of the runtime no longer exists ({subnets}): AgentCore cannot place its network interfaces"
            ).format(subnets=listed(subnet_ids)),
            evidence=evidence,
        )
    zones = {str(s["SubnetId"]): str(s.get("AvailabilityZoneId") or "") for s in subnets}
    evidence["availability_zone_ids"] = zones
    supported = SUPPORTED_AZ_IDS.get(region)
    outside = sorted(f"{subnet} ({zone})" for subnet, zone in zones.items() if supported and zone not in supported)
    if outside:
        return failed(
            _(
                "subnet {subnets} is in an Availability Zone where AgentCore has no VPC support (supported: {zones})"
            ).format(subnets=listed(outside), zones=", ".join(sorted(supported or ()))),
            evidence=evidence,
        )
    vpcs = sorted({str(s["VpcId"]) for s in subnets})
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": vpcs}])["RouteTables"] if vpcs else []
    routes = {}
    for subnet in zones:
        table = _route_table_of(tables, subnet)
        routes[subnet] = _default_route_target(table) if table else "none"
    evidence["default_routes"] = routes
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": vpcs}])["VpcEndpoints"] if vpcs else []
    present = {
        str(e.get("ServiceName", "")).split(f".{region}.", 1)[-1]
        for e in endpoints
        if str(e.get("State", "available")).lower() in ("available", "pending")
    }
    missing = [name for name in ENDPOINTS_WITHOUT_INTERNET if name not in present]
    evidence["vpc_endpoints"] = sorted(present)
    groups = ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"] if group_ids else []
    if groups and not any(_allows_https_out(g) for g in groups):
        return failed(
            _(
                "security groups {groups} allow no outbound HTTPS: the runtime cannot reach ECR, S3 or CloudWatch Logs"
            ).format(groups=listed(group_ids)),
            evidence=evidence,
        )
    no_nat = sorted(subnet for subnet, target in routes.items() if target in ("igw", "none"))
    unknown = sorted(subnet for subnet, target in routes.items() if target == "other")
    if no_nat and missing:
        public = [subnet for subnet in no_nat if routes[subnet] == "igw"]
        why = (
            _("its default route goes to an internet gateway, which gives AgentCore's private interfaces no internet")
            if public
            else _("it has no default route")
        )
        return failed(
            _(
                "subnet {subnets} has no route to a NAT gateway ({why}) and the VPC lacks endpoints for {missing}: "
                "image pulls and log writes time out"
            ).format(subnets=listed(no_nat), why=why, missing=", ".join(missing)),
            details=_(
                "AgentCore's network interfaces have private addresses only. They reach AWS services through a NAT "
                "gateway or through VPC endpoints (interface: ecr.dkr, ecr.api, logs; gateway: s3, which holds the "
                "image layers). Invocations then fail with 'Runtime initialization time exceeded' or read timeouts "
                "while the runtime shows READY."
            ),
            evidence=evidence,
        )
    if unknown and missing:
        return warned(
            _(
                "subnet {subnets} sends 0.0.0.0/0 to a target agentcore-triage cannot follow, and the VPC lacks "
                "endpoints for {missing}: whether ECR and CloudWatch Logs are reachable is unknown"
            ).format(subnets=listed(unknown), missing=", ".join(missing)),
            evidence=evidence,
        )
    how = _("a NAT gateway") if not no_nat and not unknown else _("VPC endpoints")
    return passed(
        _("VPC mode: {count} subnets in supported zones reach ECR, S3 and CloudWatch Logs through {how}").format(
            count=len(zones), how=how
        ),
        evidence=evidence,
    )
