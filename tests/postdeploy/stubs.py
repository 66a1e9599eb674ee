"""Builders for ElastiCache API responses, for botocore's Stubber.

Stubber checks every response against the service model, so these shapes are the real API's.
moto does not return security groups or parameter groups on cache clusters and has no
serverless, Global Datastore, user group, parameter or engine-version APIs, and no ElastiCache
scalable targets; these fill that gap.

Fields follow the botocore model's documentation, not only its types: ``CurrentRole`` and
``ReadEndpoint`` of a node group member exist for cluster mode disabled only, so the builders
leave them out of sharded (cluster mode enabled) groups, which report a configuration endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from botocore.stub import Stubber

from postdeploy.aws import Aws

CREATED = datetime(2026, 11, 1, tzinfo=UTC)


@contextmanager
def stubbed(aws: Aws, service: str, region: str) -> Iterator[Stubber]:
    """Stub one of ``aws``'s clients; every queued response must be consumed."""
    stubber = Stubber(aws.client(service, region))
    with stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _endpoint(name: str) -> dict[str, Any]:
    return {"Address": f"{name}.abc123.use1.cache.amazonaws.com", "Port": 6379}


def replication_group(group_id: str, *, shards: int = 1, replicas: int = 1, **overrides: Any) -> dict[str, Any]:
    """A secure group: RBAC, TLS required, encrypted with a customer key, a replica per shard.
    More than one shard makes it cluster mode enabled, shaped as the API reports that mode."""
    zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
    cluster_mode = shards > 1
    node_groups, members = [], []
    for s in range(shards):
        shard_id = f"{s + 1:04d}"
        shard_members = []
        for n in range(replicas + 1):
            cluster_id = f"{group_id}-{shard_id}-{n + 1:03d}" if cluster_mode else f"{group_id}-{n + 1:03d}"
            members.append(cluster_id)
            member: dict[str, Any] = {
                "CacheClusterId": cluster_id,
                "CacheNodeId": "0001",
                "PreferredAvailabilityZone": zones[n % len(zones)],
            }
            if not cluster_mode:
                member["ReadEndpoint"] = _endpoint(cluster_id)
                member["CurrentRole"] = "primary" if n == 0 else "replica"
            shard_members.append(member)
        node_group: dict[str, Any] = {"NodeGroupId": shard_id, "Status": "available", "NodeGroupMembers": shard_members}
        if cluster_mode:
            node_group["Slots"] = f"{s * 16384 // shards}-{(s + 1) * 16384 // shards - 1}"
        else:
            node_group["PrimaryEndpoint"] = _endpoint(f"master.{group_id}")
            node_group["ReaderEndpoint"] = _endpoint(f"replica.{group_id}")
        node_groups.append(node_group)
    group: dict[str, Any] = {
        "ReplicationGroupId": group_id,
        "Status": "available",
        "MemberClusters": members,
        "NodeGroups": node_groups,
        "ClusterEnabled": cluster_mode,
        "AutomaticFailover": "enabled",
        "MultiAZ": "enabled",
        "SnapshotRetentionLimit": 7,
        "CacheNodeType": "cache.r7g.large",
        "AuthTokenEnabled": False,
        "UserGroupIds": ["app-users"],
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/key-1",
        "Engine": "valkey",
        "AutoMinorVersionUpgrade": True,
    }
    if cluster_mode:
        group["ConfigurationEndpoint"] = _endpoint(f"clustercfg.{group_id}")
    group.update(overrides)
    return _without_none(group)


def cache_cluster(cluster_id: str, *, group_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    cluster: dict[str, Any] = {
        "CacheClusterId": cluster_id,
        "CacheNodeType": "cache.r7g.large",
        "Engine": "valkey",
        "EngineVersion": "8.0.1",
        "CacheClusterStatus": "available",
        "NumCacheNodes": 1,
        "CacheSubnetGroupName": "private-cache",
        "CacheParameterGroup": {"CacheParameterGroupName": "app-params", "ParameterApplyStatus": "in-sync"},
        "SecurityGroups": [{"SecurityGroupId": "sg-00000000000000001", "Status": "active"}],
        "AutoMinorVersionUpgrade": True,
        "SnapshotRetentionLimit": 7,
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
    }
    if group_id:
        cluster["ReplicationGroupId"] = group_id
    cluster.update(overrides)
    return _without_none(cluster)


def members_of(group: dict[str, Any], **overrides: Any) -> list[dict[str, Any]]:
    return [cache_cluster(c, group_id=group["ReplicationGroupId"], **overrides) for c in group["MemberClusters"]]


def serverless_cache(name: str, **overrides: Any) -> dict[str, Any]:
    cache: dict[str, Any] = {
        "ServerlessCacheName": name,
        "Status": "available",
        "Engine": "valkey",
        "MajorEngineVersion": "8",
        "FullEngineVersion": "8.0",
        "CacheUsageLimits": {
            "DataStorage": {"Maximum": 100, "Unit": "GB"},
            "ECPUPerSecond": {"Maximum": 100000},
        },
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/key-1",
        "SecurityGroupIds": ["sg-00000000000000001"],
        "SubnetIds": [],
        "UserGroupId": "app-users",
        "SnapshotRetentionLimit": 7,
        "DailySnapshotTime": "03:00",
        "CreateTime": CREATED,
    }
    cache.update(overrides)
    return _without_none(cache)


def global_datastore(global_id: str, members: list[tuple[str, str, str]], **overrides: Any) -> dict[str, Any]:
    datastore: dict[str, Any] = {
        "GlobalReplicationGroupId": global_id,
        "Status": "available",
        "Engine": "valkey",
        "EngineVersion": "8.0",
        "CacheNodeType": "cache.r7g.large",
        "AtRestEncryptionEnabled": True,
        "TransitEncryptionEnabled": True,
        "AuthTokenEnabled": True,
        "Members": [
            {"ReplicationGroupId": group_id, "ReplicationGroupRegion": region, "Role": role, "Status": "associated"}
            for group_id, region, role in members
        ],
    }
    datastore.update(overrides)
    return datastore


def user(
    user_id: str, *, name: str | None = None, access: str = "on ~app:* +@read", auth: str = "password", **overrides: Any
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "UserId": user_id,
        "UserName": name or user_id,
        "Status": "active",
        "Engine": "valkey",
        "MinimumEngineVersion": "7.2",
        "AccessString": access,
        "UserGroupIds": ["app-users"],
        "Authentication": {"Type": auth, **({"PasswordCount": 1} if auth == "password" else {})},
        "ARN": f"arn:aws:elasticache:us-east-1:123456789012:user:{user_id}",
    }
    answer.update(overrides)
    return _without_none(answer)


def user_group(group_id: str, user_ids: list[str], **overrides: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "UserGroupId": group_id,
        "Status": "active",
        "Engine": "redis",
        "UserIds": user_ids,
        "MinimumEngineVersion": "6.0",
        "ReplicationGroups": [],
        "ARN": f"arn:aws:elasticache:us-east-1:123456789012:usergroup:{group_id}",
    }
    answer.update(overrides)
    return answer


def scalable_target(group_id: str, dimension: str, low: int, high: int) -> dict[str, Any]:
    return {
        "ServiceNamespace": "elasticache",
        "ResourceId": f"replication-group/{group_id}",
        "ScalableDimension": dimension,
        "MinCapacity": low,
        "MaxCapacity": high,
        "RoleARN": "arn:aws:iam::123456789012:role/aws-service-role/elasticache.application-autoscaling.amazonaws.com/"
        "AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG",
        "CreationTime": CREATED,
    }


def _without_none(fields: dict[str, Any]) -> dict[str, Any]:
    """``None`` in an override means the API leaves the field out."""
    return {key: value for key, value in fields.items() if value is not None}


def engine_versions(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {
        "CacheEngineVersions": [
            {
                "Engine": engine,
                "EngineVersion": version,
                "CacheParameterGroupFamily": f"{engine}{version.split('.')[0]}",
            }
            for engine, version in pairs
        ]
    }


def parameters(**values: str) -> dict[str, Any]:
    return {"Parameters": [{"ParameterName": name, "ParameterValue": value} for name, value in values.items()]}
