"""Parameter groups: family from engine version, typed settings, cluster mode and imports.
Negative cases live with every other rule in test_validation.py."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from constructs_lib import EngineVersion, EvictionPolicy, ParameterGroup
from constructs_lib.parameter_group import IParameterGroup
from tests.conftest import logical_id, new_app

FAMILIES = {
    EngineVersion.REDIS_4_0_10: "redis4.0",
    EngineVersion.REDIS_5_0_6: "redis5.0",
    EngineVersion.REDIS_6_0: "redis6.x",
    EngineVersion.REDIS_6_2: "redis6.x",
    EngineVersion.REDIS_7_0: "redis7",
    EngineVersion.REDIS_7_1: "redis7",
    EngineVersion.VALKEY_7_2: "valkey7",
    EngineVersion.VALKEY_8_0: "valkey8",
    EngineVersion.VALKEY_8_1: "valkey8",
    EngineVersion.VALKEY_8_2: "valkey8",
    EngineVersion.VALKEY_9_0: "valkey9",
    EngineVersion.VALKEY_9_1: "valkey9",
    **{v: f"memcached{v.version.rsplit('.', 1)[0]}" for v in EngineVersion if v.engine.value == "memcached"},
}


class Built:
    def __init__(self) -> None:
        stack = cdk.Stack(new_app(), "Groups")
        self.groups = {v: ParameterGroup(stack, v.name, engine_version=v) for v in EngineVersion}
        self.policies = {
            p: ParameterGroup(stack, f"Policy{p.name}", engine_version=EngineVersion.VALKEY_9_1, eviction_policy=p)
            for p in EvictionPolicy
        }
        self.described = ParameterGroup(
            stack,
            "Described",
            engine_version=EngineVersion.REDIS_7_0,
            description="App parameters",
            reserved_memory_percent=0,
            parameters={"activedefrag": "yes"},
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.clustered = ParameterGroup(
            stack, "Clustered", engine_version=EngineVersion.VALKEY_8_2, cluster_enabled=True
        )
        self.imported = ParameterGroup.from_parameter_group_name(
            stack,
            "Imported",
            "default.valkey8.cluster.on",
            engine_version=EngineVersion.VALKEY_8_2,
            cluster_enabled=True,
        )
        self.stack = stack
        self.resources = Template.from_stack(stack).to_json()["Resources"]

    def props(self, group: ParameterGroup) -> dict[str, Any]:
        props: dict[str, Any] = self.resources[logical_id(group)]["Properties"]
        return props


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_every_version_has_the_family_elasticache_expects(built: Built) -> None:
    assert set(FAMILIES) == set(EngineVersion)
    for version, family in FAMILIES.items():
        assert built.props(built.groups[version])["CacheParameterGroupFamily"] == family
        assert built.groups[version].family == family


def test_families_are_ones_cloudformation_accepts(built: Built) -> None:
    """Every family but valkey9 is in CreateCacheParameterGroup's documented list (botocore)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("elasticache")
    shape = model.operation_model("CreateCacheParameterGroup").input_shape
    assert shape is not None
    documented = shape.members["CacheParameterGroupFamily"].documentation
    for family in {f for f in FAMILIES.values() if f != "valkey9"}:
        assert f"<code>{family}</code>" in documented, family


def test_all_eight_eviction_policies(built: Built) -> None:
    written = {p: built.props(g)["Properties"]["maxmemory-policy"] for p, g in built.policies.items()}
    assert written == {p: p.value for p in EvictionPolicy}


def test_memcached_groups_carry_no_redis_settings(built: Built) -> None:
    assert built.props(built.groups[EngineVersion.MEMCACHED_1_6_22])["Properties"] == {}


def test_description_extra_parameters_and_no_name(built: Built) -> None:
    assert built.props(built.described) == {
        "CacheParameterGroupFamily": "redis7",
        "Description": "App parameters",
        "Properties": {"maxmemory-policy": "volatile-lru", "activedefrag": "yes", "reserved-memory-percent": "0"},
    }
    assert built.resources[logical_id(built.described)]["DeletionPolicy"] == "Retain"


def test_cluster_enabled(built: Built) -> None:
    assert built.props(built.clustered)["Properties"] == {"maxmemory-policy": "volatile-lru", "cluster-enabled": "yes"}
    assert built.clustered.cluster_enabled


def test_import_by_name(built: Built) -> None:
    assert isinstance(built.imported, IParameterGroup)
    assert built.imported.parameter_group_name == "default.valkey8.cluster.on"
    assert built.imported.family == "valkey8"
    assert built.imported.cluster_enabled


def test_engine_versions_are_the_ones_cfn_lint_accepts() -> None:
    import cfnlint  # type: ignore[import-untyped]

    schema = json.loads(
        resources.files(cfnlint)
        .joinpath("data", "schemas", "extensions", "aws_elasticache_cachecluster", "engine_version.json")
        .read_text()
    )
    accepted = {
        rule["if"]["properties"]["Engine"]["const"]: set(rule["then"]["properties"]["EngineVersion"]["enum"])
        for rule in schema["allOf"]
        if "const" in rule["if"]["properties"]["Engine"]
    }
    ours = {engine: {v.version for v in EngineVersion if v.engine.value == engine} for engine in accepted}
    assert ours == accepted
