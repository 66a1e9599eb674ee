"""Where a reference stack's cache lives: a VPC from another stack or the user's own (looked up),
and the application security groups allowed in."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2

from constructs_lib import rules
from constructs_lib.validation import Issues


def resolve_vpc(stack: Stack, vpc: ec2.IVpc | None, vpc_id: str | None) -> ec2.IVpc:
    """``vpc`` as given, or the VPC ``vpc_id`` looked up at synth (cached in cdk.context.json)."""
    issues = Issues(stack.node.path)
    issues.require(
        rules.EXCLUSIVE, (vpc is None) != (vpc_id is None), "vpc, vpc_id", "exactly one of the two", (vpc, vpc_id)
    )
    issues.raise_if_any()
    return vpc if vpc is not None else ec2.Vpc.from_lookup(stack, "Vpc", vpc_id=vpc_id)


def client_groups(
    stack: Stack, groups: Sequence[ec2.ISecurityGroup], group_ids: Sequence[str]
) -> list[ec2.ISecurityGroup]:
    """The application's security groups: given ones, and existing ones by id."""
    return list(groups) + [
        ec2.SecurityGroup.from_security_group_id(stack, f"Client{i}", group_id) for i, group_id in enumerate(group_ids)
    ]
