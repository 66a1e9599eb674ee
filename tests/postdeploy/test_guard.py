"""The replacement guard on template pairs synthesized from the app, one setting changed at a time.

The pairs come from the reference replication group's stack; for what its context keys cannot
change (shards, an AUTH token, removal, a Memcached cluster) they are the synthesized template with
that one property edited, or a two-resource template for the cache-cluster rules.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postdeploy import cli, guard, schemas
from postdeploy.aws import Aws
from tests.postdeploy import stubs
from tests.postdeploy.conftest import Synthesize

REGION = "us-east-1"
GROUP = "AWS::ElastiCache::ReplicationGroup"
VERIFY = Path(sys.executable).parent / "elasticache-verify"


STACK = "ElastiCacheKit-ReplicationGroup"


def logical_id(template: dict[str, Any], resource_type: str = GROUP) -> str:
    (found,) = [str(k) for k, r in template["Resources"].items() if r["Type"] == resource_type]
    return found


def changes(findings: list[guard.Finding]) -> list[tuple[str, str, str, Any, Any]]:
    return [(f.logical_id, f.action, f.property, f.old, f.new) for f in findings]


@pytest.fixture(scope="module")
def base(synthesize: Synthesize) -> dict[str, dict[str, Any]]:
    return synthesize()


@pytest.fixture(scope="module")
def stack(base: dict[str, dict[str, Any]]) -> str:
    assert any(r["Type"] == GROUP for r in base[STACK]["Resources"].values())
    return STACK


def edited(template: dict[str, Any], **properties: Any) -> dict[str, Any]:
    """A copy of ``template`` with the replication group's properties changed (None removes one)."""
    copied = copy.deepcopy(template)
    props = copied["Resources"][logical_id(copied)]["Properties"]
    for name, value in properties.items():
        if value is None:
            props.pop(name, None)
        else:
            props[name] = value
    return copied


def test_redeploying_the_same_templates_blocks_nothing(base: dict[str, dict[str, Any]]) -> None:
    for template in base.values():
        assert guard.replacements(template, copy.deepcopy(template)) == []


def test_renaming_the_replication_group_replaces_it(
    base: dict[str, dict[str, Any]], stack: str, synthesize: Synthesize
) -> None:
    after = synthesize(replicationGroupId="other-redis")
    findings = guard.replacements(base[stack], after[stack])
    group = logical_id(after[stack])
    assert changes(findings) == [(group, "replace", "ReplicationGroupId", "app-redis", "other-redis")]
    assert findings[0].describe() == (
        f'{group} (AWS::ElastiCache::ReplicationGroup) would be replaced: ReplicationGroupId: "app-redis" -> '
        '"other-redis"; create-only property'
    )


def test_renaming_the_subnet_group_replaces_the_cache_whose_fixed_name_then_fails_the_update(
    base: dict[str, dict[str, Any]], stack: str, synthesize: Synthesize
) -> None:
    """The subnet group's name is create-only, so it is replaced; the group refers to it in its
    create-only CacheSubnetGroupName, so it is replaced too, which its custom id forbids."""
    after = synthesize(subnetGroupName="other-subnets")
    findings = guard.replacements(base[stack], after[stack])
    group = logical_id(after[stack])
    subnet_group = logical_id(after[stack], "AWS::ElastiCache::SubnetGroup")
    assert changes(findings) == [
        (group, "replace", "CacheSubnetGroupName", "app-redis-subnets", "other-subnets"),
        (group, "fail", "ReplicationGroupId", "app-redis", "app-redis"),
    ]
    assert findings[0].reason == (
        f"create-only property that refers to {subnet_group}, which is replaced for its CacheSubnetGroupName"
    )
    assert findings[1].reason.startswith("a custom-named resource cannot be replaced: CloudFormation fails the update")


def test_a_new_kms_key_replaces_the_cache(base: dict[str, dict[str, Any]], stack: str) -> None:
    before = base[stack]
    key = before["Resources"][logical_id(before)]["Properties"]["KmsKeyId"]["Fn::GetAtt"][0]
    after = copy.deepcopy(before)
    after["Resources"]["RotatedKey"] = after["Resources"].pop(key)
    after = edited(after, KmsKeyId={"Fn::GetAtt": ["RotatedKey", "Arn"]}, ReplicationGroupId="app-redis-2")
    assert changes(guard.replacements(before, after)) == [
        (
            logical_id(before),
            "replace",
            "KmsKeyId",
            {"Fn::GetAtt": [key, "Arn"]},
            {"Fn::GetAtt": ["RotatedKey", "Arn"]},
        ),
        (logical_id(before), "replace", "ReplicationGroupId", "app-redis", "app-redis-2"),
    ]


def test_removal_deletes_unless_retained(base: dict[str, dict[str, Any]], stack: str) -> None:
    before = base[stack]
    group = logical_id(before)
    after = copy.deepcopy(before)
    del after["Resources"][group]
    (finding,) = guard.replacements(before, after)
    assert (finding.action, finding.reason) == (
        "delete",
        "removed from the template (DeletionPolicy Snapshot), so CloudFormation deletes it",
    )
    retained = copy.deepcopy(before)
    retained["Resources"][group]["DeletionPolicy"] = "Retain"
    assert guard.replacements(retained, after) == []


def test_shard_count_needs_online_resharding(base: dict[str, dict[str, Any]], stack: str) -> None:
    before = edited(base[stack], NumCacheClusters=None, NumNodeGroups=2, ReplicasPerNodeGroup=1)
    after = edited(before, NumNodeGroups=3)
    group = logical_id(before)
    resharded, fixed_name = guard.replacements(before, after)
    assert (resharded.property, resharded.old, resharded.new, resharded.reason) == (
        "NumNodeGroups",
        2,
        3,
        "a shard change without UpdatePolicy UseOnlineResharding replaces the group",
    )
    # The reference group has a fixed id, so that replacement could not even happen.
    assert (fixed_name.action, fixed_name.property) == ("fail", "ReplicationGroupId")
    after["Resources"][group]["UpdatePolicy"] = {"UseOnlineResharding": True}
    assert guard.replacements(before, after) == []
    # Replicas alone change in place; with NodeGroupConfiguration present they replace.
    assert guard.replacements(before, edited(before, ReplicasPerNodeGroup=2)) == []
    shaped = edited(before, NodeGroupConfiguration=[{"NodeGroupId": "0001"}, {"NodeGroupId": "0002"}])
    assert changes(guard.replacements(shaped, edited(shaped, ReplicasPerNodeGroup=2)))[0] == (
        group,
        "replace",
        "ReplicasPerNodeGroup",
        1,
        2,
    )


def test_auth_token_added_replaces_and_rotated_does_not(base: dict[str, dict[str, Any]], stack: str) -> None:
    before = base[stack]
    token = "{{resolve:secretsmanager:token:SecretString:password::}}"
    with_token = edited(before, AuthToken=token, UserGroupIds=None)
    assert changes(guard.replacements(before, with_token)) == [
        (logical_id(before), "replace", "AuthToken", None, "(set)"),
        (logical_id(before), "fail", "ReplicationGroupId", "app-redis", "app-redis"),
    ]
    rotated = edited(with_token, AuthToken=token.replace("token", "token-v2"))
    assert guard.replacements(with_token, rotated) == []


def test_cluster_mode_moves_one_step_at_a_time(base: dict[str, dict[str, Any]], stack: str) -> None:
    before = base[stack]
    group = logical_id(before)
    mode = before["Resources"][group]["Properties"].get("ClusterMode", "disabled")
    assert mode == "disabled"
    compatible, enabled = edited(before, ClusterMode="compatible"), edited(before, ClusterMode="enabled")
    assert guard.replacements(before, compatible) == []
    assert guard.replacements(compatible, enabled) == []
    # ElastiCache refuses a skipped step or a step back: the update would fail, nothing is replaced.
    assert changes(guard.replacements(before, enabled)) == [(group, "fail", "ClusterMode", "disabled", "enabled")]
    assert changes(guard.replacements(enabled, compatible)) == [(group, "fail", "ClusterMode", "enabled", "compatible")]


def test_every_conditionally_create_only_property_has_a_rule() -> None:
    for resource_type in guard.STATEFUL_TYPES:
        assert schemas.conditional_create_only(resource_type) <= guard.DECIDED.get(resource_type, frozenset())


def test_a_conditional_property_without_a_rule_counts_as_create_only(
    base: dict[str, dict[str, Any]], stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if a newer cfn-lint listed the description as conditionally create-only: the guard fails closed.
    listed = schemas.conditional_create_only(GROUP)
    monkeypatch.setattr(
        schemas,
        "conditional_create_only",
        lambda type_name: listed | {"ReplicationGroupDescription"} if type_name == GROUP else frozenset(),
    )
    before = base[stack]
    after = edited(before, ReplicationGroupDescription="another description")
    group = logical_id(before)
    found = changes(guard.replacements(before, after))
    old = before["Resources"][group]["Properties"]["ReplicationGroupDescription"]
    assert (group, "replace", "ReplicationGroupDescription", old, "another description") in found


def test_allowed_findings_stay_listed(base: dict[str, dict[str, Any]], stack: str) -> None:
    after = edited(base[stack], Port=6380, ReplicationGroupId="app-redis-6380")
    group = logical_id(after)
    findings = guard.replacements(base[stack], after, frozenset({group}))
    assert [(f.property, f.allowed) for f in findings] == [("Port", True), ("ReplicationGroupId", True)]


def memcached(**properties: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Sessions": {
                "Type": "AWS::ElastiCache::CacheCluster",
                "DeletionPolicy": "Delete",
                "Properties": {"Engine": "memcached", "CacheNodeType": "cache.t4g.small", **properties},
            }
        }
    }


def test_memcached_zones_move_only_with_added_nodes() -> None:
    before = memcached(NumCacheNodes=2, PreferredAvailabilityZones=["us-east-1a", "us-east-1b"])
    grown = memcached(NumCacheNodes=3, PreferredAvailabilityZones=["us-east-1a", "us-east-1b", "us-east-1c"])
    moved = memcached(NumCacheNodes=2, PreferredAvailabilityZones=["us-east-1a", "us-east-1c"])
    assert guard.replacements(before, grown) == []
    assert changes(guard.replacements(before, moved)) == [
        (
            "Sessions",
            "replace",
            "PreferredAvailabilityZones",
            ["us-east-1a", "us-east-1b"],
            ["us-east-1a", "us-east-1c"],
        )
    ]
    named = {**moved["Resources"]["Sessions"]["Properties"], "ClusterName": "sessions"}
    named_before = {**before["Resources"]["Sessions"]["Properties"], "ClusterName": "sessions"}
    findings = guard.replacements(memcached(**named_before), memcached(**named))
    assert [(f.action, f.property) for f in findings] == [
        ("replace", "PreferredAvailabilityZones"),
        ("fail", "ClusterName"),
    ]


@pytest.fixture(scope="module")
def pair(base: dict[str, dict[str, Any]], stack: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("guard")
    before, after = folder / "deployed.template.json", folder / "synthesized.template.json"
    before.write_text(json.dumps(base[stack]))
    after.write_text(json.dumps(edited(base[stack], ReplicationGroupId="orders-cache")))
    return before, after


def guard_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VERIFY), "guard", *args], capture_output=True, text=True, timeout=120)


def test_guard_command_fails_the_pipeline_and_allow_acknowledges(pair: tuple[Path, Path]) -> None:
    before, after = pair
    blocked = guard_process("--template", str(after), "--previous", str(before))
    group = logical_id(json.loads(before.read_text()))
    assert (blocked.returncode, blocked.stderr) == (1, "")
    assert blocked.stdout.splitlines() == [
        f'BLOCKED  {group} (AWS::ElastiCache::ReplicationGroup) would be replaced: ReplicationGroupId: "app-redis" '
        '-> "orders-cache"; create-only property',
        f"guard against {before}: 1 change(s) would replace or delete a stateful cache, or make the update fail",
    ]
    allowed = guard_process("--template", str(after), "--previous", str(before), "--allow", group, "--allow", "Nope")
    assert allowed.returncode == 0
    assert allowed.stdout.splitlines()[1:] == [
        "note: --allow Nope matched no finding",
        f"guard against {before}: no stateful cache would be replaced or deleted (1 allowed with --allow)",
    ]
    assert guard_process("--template", str(after)).stderr == (
        "error: compare with one of --stack NAME (deployed) or --previous FILE\n"
    )


def test_guard_compares_with_the_deployed_template(aws: Aws, pair: tuple[Path, Path]) -> None:
    """moto's CloudFormation cannot create the CDK template (Fn::GetStackOutput), so GetTemplate
    answers through the Stubber, in the shape the CloudFormation model gives it."""
    before, after = pair
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn:
        cfn.add_response(
            "get_template",
            {"TemplateBody": before.read_text(), "StagesAvailable": ["Original", "Processed"]},
            {"StackName": "ElastiCacheKit-ReplicationGroup", "TemplateStage": "Original"},
        )
        result = CliRunner().invoke(
            cli.main,
            ["guard", "--template", str(after), "--stack", "ElastiCacheKit-ReplicationGroup", "--format", "json"],
        )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["against"] == f"stack ElastiCacheKit-ReplicationGroup in {REGION}"
    assert [(f["property"], f["old"], f["new"], f["allowed"]) for f in report["findings"]] == [
        ("ReplicationGroupId", "app-redis", "orders-cache", False)
    ]


def test_guard_of_a_stack_not_deployed_is_a_usage_error(aws: Aws, pair: tuple[Path, Path]) -> None:
    """Fail closed: with nothing deployed to compare with, the guard cannot say nothing is replaced."""
    _, after = pair
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn:
        cfn.add_client_error(
            "get_template",
            service_error_code="ValidationError",
            service_message="Stack with id ElastiCacheKit-Missing does not exist",
            http_status_code=400,
            expected_params={"StackName": "ElastiCacheKit-Missing", "TemplateStage": "Original"},
        )
        result = CliRunner().invoke(cli.main, ["guard", "--template", str(after), "--stack", "ElastiCacheKit-Missing"])
    assert result.exit_code == 2, result.output
    assert "ElastiCacheKit-Missing does not exist" in result.output
    assert "Traceback" not in result.output
