"""A sharded Valkey cluster (cluster mode enabled) that scales its shards and replicas itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import EngineVersion, ReplicationGroup
from constructs_lib.alarms import CacheAlarms
from constructs_lib.autoscaling import ScalingMetric
from stacks.placement import client_groups, resolve_vpc


class ShardedClusterStack(Stack):
    """Valkey 8.2 on ``cache.r7g.large``: 3 shards of a primary and a replica, Application Auto
    Scaling keeping memory for eviction at 70 % with 2-6 shards and replica engine CPU at 70 % with
    1-3 replicas per shard, online resharding, and everything the library secures by default.

    :param vpc: where the cluster lives. :param vpc_id: instead, an existing VPC looked up at synth.
    :param client_security_groups: groups allowed in on 6379. :param client_security_group_ids: by id.
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
        vpc = resolve_vpc(self, vpc, vpc_id)
        self.cache = ReplicationGroup(
            self,
            "Cluster",
            vpc=vpc,
            engine_version=EngineVersion.VALKEY_8_2,
            node_type="cache.r7g.large",
            shards=3,
            replicas=1,
        )
        self.cache.auto_scale_shards(minimum=2, maximum=6, metric=ScalingMetric.MEMORY_FOR_EVICTION, target_value=70)
        self.cache.auto_scale_replicas(minimum=1, maximum=3, metric=ScalingMetric.REPLICA_ENGINE_CPU, target_value=70)
        for client in client_groups(self, client_security_groups, client_security_group_ids):
            self.cache.connections.allow_default_port_from(client, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)
