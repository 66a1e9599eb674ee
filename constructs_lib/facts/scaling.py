"""Application Auto Scaling of ElastiCache: the namespace, dimensions and resource ids it takes.

Sources: **[S]** the ``AWS::ApplicationAutoScaling::ScalableTarget`` schema cfn-lint ships
(``ScalableDimension`` enum); **[AAS]** the Application Auto Scaling guide,
services-that-can-integrate-elasticache.html; **[EC:AutoScaling]** its prerequisites.
"""

from __future__ import annotations

SERVICE_NAMESPACE = "elasticache"
"""``ServiceNamespace`` of every ElastiCache scalable target [S][AAS]."""

SHARDS = "elasticache:replication-group:NodeGroups"
"""The shard count of a replication group [S][AAS]."""
REPLICAS = "elasticache:replication-group:Replicas"
"""Replicas per shard of a replication group, added and removed evenly [S][AAS]."""
MEMCACHED_NODES = "elasticache:cache-cluster:Nodes"
"""The nodes of a node-based Memcached cluster [S][AAS]."""

REPLICATION_GROUP_DIMENSIONS = frozenset({SHARDS, REPLICAS})


def replication_group_resource_id(group_id: str) -> str:
    """``ResourceId`` of a replication group's scalable target: ``replication-group/<id>`` [AAS]."""
    return f"replication-group/{group_id}"
