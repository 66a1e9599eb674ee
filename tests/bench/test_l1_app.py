"""The benchmark's baseline must build what the reference app builds, or its ratio means nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

import app as cdk_app
from bench import l1_app
from tests.conftest import new_app


def resources(app: cdk.App) -> list[dict[str, Any]]:
    stacks = [child for child in app.node.children if isinstance(child, cdk.Stack)]
    return [r for s in stacks for r in Template.from_stack(s).to_json()["Resources"].values()]


def test_l1_app_creates_the_same_resources() -> None:
    baseline = new_app()
    network = l1_app.Network(baseline, "L1-Network", env=cdk.Environment(region=l1_app.REGION))
    l1_app.Cache(baseline, "L1-ReplicationGroup", env=cdk.Environment(region=l1_app.REGION), network=network)
    l1_app.Serverless(baseline, "L1-Serverless", env=cdk.Environment(region=l1_app.REGION), network=network)
    l1_app.Memcached(baseline, "L1-Memcached", env=cdk.Environment(region=l1_app.REGION), network=network)
    reference = cdk_app.build(new_app(nag=False, region=l1_app.REGION))

    l1, ours = resources(baseline), resources(reference)
    assert Counter(r["Type"] for r in l1) == Counter(r["Type"] for r in ours)

    def group(resources: list[dict[str, Any]]) -> dict[str, Any]:
        (found,) = [r for r in resources if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
        return found

    l1_group, our_group = group(l1), group(ours)
    assert set(l1_group["Properties"]) == set(our_group["Properties"])
    for key in ("Engine", "EngineVersion", "CacheNodeType", "NumCacheClusters", "SnapshotWindow", "Tags"):
        assert l1_group["Properties"][key] == our_group["Properties"][key]
    assert (l1_group["DeletionPolicy"], l1_group["UpdateReplacePolicy"]) == ("Snapshot", "Snapshot")
