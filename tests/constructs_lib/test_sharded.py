"""Cluster mode enabled: shards, online resharding, auto scaling, migration, durability, data tiering."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import botocore.session
import pytest
from aws_cdk.assertions import Template
from botocore.model import StringShape

from constructs_lib import EngineVersion, ReplicationGroup
from constructs_lib.autoscaling import ScalingDimension, ScalingMetric
from constructs_lib.topology import ClusterMode, Durability
from postdeploy import schemas
from tests.conftest import isolated_vpc, logical_id, new_app

ENV = cdk.Environment(account="111111111111", region="us-east-1")


def build(**props: Any) -> tuple[cdk.Stack, ReplicationGroup]:
    stack = cdk.Stack(new_app(), "Sharded", env=ENV)
    cache = ReplicationGroup(
        stack,
        "Cache",
        vpc=isolated_vpc(stack),
        **{"engine_version": EngineVersion.VALKEY_8_2, "node_type": "cache.r7g.large", "shards": 3, **props},
    )
    return stack, cache


class Built:
    def __init__(self) -> None:
        self.stack, self.cache = build(replication_group_id="orders")
        self.cache.auto_scale_shards(minimum=2, maximum=6, target_value=65)
        self.cache.auto_scale_replicas(minimum=1, maximum=3, scale_in_cooldown=cdk.Duration.minutes(10))
        self.template = Template.from_stack(self.stack)
        self.resources: dict[str, Any] = self.template.to_json()["Resources"]

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [r for r in self.resources.values() if r["Type"] == type_name]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_shards_and_replicas_per_shard(built: Built) -> None:
    group = built.resources[logical_id(built.cache.resource)]
    props = group["Properties"]
    assert (props["NumNodeGroups"], props["ReplicasPerNodeGroup"]) == (3, 1)
    assert "NumCacheClusters" not in props
    assert "NodeGroupConfiguration" not in props
    assert "PreferredCacheClusterAZs" not in props
    assert props["ClusterMode"] == "enabled"
    assert props["AutomaticFailoverEnabled"] is True
    assert props["MultiAZEnabled"] is True
    assert group["UpdatePolicy"] == {"UseOnlineResharding": True}
    (parameters,) = built.of_type("AWS::ElastiCache::ParameterGroup")
    assert parameters["Properties"]["Properties"]["cluster-enabled"] == "yes"


def test_configuration_endpoint_and_members(built: Built) -> None:
    cache_id = logical_id(built.cache.resource)
    endpoint = built.cache.endpoint
    assert built.stack.resolve(endpoint.address) == {"Fn::GetAtt": [cache_id, "ConfigurationEndPoint.Address"]}
    assert built.cache.reader_endpoint is None
    assert built.cache.member_cluster_ids[:3] == ["orders-0001-001", "orders-0001-002", "orders-0002-001"]
    assert len(built.cache.member_cluster_ids) == 6


def test_scalable_targets_use_the_service_linked_role(built: Built) -> None:
    targets = {
        t["Properties"]["ScalableDimension"]: t["Properties"]
        for t in built.of_type("AWS::ApplicationAutoScaling::ScalableTarget")
    }
    resource_id = {"Fn::Join": ["", ["replication-group/", {"Ref": logical_id(built.cache.resource)}]]}
    assert targets == {
        "elasticache:replication-group:NodeGroups": {
            "ServiceNamespace": "elasticache",
            "ScalableDimension": "elasticache:replication-group:NodeGroups",
            "ResourceId": resource_id,
            "MinCapacity": 2,
            "MaxCapacity": 6,
        },
        "elasticache:replication-group:Replicas": {
            "ServiceNamespace": "elasticache",
            "ScalableDimension": "elasticache:replication-group:Replicas",
            "ResourceId": resource_id,
            "MinCapacity": 1,
            "MaxCapacity": 3,
        },
    }
    principals = [
        r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        for r in built.of_type("AWS::IAM::Role")
    ]
    assert {"Service": "application-autoscaling.amazonaws.com"} not in principals, "no role of our own for scaling"


def test_target_tracking_policies(built: Built) -> None:
    policies = sorted(
        (p["Properties"] for p in built.of_type("AWS::ApplicationAutoScaling::ScalingPolicy")),
        key=lambda p: p["PolicyName"],
    )
    configs = [p["TargetTrackingScalingPolicyConfiguration"] for p in policies]
    assert [p["PolicyType"] for p in policies] == ["TargetTrackingScaling"] * 2
    assert configs == [
        {
            "TargetValue": 65,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage"
            },
            "DisableScaleIn": False,
        },
        {
            "TargetValue": 70,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ElastiCacheReplicaEngineCPUUtilization"},
            "DisableScaleIn": False,
            "ScaleInCooldown": 600,
        },
    ]


def test_dimensions_and_metrics_are_ones_the_api_knows() -> None:
    model = botocore.session.get_session().get_service_model("application-autoscaling")
    dimensions, metrics = model.shape_for("ScalableDimension"), model.shape_for("MetricType")
    assert isinstance(dimensions, StringShape)
    assert isinstance(metrics, StringShape)
    assert {d.value for d in ScalingDimension} <= set(dimensions.enum)
    assert {m.value for m in ScalingMetric} <= set(metrics.enum)


@pytest.mark.parametrize("change", [{"shards": 4}, {"shards": 2}, {"replicas": 2}, {"replicas": 0}])
def test_resharding_and_replica_changes_update_in_place(change: dict[str, int]) -> None:
    before = Template.from_stack(build()[0]).to_json()["Resources"]
    after = Template.from_stack(build(**change)[0]).to_json()["Resources"]
    assert set(before) == set(after)
    for logical, old in before.items():
        new = after[logical]
        for prop in schemas.create_only(old["Type"]) | schemas.conditional_create_only(old["Type"]):
            assert old["Properties"].get(prop) == new["Properties"].get(prop), (logical, prop)
    (group_id,) = [k for k, r in after.items() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    # NumNodeGroups is not create-only in the schema, but CloudFormation documents a replacement
    # without this policy: it must be there.
    assert after[group_id]["UpdatePolicy"] == {"UseOnlineResharding": True}


@pytest.mark.parametrize(
    ("mode", "migrate_from", "parameter_group_id"),
    [
        (ClusterMode.COMPATIBLE, ClusterMode.DISABLED, "ClusterParameterGroup"),
        (ClusterMode.ENABLED, ClusterMode.COMPATIBLE, "ClusterParameterGroup"),
    ],
)
def test_cluster_mode_migration_steps(mode: ClusterMode, migrate_from: ClusterMode, parameter_group_id: str) -> None:
    stack, cache = build(shards=None, cluster_mode=mode, migrate_from=migrate_from)
    props = Template.from_stack(stack).to_json()["Resources"][logical_id(cache.resource)]["Properties"]
    assert props["ClusterMode"] == mode.value
    assert props["NumCacheClusters"] == 2, "a migrated group keeps its single-shard layout"
    assert "NumNodeGroups" not in props
    assert cache.node.try_find_child(parameter_group_id) is not None
    assert cache.node.try_find_child("ParameterGroup") is None


def test_durability_on_valkey_9() -> None:
    stack, cache = build(engine_version=EngineVersion.VALKEY_9_0, durability=Durability.SYNC)
    props = Template.from_stack(stack).to_json()["Resources"][logical_id(cache.resource)]["Properties"]
    assert props["Durability"] == "sync"
    assert props["TransitEncryptionEnabled"] is True


def test_data_tiering_sharded_and_capacity_scaling() -> None:
    stack, cache = build(node_type="cache.r6gd.xlarge")
    cache.auto_scale_shards(minimum=1, maximum=4, metric=ScalingMetric.CAPACITY_FOR_EVICTION)
    resources = Template.from_stack(stack).to_json()["Resources"]
    assert resources[logical_id(cache.resource)]["Properties"]["DataTieringEnabled"] is True
    (policy,) = [r for r in resources.values() if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy"]
    spec = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert spec == {"PredefinedMetricType": "ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage"}


def test_more_than_the_default_shard_quota_warns() -> None:
    _, cache = build(shards=100, replicas=1)
    messages = [str(m.data) for m in cache.node.metadata if m.type == "aws:cdk:warning"]
    assert any("exceed ElastiCache's default quota of 90" in message for message in messages)
