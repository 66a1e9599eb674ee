"""The checker against moto in-process (mock_aws), for the ElastiCache and EC2 APIs moto implements."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from postdeploy.aws import Aws
from postdeploy.checks import Settings
from postdeploy.model import ResourceKind, Status
from postdeploy.runner import Account, Targets, verify
from tests.postdeploy.fleet import REGION, VARIANTS, build_network, create_fleet


def test_every_variant_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        elasticache = boto3.client("elasticache", region_name=REGION)
        build_network(boto3.client("ec2", region_name=REGION), elasticache)
        fleet = create_fleet(elasticache, len(VARIANTS))
        results = verify([Account(Aws(), (REGION,))], Targets(everything=True), Settings())
    statuses: dict[str, dict[str, Status]] = {}
    for result in results:
        if result.resource_type is ResourceKind.REPLICATION_GROUP or result.check_id == "inventory":
            statuses.setdefault(result.resource_id, {})[result.check_id] = result.status
    for group_id, variant in fleet.items():
        assert statuses[group_id] == variant.statuses(), variant.name
    # In-process, moto raises NotImplementedError for what it lacks; the tool reports it as ERROR.
    engine = next(r for r in results if r.check_id == "engine-version-supported")
    assert engine.message.endswith(
        "DescribeCacheEngineVersions in us-east-1 failed: "
        "NotImplementedError: The describe_cache_engine_versions action has not been implemented"
    )
    assert statuses["*"] == {"inventory": Status.ERROR}
