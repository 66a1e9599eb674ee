"""A sharded Valkey cluster (cluster mode enabled) that scales its shards and replicas itself."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from constructs_lib import EngineVersion, ReplicationGroup
from constructs_lib.alarms import CacheAlarms
from constructs_lib.autoscaling import ScalingMetric
from stacks.placement import CacheStack


class ShardedClusterStack(CacheStack):
    """Valkey 8.2 on ``cache.r7g.large``: 3 shards of a primary and a replica, Application Auto
    Scaling keeping memory for eviction at 70 % with 2-6 shards and replica engine CPU at 70 % with
    1-3 replicas per shard, online resharding, and everything the library secures by default.

    :param stack_props: where the cluster lives and who may connect (see ``CacheStack``), and
        ``Stack`` properties.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        self.cache = ReplicationGroup(
            self,
            "Cluster",
            vpc=self.vpc,
            engine_version=EngineVersion.VALKEY_8_2,
            node_type="cache.r7g.large",
            shards=3,
            replicas=1,
        )
        self.cache.auto_scale_shards(minimum=2, maximum=6, metric=ScalingMetric.MEMORY_FOR_EVICTION, target_value=70)
        self.cache.auto_scale_replicas(minimum=1, maximum=3, metric=ScalingMetric.REPLICA_ENGINE_CPU, target_value=70)
        self.admit_clients(self.cache, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)
