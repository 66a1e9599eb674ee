"""The benchmark's baseline must build what the reference app builds, or its ratio means nothing.

Each app is synthesized once for the module; the stacks are paired by name (``L1-<name>`` with
``ElastiCacheKit-<name>``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest

import app as cdk_app
from bench import l1_app
from tests.conftest import new_app

Resource = dict[str, Any]
POLICIES = ("DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy")


@dataclass(frozen=True)
class Synthesized:
    region: str
    dependencies: frozenset[str]
    resources: list[Resource]
    outputs: int

    def of_type(self, type: str) -> list[Resource]:
        return [r for r in self.resources if r["Type"] == type]

    def one(self, type: str) -> Resource:
        (found,) = self.of_type(type)
        return found


def synthesize(app: cdk.App, prefix: str) -> dict[str, Synthesized]:
    """Each stack of ``app`` by its name without ``prefix-``."""

    def short(name: str) -> str:
        assert name.startswith(f"{prefix}-"), name
        return name.removeprefix(f"{prefix}-")

    stacks = {}
    for stack in app.synth().stacks:
        template = stack.template
        stacks[short(stack.stack_name)] = Synthesized(
            region=stack.environment.region,
            dependencies=frozenset(short(d.id) for d in stack.dependencies if not d.id.endswith(".assets")),
            resources=list(template["Resources"].values()),
            outputs=len([k for k in template.get("Outputs", {}) if not k.startswith("PublishOutput")]),
        )
    return stacks


@pytest.fixture(scope="module")
def baseline() -> dict[str, Synthesized]:
    return synthesize(l1_app.build(new_app()), l1_app.PREFIX)


@pytest.fixture(scope="module")
def reference() -> dict[str, Synthesized]:
    return synthesize(cdk_app.build(new_app(nag=False, region=l1_app.REGION)), "ElastiCacheKit")


def test_same_stacks_in_the_same_regions_and_order(
    baseline: dict[str, Synthesized], reference: dict[str, Synthesized]
) -> None:
    assert set(baseline) == set(reference)
    for name, ours in reference.items():
        assert (baseline[name].region, baseline[name].dependencies) == (ours.region, ours.dependencies), name
        assert baseline[name].outputs == ours.outputs, name


def test_l1_app_creates_the_same_resources(baseline: dict[str, Synthesized], reference: dict[str, Synthesized]) -> None:
    """Per stack: the same number of resources of each type, with the same property names and
    deletion, replacement and update policies."""

    def shapes(stack: Synthesized) -> Counter[tuple[str, ...]]:
        return Counter(
            (r["Type"], *sorted(r.get("Properties", {})), *(f"{p}={r.get(p)}" for p in POLICIES))
            for r in stack.resources
        )

    types = {
        name: (Counter(r["Type"] for r in baseline[name].resources), Counter(r["Type"] for r in ours.resources))
        for name, ours in reference.items()
    }
    assert {name: pair for name, pair in types.items() if pair[0] != pair[1]} == {}
    for name, ours in reference.items():
        l1, reference_shapes = shapes(baseline[name]), shapes(ours)
        assert (l1 - reference_shapes, reference_shapes - l1) == (Counter(), Counter()), name


@pytest.mark.parametrize(
    ("stack", "type", "keys"),
    [
        (
            "ReplicationGroup",
            "AWS::ElastiCache::ReplicationGroup",
            (
                "ReplicationGroupId",
                "Engine",
                "EngineVersion",
                "CacheNodeType",
                "NumCacheClusters",
                "TransitEncryptionMode",
                "AtRestEncryptionEnabled",
                "MultiAZEnabled",
                "SnapshotWindow",
                "SnapshotRetentionLimit",
                "Tags",
            ),
        ),
        (
            "Sharded",
            "AWS::ElastiCache::ReplicationGroup",
            ("Engine", "EngineVersion", "CacheNodeType", "ClusterMode", "NumNodeGroups", "ReplicasPerNodeGroup"),
        ),
        (
            "GlobalPrimary",
            "AWS::ElastiCache::ReplicationGroup",
            ("Engine", "EngineVersion", "CacheNodeType", "NumCacheClusters", "TransitEncryptionMode"),
        ),
        ("GlobalSecondary", "AWS::ElastiCache::ReplicationGroup", ("NumCacheClusters",)),
        ("GlobalPrimary", "AWS::ElastiCache::GlobalReplicationGroup", ()),
        (
            "Serverless",
            "AWS::ElastiCache::ServerlessCache",
            ("Engine", "MajorEngineVersion", "CacheUsageLimits", "SnapshotRetentionLimit", "DailySnapshotTime"),
        ),
        (
            "Memcached",
            "AWS::ElastiCache::CacheCluster",
            ("Engine", "EngineVersion", "CacheNodeType", "NumCacheNodes", "AZMode", "Port", "TransitEncryptionEnabled"),
        ),
        ("ReplicationGroup", "AWS::ElastiCache::UserGroup", ("Engine",)),
        ("Sharded", "AWS::ElastiCache::UserGroup", ("Engine",)),
        ("Serverless", "AWS::ElastiCache::UserGroup", ("Engine",)),
        # The rotation function: the same bundled asset, hence the same S3 key.
        ("Sharded", "AWS::Lambda::Function", ("Code", "Handler", "Runtime", "Timeout", "ReservedConcurrentExecutions")),
    ],
)
def test_key_properties(
    baseline: dict[str, Synthesized], reference: dict[str, Synthesized], stack: str, type: str, keys: tuple[str, ...]
) -> None:
    l1, ours = baseline[stack].one(type), reference[stack].one(type)
    assert set(l1["Properties"]) == set(ours["Properties"])
    assert {k: l1["Properties"][k] for k in keys} == {k: ours["Properties"][k] for k in keys}
    assert {p: l1.get(p) for p in POLICIES} == {p: ours.get(p) for p in POLICIES}
    if type == "AWS::ElastiCache::UserGroup":
        assert len(l1["Properties"]["UserIds"]) == len(ours["Properties"]["UserIds"])


def test_the_same_users(baseline: dict[str, Synthesized], reference: dict[str, Synthesized]) -> None:
    def users(stacks: dict[str, Synthesized]) -> Counter[tuple[str, ...]]:
        return Counter(
            (name, p["Engine"], p["UserName"], p["AccessString"], p["AuthenticationMode"]["Type"])
            for name, stack in stacks.items()
            for p in (r["Properties"] for r in stack.of_type("AWS::ElastiCache::User"))
        )

    assert users(baseline) == users(reference)


def test_the_secondary_joins_the_datastore_of_the_primary(
    baseline: dict[str, Synthesized], reference: dict[str, Synthesized]
) -> None:
    for stacks in (baseline, reference):
        datastore = stacks["GlobalPrimary"].one("AWS::ElastiCache::GlobalReplicationGroup")["Properties"]
        secondary = stacks["GlobalSecondary"].one("AWS::ElastiCache::ReplicationGroup")["Properties"]
        (member,) = datastore["Members"]
        assert (member["Role"], member["ReplicationGroupRegion"]) == ("PRIMARY", l1_app.REGION)
        assert secondary["GlobalReplicationGroupId"] == f"ldgnf-{datastore['GlobalReplicationGroupIdSuffix']}"
    assert baseline["GlobalSecondary"].region == l1_app.SECONDARY_REGION


def test_inline_code_fits_cloudformation() -> None:
    """``ZipFile`` holds at most 4,096 characters."""
    assert len(l1_app.RESTRICT_DEFAULT_SG) <= 4096
