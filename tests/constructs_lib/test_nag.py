"""A consumer who adds cdk-nag to their own app sees our reasoned acknowledgments on the resources
the library creates, and no finding on them: the same result as our reference stacks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Validations

from constructs_lib import EngineVersion, ReplicationGroup
from stacks.compliance import add_compliance_packs
from tests.conftest import isolated_vpc, new_app


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    app = new_app()
    stack = cdk.Stack(app, "Consumer", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    vpc = isolated_vpc(stack)  # no flow logs: the consumer's own findings, outside our caches
    ReplicationGroup(stack, "Valkey", vpc=vpc, engine_version=EngineVersion.VALKEY_8_2, node_type="cache.r7g.large")
    ReplicationGroup(
        stack, "OldRedis", vpc=vpc, engine_version=EngineVersion.REDIS_5_0_6, node_type="cache.r7g.large", port=6380
    )
    add_compliance_packs(app)
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    path = re.search(r"found in: (\S+validation-report\.json)", str(raised.value))
    assert path is not None
    document: dict[str, Any] = json.loads(Path(path.group(1)).read_text())
    return document


def _paths(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["ruleName"], c["constructPath"]) for e in entries for c in e["violatingConstructs"]]


def test_no_finding_on_what_the_library_creates(report: dict[str, Any]) -> None:
    violations = [v for plugin in report["pluginReports"] for v in _paths(plugin["violations"])]
    assert violations, "the consumer's VPC without flow logs is flagged, so the packs did run"
    ours = [(rule, path) for rule, path in violations if path.startswith(("Consumer/Valkey", "Consumer/OldRedis"))]
    assert ours == []


def test_acknowledgments_travel_with_the_library(report: dict[str, Any]) -> None:
    suppressed = {
        (s["ruleName"], s["acknowledgedAt"], len(s["reason"].split()) >= 20)
        for plugin in report["pluginReports"]
        for s in plugin.get("suppressedViolations", [])
    }
    assert ("AwsSolutions-AEC6", "Consumer/Valkey/Resource", True) in suppressed
    # Generated credentials are rotated, so the rotation rules pass rather than being acknowledged;
    # the rotation function's unavoidable wildcards and its synchronous invocation are.
    assert not [s for s in suppressed if "Rotation" in s[0] or s[0].endswith("SMG4")]
    assert ("AwsSolutions-IAM5[Resource::*]", "Consumer/Valkey/CredentialRotation", True) in suppressed
    assert ("HIPAA.Security-LambdaDLQ", "Consumer/OldRedis/CredentialRotation", True) in suppressed


def test_without_rotation_the_rotation_rules_are_acknowledged() -> None:
    app = new_app()
    stack = cdk.Stack(app, "Unrotated", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    ReplicationGroup(
        stack,
        "Cache",
        vpc=isolated_vpc(stack),
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        credential_rotation=None,
    )
    app.synth()
    secret = stack.node.find_child("Cache").node.find_child("ApplicationUser").node.find_child("Secret")
    acknowledged = [m.data for m in secret.node.metadata if m.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY]
    assert any("AwsSolutions::AwsSolutions-SMG4" in entry for entry in acknowledged)
