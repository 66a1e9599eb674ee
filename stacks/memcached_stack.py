"""The reference Memcached cluster: the seed article's "simple, ephemeral caching", on our defaults.

Memcached 1.6.22 on two ``cache.m6g.large`` nodes (a type offered in every region the node-type
data covers) spread over two zones, TLS on, in the VPC's private subnets behind a security group
that admits only the application's group on 11211, with AWS's recommended alarms and the cluster's
events. No snapshots, users or keys: node-based Memcached has none of them.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from constructs_lib import EngineVersion, MemcachedCluster
from constructs_lib.alarms import CacheAlarms
from constructs_lib.nag import acknowledge
from stacks.placement import CacheStack


class MemcachedStack(CacheStack):
    """The reference Memcached cluster in a VPC of any stack, or the user's own VPC.

    :param nodes: cache nodes, 1-40; changes in place. Default: 2.
    :param stack_props: where the cache lives and who may connect (see ``CacheStack``), and
        ``Stack`` properties.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        nodes: int = 2,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        self.cache = MemcachedCluster(
            self,
            "Cache",
            vpc=self.vpc,
            engine_version=EngineVersion.MEMCACHED_1_6_22,
            node_type="cache.m6g.large",
            nodes=nodes,
        )
        self.admit_clients(self.cache, "Memcached from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)

        acknowledge(
            self.cache.resource,
            "Memcached listens on its default port 11211, which Memcached clients and their auto "
            "discovery expect. A different port would only hide the service from untargeted scans; "
            "access is controlled by TLS, private subnets and a security group that admits only the "
            "application's group.",
            "AwsSolutions-AEC5",
        )
