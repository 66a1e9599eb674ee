"""Parameter groups: family from engine version, typed settings, and their validation."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from constructs_lib import ElastiCacheValidationError, EngineVersion, EvictionPolicy, ParameterGroup, ValidationIssue
from tests.conftest import Sandbox, logical_id, new_app

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
}


class Built:
    def __init__(self) -> None:
        stack = cdk.Stack(new_app(), "Groups")
        self.groups = {v: ParameterGroup(stack, v.name, engine_version=v) for v in EngineVersion}
        self.policies = {
            p: ParameterGroup(stack, f"Policy{p.name}", engine_version=EngineVersion.VALKEY_9_1, eviction_policy=p)
            for p in EvictionPolicy
        }
        self.named = ParameterGroup(
            stack,
            "Named",
            engine_version=EngineVersion.REDIS_7_0,
            parameter_group_name="app-redis7",
            description="App parameters",
            reserved_memory_percent=0,
            parameters={"activedefrag": "yes"},
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


def test_all_eight_eviction_policies(built: Built) -> None:
    written = {p: built.props(g)["Properties"]["maxmemory-policy"] for p, g in built.policies.items()}
    assert written == {
        EvictionPolicy.VOLATILE_LRU: "volatile-lru",
        EvictionPolicy.ALLKEYS_LRU: "allkeys-lru",
        EvictionPolicy.VOLATILE_LFU: "volatile-lfu",
        EvictionPolicy.ALLKEYS_LFU: "allkeys-lfu",
        EvictionPolicy.VOLATILE_RANDOM: "volatile-random",
        EvictionPolicy.ALLKEYS_RANDOM: "allkeys-random",
        EvictionPolicy.VOLATILE_TTL: "volatile-ttl",
        EvictionPolicy.NOEVICTION: "noeviction",
    }


def test_name_description_and_extra_parameters(built: Built) -> None:
    assert built.props(built.named) == {
        "CacheParameterGroupFamily": "redis7",
        "CacheParameterGroupName": "app-redis7",
        "Description": "App parameters",
        "Properties": {"maxmemory-policy": "volatile-lru", "activedefrag": "yes", "reserved-memory-percent": "0"},
    }


def test_engine_version_lookup() -> None:
    assert EngineVersion.of("valkey", "8.2") is EngineVersion.VALKEY_8_2
    assert EngineVersion.of("redis", "7.0") is EngineVersion.REDIS_7_0
    with pytest.raises(ElastiCacheValidationError) as raised:
        EngineVersion.of("valkey", "7.0")
    (issue,) = raised.value.issues
    assert (issue.path, issue.prop, issue.given) == ("EngineVersion.of", "engine and version", "valkey 7.0")
    assert issue.allowed.startswith("one of redis 4.0.10, redis 5.0.6, redis 6.0")
    assert issue.allowed.endswith("valkey 9.0, valkey 9.1")


def expect(sandbox: Sandbox, prop: str, allowed: str, given: object, **props: Any) -> None:
    construct_id = sandbox.next_id()
    with pytest.raises(ElastiCacheValidationError) as raised:
        ParameterGroup(sandbox.stack, construct_id, **{"engine_version": EngineVersion.VALKEY_8_2, **props})
    assert ValidationIssue(f"Sandbox/{construct_id}", prop, allowed, given) in raised.value.issues, str(raised.value)
    assert sandbox.stack.node.find_child(construct_id).node.children == []


@pytest.mark.parametrize("percent", [-1, 101, "25", 25.0])
def test_reserved_memory_percent_range(sandbox: Sandbox, percent: object) -> None:
    expect(sandbox, "reserved_memory_percent", "a whole number from 0 to 100", percent, reserved_memory_percent=percent)


@pytest.mark.parametrize(
    ("name", "prop"), [("maxmemory-policy", "eviction_policy"), ("reserved-memory-percent", "reserved_memory_percent")]
)
def test_typed_settings_not_in_free_form_parameters(sandbox: Sandbox, name: str, prop: str) -> None:
    expect(sandbox, f"parameters[{name!r}]", f"set through the {prop} property", "1", parameters={name: "1"})


def test_parameter_names(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "parameters",
        "keyed by engine parameter names such as 'notify-keyspace-events'",
        "Notify Keyspace",
        parameters={"Notify Keyspace": "Ex"},
    )


def test_parameter_values_are_strings(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "parameters['timeout']",
        "a string, the form ElastiCache stores parameter values in",
        300,
        parameters={"timeout": 300},
    )


def test_parameter_group_name_format(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "parameter_group_name",
        "1-255 letters, digits or hyphens, starting with a letter, not ending with a hyphen and without two "
        "consecutive hyphens",
        "app--params",
        parameter_group_name="app--params",
    )


def test_engine_version_and_policy_are_typed(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "engine_version",
        "an EngineVersion member, for example EngineVersion.VALKEY_8_2",
        "valkey8",
        engine_version="valkey8",
    )
    expect(
        sandbox,
        "eviction_policy",
        "an EvictionPolicy member: VOLATILE_LRU, ALLKEYS_LRU, VOLATILE_LFU, ALLKEYS_LFU, VOLATILE_RANDOM, "
        "ALLKEYS_RANDOM, VOLATILE_TTL, NOEVICTION",
        "lru",
        eviction_policy="lru",
    )
