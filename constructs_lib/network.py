"""Where a cache lives: a subnet group over private subnets and a closed security group."""

from __future__ import annotations

import re

from aws_cdk import Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from constructs import Construct

from constructs_lib.errors import Issues

_SUBNET_GROUP_NAME = re.compile(r"^[A-Za-z0-9-]{1,255}$")


def select_private_subnets(
    vpc: ec2.IVpc, selection: ec2.SubnetSelection | None, issues: Issues
) -> ec2.SelectedSubnets | None:
    """The subnets a cache may use: the given selection, or the VPC's private subnets.

    Isolated subnets are preferred over subnets with a NAT route; a public subnet (one routed to
    an internet gateway) is never accepted, since nothing should reach a cache from the internet.
    """
    if selection is None:
        if vpc.isolated_subnets:
            selection = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        elif vpc.private_subnets:
            selection = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        else:
            issues.add("vpc", "a VPC with private subnets (isolated or with egress)", vpc.node.path)
            return None
    selected = vpc.select_subnets(
        subnet_type=selection.subnet_type,
        subnet_group_name=selection.subnet_group_name,
        subnets=selection.subnets,
        availability_zones=selection.availability_zones,
        one_per_az=selection.one_per_az,
        subnet_filters=selection.subnet_filters,
    )
    public_ids = {subnet.subnet_id for subnet in vpc.public_subnets}
    public = [s.subnet_id for s in selected.subnets if s.subnet_id in public_ids]
    issues.require(not public, "vpc_subnets", "private subnets only (no route to an internet gateway)", public)
    issues.require(bool(selected.subnet_ids), "vpc_subnets", "a selection of at least one subnet", "no subnets")
    return selected


def distinct_availability_zones(subnets: ec2.SelectedSubnets) -> list[str]:
    """The zones of the selected subnets, in subnet order, each once."""
    zones: list[str] = []
    for subnet in subnets.subnets:
        if subnet.availability_zone not in zones:
            zones.append(subnet.availability_zone)
    return zones


def validate_subnet_group_name(name: str | None, issues: Issues) -> None:
    if name is not None and not Token.is_unresolved(name):
        issues.require(
            bool(_SUBNET_GROUP_NAME.match(name)),
            "subnet_group_name",
            "1-255 letters, digits or hyphens",
            name,
        )


class CacheSubnetGroup(Construct):
    """An ``AWS::ElastiCache::SubnetGroup`` over subnets already vetted by ``select_private_subnets``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        subnets: ec2.SelectedSubnets,
        description: str,
        subnet_group_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        resource = elasticache.CfnSubnetGroup(
            self,
            "Resource",
            description=description,
            subnet_ids=subnets.subnet_ids,
            cache_subnet_group_name=subnet_group_name,
        )
        self.subnet_group_name: str = resource.ref


def closed_security_group(scope: Construct, id: str, *, vpc: ec2.IVpc, description: str) -> ec2.SecurityGroup:
    """A security group with no ingress and no egress: a cache never opens connections itself,
    and ingress is granted per client through ``connections``."""
    return ec2.SecurityGroup(scope, id, vpc=vpc, description=description, allow_all_outbound=False)
