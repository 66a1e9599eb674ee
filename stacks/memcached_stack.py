"""The reference Memcached cluster: the seed article's "simple, ephemeral caching", on our defaults.

Memcached 1.6.22 on two ``cache.m6g.large`` nodes (a type offered in every region the node-type
data covers) spread over two zones, TLS on, in the VPC's private subnets behind a security group
that admits only the application's group on 11211, with AWS's recommended alarms and the cluster's
events. No snapshots, users or keys: node-based Memcached has none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import EngineVersion, MemcachedCluster
from constructs_lib.alarms import CacheAlarms
from constructs_lib.nag import acknowledge
from stacks.placement import client_groups, resolve_vpc


class MemcachedStack(Stack):
    """The reference Memcached cluster in a VPC of any stack, or the user's own VPC.

    :param vpc: where the cluster lives; its private subnets form the subnet group.
    :param vpc_id: instead of ``vpc``, the id of an existing VPC, looked up at synth (the result is
        cached in ``cdk.context.json``; the stack needs an explicit account and region).
    :param client_security_groups: groups whose members may connect on the cluster's port.
    :param client_security_group_ids: the same, for groups that already exist, by id.
    :param nodes: cache nodes, 1-40; changes in place. Default: 2.
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
        nodes: int = 2,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        vpc = resolve_vpc(self, vpc, vpc_id)
        clients = client_groups(self, client_security_groups, client_security_group_ids)
        self.cache = MemcachedCluster(
            self,
            "Cache",
            vpc=vpc,
            engine_version=EngineVersion.MEMCACHED_1_6_22,
            node_type="cache.m6g.large",
            nodes=nodes,
        )
        for client in clients:
            self.cache.connections.allow_default_port_from(client, "Memcached from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)

        acknowledge(
            self.cache.resource,
            "Memcached listens on its default port 11211, which Memcached clients and their auto "
            "discovery expect. A different port would only hide the service from untargeted scans; "
            "access is controlled by TLS, private subnets and a security group that admits only the "
            "application's group.",
            "AwsSolutions-AEC5",
        )
