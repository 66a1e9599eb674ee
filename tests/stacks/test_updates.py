"""A second synth after a change: what CloudFormation would replace and what it updates in place.

The comparison is the replacement guard's (``postdeploy.guard``, ``elasticache-verify guard``),
whose create-only properties come from the CloudFormation schemas cfn-lint ships.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

import app as cdk_app
from postdeploy import guard, schemas
from tests.conftest import new_app

STACK = "ElastiCacheKit-ReplicationGroup"


def template(**context: Any) -> dict[str, Any]:
    app = cdk_app.build(new_app(nag=False, **context))
    stack = app.node.find_child(STACK)
    assert isinstance(stack, cdk.Stack)
    return dict(Template.from_stack(stack).to_json())


@pytest.fixture(scope="module")
def one_replica() -> dict[str, Any]:
    return template(replicas=1)


def test_create_only_lists_come_from_the_schemas() -> None:
    created_only = schemas.create_only("AWS::ElastiCache::ReplicationGroup")
    assert "PreferredCacheClusterAZs" in created_only
    assert "NumCacheClusters" not in created_only
    assert "ReplicasPerNodeGroup" not in created_only
    assert "CacheParameterGroupName" in schemas.read_only("AWS::ElastiCache::ParameterGroup")


@pytest.mark.parametrize("replicas", [2, 5])
def test_changing_replicas_updates_in_place(one_replica: dict[str, Any], replicas: int) -> None:
    after = template(replicas=replicas)
    assert guard.replacements(one_replica, after) == []
    assert set(after["Resources"]) == set(one_replica["Resources"]), "no resource is added or removed"
    resources = after["Resources"]
    (group_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    assert resources[group_id]["Properties"]["NumCacheClusters"] == replicas + 1


def test_the_comparison_can_fail(one_replica: dict[str, Any]) -> None:
    """Renaming the subnet group replaces it, and with it the group that names it in a create-only
    property: the guard reports that, and that the group's fixed id forbids the replacement."""
    after = template(subnetGroupName="other-subnets")
    findings = guard.replacements(one_replica, after)
    assert [(f.action, f.property) for f in findings] == [
        ("replace", "CacheSubnetGroupName"),
        ("fail", "ReplicationGroupId"),
    ]
