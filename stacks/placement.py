"""Where a reference stack's cache lives: a VPC from another stack or the user's own (looked up),
and the application security groups allowed in. ``CacheStack`` is the base of every cache stack."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import rules
from constructs_lib.base import ICache
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


class CacheStack(Stack):
    """A stack whose cache lives in a VPC of another stack, or in the user's own VPC, and admits the
    application's security groups.

    :param vpc: where the cache lives; its private subnets are used.
    :param vpc_id: instead of ``vpc``, the id of an existing VPC, looked up at synth (the result is
        cached in ``cdk.context.json``; the stack needs an explicit account and region).
    :param client_security_groups: groups whose members may connect on the cache's ports.
    :param client_security_group_ids: the same, for groups that already exist, by id.
    :param stack_props: ``Stack`` properties (``env`` ...).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc | None = None,
        vpc_id: str | None = None,
        client_security_groups: Sequence[ec2.ISecurityGroup] = (),
        client_security_group_ids: Sequence[str] = (),
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        self.vpc = resolve_vpc(self, vpc, vpc_id)
        self.clients = client_groups(self, client_security_groups, client_security_group_ids)

    def admit_clients(self, cache: ICache, description: str) -> None:
        """Open ``cache``'s ports to the application's security groups."""
        for client in self.clients:
            cache.connections.allow_default_port_from(client, description)
