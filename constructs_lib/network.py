"""Where a node-based cache lives: private subnets, a subnet group, a closed security group, and
``connections`` that stay free of cross-stack cycles."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from constructs import Construct
from jsii.errors import JSIIError

from constructs_lib import rules
from constructs_lib.facts.names import safe_security_group_description
from constructs_lib.validation import Issues, has_attributes


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
            issues.add(rules.NO_PRIVATE_SUBNETS, "vpc", "a VPC with private subnets (isolated or with egress)", vpc)
            return None
    try:
        selected = vpc.select_subnets(
            subnet_type=selection.subnet_type,
            subnet_group_name=selection.subnet_group_name,
            subnets=selection.subnets,
            availability_zones=selection.availability_zones,
            one_per_az=selection.one_per_az,
            subnet_filters=selection.subnet_filters,
        )
    except (JSIIError, RuntimeError) as error:
        # CDK's own message says what the VPC has ("There are no 'Public' subnet groups in this VPC.
        # Available types: Isolated"); we add which construct and property asked for it.
        reason = str(error).split(": ", 1)[-1]
        issues.add(rules.SUBNET_SELECTION, "vpc_subnets", f"a selection this VPC can satisfy ({reason})", selection)
        return None
    public_ids = {subnet.subnet_id for subnet in vpc.public_subnets}
    public = [s.node.path for s in selected.subnets if s.subnet_id in public_ids]
    issues.require(
        rules.PUBLIC_SUBNETS,
        not public,
        "vpc_subnets",
        "private subnets only (no route to an internet gateway)",
        public,
    )
    if not issues.require(
        rules.SUBNET_SELECTION,
        bool(selected.subnet_ids),
        "vpc_subnets",
        "a selection of at least one subnet",
        selection,
    ):
        return None
    return selected


def distinct_availability_zones(subnets: ec2.SelectedSubnets) -> list[str]:
    """The zones of the selected subnets, in subnet order, each once."""
    zones: list[str] = []
    for subnet in subnets.subnets:
        if subnet.availability_zone not in zones:
            zones.append(subnet.availability_zone)
    return zones


def check_network_inputs(
    issues: Issues,
    vpc: object,
    vpc_subnets: object,
    security_groups: object,
    port: object,
) -> bool:
    """Types of the network inputs every node-based kind takes; True when subnets can be selected."""
    ok = issues.interface(
        "vpc", vpc, "an ec2.IVpc (ec2.Vpc, or ec2.Vpc.from_lookup)", "vpc_id", "select_subnets", optional=False
    )
    subnets_ok = issues.instance("vpc_subnets", vpc_subnets, ec2.SubnetSelection, "an ec2.SubnetSelection")
    issues.objects(
        "security_groups", security_groups, "ec2.ISecurityGroup", "security_group_id", empty=rules.SECURITY_GROUPS
    )
    # A deploy-time port is written through to the template and the security group rules.
    issues.whole(rules.PORT, "port", port, 1, 65535, what="a TCP port number", synth=False)
    return ok and subnets_ok


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
        removal_policy: RemovalPolicy | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.resource = elasticache.CfnSubnetGroup(
            self,
            "Resource",
            description=description,
            subnet_ids=subnets.subnet_ids,
            cache_subnet_group_name=subnet_group_name,
        )
        if removal_policy is not None:
            self.resource.apply_removal_policy(removal_policy)
        self.subnet_group_name: str = self.resource.ref


def closed_security_group(scope: Construct, id: str, *, vpc: ec2.IVpc, description: str) -> ec2.SecurityGroup:
    """A security group with no ingress and no egress: a cache never opens connections itself, and
    ingress is granted per client through ``connections``. The description is made safe for EC2
    (its character set and 255 characters) rather than passed through."""
    return ec2.SecurityGroup(
        scope,
        id,
        vpc=vpc,
        description=safe_security_group_description(description),
        allow_all_outbound=False,
    )


def security_groups_or_closed(
    scope: Construct,
    *,
    vpc: ec2.IVpc,
    given: Sequence[ec2.ISecurityGroup] | None,
    kind: str,
    removal_policy: RemovalPolicy,
) -> list[ec2.ISecurityGroup]:
    """The security groups given, or one new closed group (``closed_security_group``) described as
    ``ElastiCache <kind> <construct id>``."""
    if given is not None:
        return list(given)
    group = closed_security_group(scope, "SecurityGroup", vpc=vpc, description=f"ElastiCache {kind} {scope.node.id}")
    group.apply_removal_policy(removal_policy)
    return [group]


def _stack_of(construct: object) -> Stack | None:
    return Stack.of(construct) if has_attributes(construct, "node") else None  # type: ignore[arg-type]


class CacheConnections(ec2.Connections):
    """``connections`` of a cache, placing rules where they cannot make a cross-stack cycle.

    CDK puts the rules of ``cache.connections.allow_from(client)`` into the cache's stack, which
    then depends on the client's stack; a client that also reads the cache's endpoint depends on
    the cache's stack: a cycle. So when the peer lives in another stack that the cache does not
    build on, the rules go to the peer's stack, as ``client.connections.allow_to(cache)`` would
    put them. Peers in stacks the cache builds on (the VPC's network stack, for example) keep the
    default placement, in the cache's stack.

    :param upstream: constructs the cache was built from (VPC, security groups, key ...); their
        stacks are the ones the cache's stack depends on.
    """

    def __init__(
        self,
        *,
        security_groups: Sequence[ec2.ISecurityGroup],
        default_port: ec2.Port,
        upstream: Sequence[object],
        owner: str = "connections",
    ) -> None:
        super().__init__(security_groups=list(security_groups), default_port=default_port)
        self._owner = owner
        self._home = [s for s in (_stack_of(group) for group in security_groups) if s is not None]
        self._upstream = [s for s in (_stack_of(item) for item in upstream) if s is not None]

    def _downstream_groups(self, other: ec2.IConnectable) -> list[ec2.ISecurityGroup]:
        """``other``'s security groups when all live in stacks the cache's stack does not build on."""
        if not has_attributes(other, "connections") or not self._home:
            return []
        groups = list(other.connections.security_groups)
        stacks = [_stack_of(group) for group in groups]
        home = self._home[0]
        known = {id(home), *(id(s) for s in self._upstream), *(id(s) for s in home.dependencies)}
        if not groups or any(stack is None or id(stack) in known for stack in stacks):
            return []
        return groups

    def allow_from(self, other: ec2.IConnectable, port_range: ec2.Port, description: str | None = None) -> None:
        if not has_attributes(other, "connections"):
            issues = Issues(self._owner)
            issues.add(
                rules.TYPE,
                "other",
                "an ec2.IConnectable (a security group, a function, a service ...; "
                "for an id, ec2.SecurityGroup.from_security_group_id)",
                other,
            )
            issues.raise_if_any()
        # Also reached from JavaScript when a client calls ``allow_to(cache)``: CDK then calls the
        # cache's ``allowFrom``. Adding a rule twice is harmless: CDK keeps one rule per peer and port.
        peers = self._downstream_groups(other)
        if not peers:
            super().allow_from(other, port_range, description)
            return
        for group in self.security_groups:
            for peer in peers:
                # remote_rule=True: CDK places the rule with the peer when the stacks differ.
                group.add_ingress_rule(peer, port_range, description, True)
                peer.add_egress_rule(group, port_range, description)

    def allow_default_port_from(self, other: ec2.IConnectable, description: str | None = None) -> None:
        assert self.default_port is not None
        self.allow_from(other, self.default_port, description)
