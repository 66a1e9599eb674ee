"""The reference app's stacks for each ElastiCache shape, as `cdk synth` builds them."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

import app as cdk_app
from tests.conftest import new_app


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    app = cdk_app.build(new_app(nag=False))
    return {
        child.node.id: dict(Template.from_stack(child).to_json())
        for child in app.node.children
        if isinstance(child, cdk.Stack)
    }


def of_type(template: dict[str, Any], type_name: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == type_name]


def test_sharded_cluster_scales_shards_and_replicas(templates: dict[str, dict[str, Any]]) -> None:
    template = templates["ElastiCacheKit-Sharded"]
    (group,) = of_type(template, "AWS::ElastiCache::ReplicationGroup")
    assert (group["Properties"]["NumNodeGroups"], group["Properties"]["ReplicasPerNodeGroup"]) == (3, 1)
    assert group["Properties"]["Engine"] == "valkey"
    assert group["UpdatePolicy"] == {"UseOnlineResharding": True}
    targets = {
        t["Properties"]["ScalableDimension"]: t["Properties"]
        for t in of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    }
    assert {d: (t["MinCapacity"], t["MaxCapacity"]) for d, t in targets.items()} == {
        "elasticache:replication-group:NodeGroups": (2, 6),
        "elasticache:replication-group:Replicas": (1, 3),
    }
    ingress = {
        r["Properties"]["Description"]: r["Properties"] for r in of_type(template, "AWS::EC2::SecurityGroupIngress")
    }
    assert ingress["Valkey from the application"]["FromPort"] == 6379
    assert ingress["Credential rotation test login"]["FromPort"] == 6379


def test_global_datastore_primary_and_secondary(templates: dict[str, dict[str, Any]]) -> None:
    primary = templates["ElastiCacheKit-GlobalPrimary"]
    (datastore,) = of_type(primary, "AWS::ElastiCache::GlobalReplicationGroup")
    assert datastore["Properties"]["GlobalReplicationGroupIdSuffix"] == "elasticachekit-global"
    (token,) = of_type(primary, "AWS::SecretsManager::Secret")
    assert token["Properties"]["Name"] == "elasticachekit-global/auth-token"
    assert token["Properties"]["ReplicaRegions"] == [{"Region": "us-west-2"}]
    secondary = templates["ElastiCacheKit-GlobalSecondary"]
    (group,) = of_type(secondary, "AWS::ElastiCache::ReplicationGroup")
    assert group["Properties"]["GlobalReplicationGroupId"] == "ldgnf-elasticachekit-global"
    assert "Engine" not in group["Properties"]
    keys = [k for k in of_type(secondary, "AWS::KMS::Key") if "Secondary of Global" in k["Properties"]["Description"]]
    assert len(keys) == 1, "a key of the secondary's own region"
