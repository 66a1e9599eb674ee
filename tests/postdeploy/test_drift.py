"""Drift between the reference stack's synthesized template and what the API reports.

moto's CloudFormation creates no ElastiCache resources from a template and moto has no parameter
groups, so the stack's resources and ElastiCache's answers come from botocore's Stubber.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from postdeploy import cli
from postdeploy.aws import Aws
from tests.postdeploy import stubs
from tests.postdeploy.conftest import Synthesize

REGION = "us-east-1"
STACK = "ElastiCacheKit-ReplicationGroup"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, synthesize: Synthesize) -> Path:
    """The reference stack as `cdk synth` writes it."""
    path = tmp_path_factory.mktemp("cdk.out") / f"{STACK}.template.json"
    path.write_text(json.dumps(synthesize()[STACK]))
    return path


def physical_ids(template: Path) -> dict[str, str]:
    names = {
        "AWS::ElastiCache::ReplicationGroup": "app-redis",
        "AWS::ElastiCache::ParameterGroup": "app-redis7",
        "AWS::ElastiCache::SubnetGroup": "app-redis-subnets",
        "AWS::KMS::Key": KEY_ID,
        "AWS::EC2::SecurityGroup": "sg-0123456789abcdef0",
        "AWS::ElastiCache::UserGroup": "app-redis-users",
    }
    resources = json.loads(template.read_text())["Resources"]
    return {logical: names.get(r["Type"], f"physical-{logical}") for logical, r in resources.items()}


def deployed(
    template: Path, stubber_cfn: Any, stubber: Any, *, group: dict[str, Any], member: dict[str, Any], policy: str
) -> None:
    resources = json.loads(template.read_text())["Resources"]
    stubber_cfn.add_response(
        "list_stack_resources",
        {
            "StackResourceSummaries": [
                {
                    "LogicalResourceId": logical,
                    "PhysicalResourceId": physical,
                    "ResourceType": resources[logical]["Type"],
                    "LastUpdatedTimestamp": stubs.CREATED,
                    "ResourceStatus": "CREATE_COMPLETE",
                }
                for logical, physical in physical_ids(template).items()
            ]
        },
        {"StackName": STACK},
    )
    # Template order: the parameter group comes before the replication group.
    stubber.add_response("describe_cache_parameters", stubs.parameters(**{"maxmemory-policy": policy}))
    stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
    stubber.add_response("describe_cache_clusters", {"CacheClusters": stubs.members_of(group, **member)})


def as_deployed(**overrides: Any) -> dict[str, Any]:
    reference = {
        "Engine": "redis",
        "CacheNodeType": "cache.r6g.large",
        "SnapshotRetentionLimit": 15,
        "SnapshotWindow": "01:00-02:00",
        "KmsKeyId": f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}",
        "AuthTokenEnabled": False,
        "UserGroupIds": ["app-redis-users"],
    }
    group = stubs.replication_group("app-redis", **{**reference, **overrides})
    group["NodeGroups"][0]["PrimaryEndpoint"] = {
        "Address": "master.app-redis.abc.use1.cache.amazonaws.com",
        "Port": 6379,
    }
    return group


MEMBER = {
    "Engine": "redis",
    "EngineVersion": "7.0.7",
    "PreferredMaintenanceWindow": "sun:03:00-sun:04:00",
    "CacheParameterGroup": {"CacheParameterGroupName": "app-redis7"},
}


def drift(template: Path, *args: str) -> Result:
    return CliRunner().invoke(cli.main, ["drift", "--stack", STACK, "--template", str(template), *args])


def test_no_drift_when_everything_matches(aws: Aws, template: Path) -> None:
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn, stubs.stubbed(aws, "elasticache", REGION) as ec:
        deployed(template, cfn, ec, group=as_deployed(), member=MEMBER, policy="allkeys-lru")
        result = drift(template)
    assert (result.exit_code, result.stdout) == (0, f"no drift: stack {STACK} matches its template\n"), result.output


def test_every_difference_is_listed(aws: Aws, template: Path) -> None:
    group = as_deployed(CacheNodeType="cache.r6g.xlarge", SnapshotRetentionLimit=0, TransitEncryptionMode="preferred")
    member = {**MEMBER, "PreferredMaintenanceWindow": "mon:10:00-mon:11:00", "EngineVersion": "7.1.0"}
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn, stubs.stubbed(aws, "elasticache", REGION) as ec:
        deployed(template, cfn, ec, group=group, member=member, policy="volatile-lru")
        result = drift(template, "--format", "json")
    assert result.exit_code == 1, result.output
    differences = {
        (d["physical_id"], d["setting"]): (d["template"], d["deployed"])
        for d in json.loads(result.stdout)["differences"]
    }
    assert differences == {
        ("app-redis7", "Properties.maxmemory-policy"): ("allkeys-lru", "volatile-lru"),
        ("app-redis", "SnapshotRetentionLimit"): (15, 0),
        ("app-redis", "TransitEncryptionMode"): ("required", "preferred"),
        ("app-redis", "CacheNodeType"): ("cache.r6g.large", "cache.r6g.xlarge"),
        ("app-redis", "EngineVersion"): ("7.0", "7.1.0"),
        ("app-redis", "PreferredMaintenanceWindow"): ("sun:03:00-sun:04:00", "mon:10:00-mon:11:00"),
    }


def test_table_names_resource_setting_and_both_values(aws: Aws, template: Path) -> None:
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn, stubs.stubbed(aws, "elasticache", REGION) as ec:
        deployed(template, cfn, ec, group=as_deployed(UserGroupIds=[]), member=MEMBER, policy="allkeys-lru")
        result = drift(template)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"1 difference(s) in stack {STACK}:"
    assert lines[1].endswith("(app-redis): UserGroupIds is [], template says ['app-redis-users']")


def test_missing_stack_is_a_usage_error(aws: Aws, template: Path) -> None:
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn:
        cfn.add_client_error("list_stack_resources", "ValidationError", f"Stack with id {STACK} does not exist", 400)
        result = drift(template)
    assert result.exit_code == 2
    assert result.stderr == f"error: stack {STACK} in {REGION}: ValidationError: Stack with id {STACK} does not exist\n"


def test_unreadable_template_is_a_usage_error(aws: Aws, tmp_path: Path) -> None:
    broken = tmp_path / "broken.template.json"
    broken.write_text("{not json")
    result = drift(broken)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: cannot parse template {broken}: did not find expected ',' or '}}'\n"


def test_without_template_compares_with_what_the_stack_deployed(aws: Aws, template: Path) -> None:
    """No --template: CloudFormation GetTemplate supplies the deployed one (JSON comes back decoded)."""
    group = as_deployed(SnapshotRetentionLimit=1)
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn, stubs.stubbed(aws, "elasticache", REGION) as ec:
        cfn.add_response(
            "get_template",
            {"TemplateBody": template.read_text(), "StagesAvailable": ["Original", "Processed"]},
            {"StackName": STACK, "TemplateStage": "Original"},
        )
        deployed(template, cfn, ec, group=group, member=MEMBER, policy="allkeys-lru")
        result = CliRunner().invoke(cli.main, ["drift", "--stack", STACK, "--format", "json"])
    assert result.exit_code == 1, result.output
    (difference,) = json.loads(result.stdout)["differences"]
    assert (difference["setting"], difference["template"], difference["deployed"]) == ("SnapshotRetentionLimit", 15, 1)


def test_a_yaml_template_is_read_too(aws: Aws, template: Path, tmp_path: Path) -> None:
    resources = json.loads(template.read_text())["Resources"]
    (logical_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    yaml_template = tmp_path / "stack.yaml"
    yaml_template.write_text(
        f"Resources:\n  {logical_id}:\n    Type: AWS::ElastiCache::ReplicationGroup\n"
        "    Properties:\n      SnapshotRetentionLimit: 3\n      KmsKeyId: !Ref SomeKey\n"
    )
    with stubs.stubbed(aws, "cloudformation", REGION) as cfn, stubs.stubbed(aws, "elasticache", REGION) as ec:
        cfn.add_response(
            "list_stack_resources",
            {
                "StackResourceSummaries": [
                    {
                        "LogicalResourceId": logical_id,
                        "PhysicalResourceId": "app-redis",
                        "ResourceType": "AWS::ElastiCache::ReplicationGroup",
                        "LastUpdatedTimestamp": stubs.CREATED,
                        "ResourceStatus": "CREATE_COMPLETE",
                    }
                ]
            },
        )
        group = as_deployed()
        ec.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        ec.add_response("describe_cache_clusters", {"CacheClusters": stubs.members_of(group, **MEMBER)})
        result = drift(yaml_template, "--format", "json")
    assert result.exit_code == 1, result.output
    found = {d["setting"]: (d["template"], d["deployed"]) for d in json.loads(result.stdout)["differences"]}
    # !Ref SomeKey names no resource of the stack, so the key cannot be compared; the rest can.
    assert found["SnapshotRetentionLimit"] == (3, 15)
    assert "KmsKeyId" not in found


def test_drift_acts_in_one_region(aws: Aws, template: Path) -> None:
    result = drift(template, "--region", "us-east-1", "--region", "eu-west-1")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: drift acts in one region; got --region us-east-1 --region eu-west-1\n",
    )
