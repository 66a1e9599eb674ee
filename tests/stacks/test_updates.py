"""A second synth after a change: what CloudFormation would replace and what it updates in place.

The create-only properties come from the CloudFormation schemas cfn-lint ships
(``postdeploy.schemas``), not from a list typed here.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

import app as cdk_app
from postdeploy import schemas
from tests.conftest import new_app

STACK = "ElastiCacheKit-ReplicationGroup"


def template(**context: Any) -> dict[str, Any]:
    app = cdk_app.build(new_app(nag=False, **context))
    stack = app.node.find_child(STACK)
    assert isinstance(stack, cdk.Stack)
    resources: dict[str, Any] = Template.from_stack(stack).to_json()["Resources"]
    return resources


STATEFUL = ("AWS::ElastiCache::", "AWS::KMS::Key", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup")


def replacements(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str]]:
    """(logical id, reason) for every stateful resource the update would replace or remove."""
    found = []
    for logical_id, old in before.items():
        if not old["Type"].startswith(STATEFUL):
            continue
        new = after.get(logical_id)
        if new is None:
            found.append((logical_id, "removed"))
            continue
        for prop in sorted(schemas.create_only(old["Type"])):
            top = prop.split(".")[0]
            if old.get("Properties", {}).get(top) != new.get("Properties", {}).get(top):
                found.append((logical_id, prop))
    return found


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
    assert replacements(one_replica, after) == []
    (group_id,) = [k for k, r in after.items() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    assert after[group_id]["Properties"]["NumCacheClusters"] == replicas + 1


def test_the_comparison_can_fail(one_replica: dict[str, Any]) -> None:
    """Renaming the subnet group is a create-only change: the comparison reports it."""
    after = template(subnetGroupName="other-subnets")
    (replaced,) = replacements(one_replica, after)
    assert replaced[1] == "CacheSubnetGroupName"
