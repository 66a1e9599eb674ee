"""One removal policy for the whole family a cache creates."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from constructs_lib import CacheAuth, EngineVersion, ReplicationGroup
from tests.conftest import isolated_vpc, new_app

FAMILY = (
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::ElastiCache::ParameterGroup",
    "AWS::ElastiCache::User",
    "AWS::ElastiCache::UserGroup",
    "AWS::EC2::SecurityGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::Logs::LogGroup",
)


def policies(policy: cdk.RemovalPolicy, **props: Any) -> dict[str, set[tuple[str, str]]]:
    stack = cdk.Stack(new_app(), "Family")
    ReplicationGroup(
        stack,
        "Cache",
        vpc=isolated_vpc(stack),
        engine_version=EngineVersion.REDIS_7_1,
        node_type="cache.r7g.large",
        removal_policy=policy,
        **props,
    )
    found: dict[str, set[tuple[str, str]]] = {}
    for resource in Template.from_stack(stack).to_json()["Resources"].values():
        if resource["Type"] in FAMILY:
            pair = (resource.get("DeletionPolicy", "Delete"), resource.get("UpdateReplacePolicy", "Delete"))
            found.setdefault(resource["Type"], set()).add(pair)
    return found


@pytest.mark.parametrize(
    ("policy", "cache", "key", "others"),
    [
        (cdk.RemovalPolicy.RETAIN, "Retain", "Retain", "Retain"),
        (cdk.RemovalPolicy.DESTROY, "Delete", "Delete", "Delete"),
        (cdk.RemovalPolicy.SNAPSHOT, "Snapshot", "Retain", "Delete"),
    ],
)
def test_the_whole_family_follows_the_policy(policy: cdk.RemovalPolicy, cache: str, key: str, others: str) -> None:
    found = policies(policy)
    assert set(found) == set(FAMILY), "every member of the family is in the template"
    assert found.pop("AWS::ElastiCache::ReplicationGroup") == {(cache, cache)}
    assert found.pop("AWS::KMS::Key") == {(key, key)}
    assert found.pop("AWS::Logs::LogGroup") == {(key, key)}, "logs are kept like the key unless destroyed"
    for type_name, pairs in found.items():
        assert pairs == {(others, others)}, type_name


def test_generated_token_secret_follows_too() -> None:
    found = policies(cdk.RemovalPolicy.RETAIN, auth=CacheAuth.generated_token())
    assert found["AWS::SecretsManager::Secret"] == {("Retain", "Retain")}
    assert "AWS::ElastiCache::UserGroup" not in found
