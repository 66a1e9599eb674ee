"""The reference serverless Valkey cache, as `cdk synth` builds it (cdk.json context): in the network
stack's VPC, the application's security group allowed in, a user group.

``tests/test_cli_synth.py`` runs the real CLI, the four cdk-nag packs and cfn-lint over this stack
with the others; here the app is built once for the module.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Validations
from aws_cdk.assertions import Template

import app as cdk_app
from stacks.network_stack import NetworkStack
from stacks.serverless_stack import ServerlessStack
from tests.conftest import get_att, new_app, ref


class Built:
    def __init__(self) -> None:
        # The packs are off here: test_cli_synth.py runs them (and cfn-lint) over the real synth, and
        # test_replication_group_stack.py's app synthesis with them on includes this stack.
        app = cdk_app.build(new_app(nag=False))
        self.network: NetworkStack = app.node.find_child("ElastiCacheKit-Network")  # type: ignore[assignment]
        self.stack: ServerlessStack = app.node.find_child("ElastiCacheKit-Serverless")  # type: ignore[assignment]
        self.resources: dict[str, Any] = Template.from_stack(self.stack).to_json()["Resources"]

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [r for r in self.resources.values() if r["Type"] == type_name]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_the_stack_has_the_cache_its_family_rotation_and_alarms_only(built: Built) -> None:
    assert sorted(r["Type"] for r in built.resources.values()) == [
        *["AWS::CloudWatch::Alarm"] * 4,
        "AWS::CloudWatch::Dashboard",
        *["AWS::EC2::SecurityGroup"] * 2,  # the cache's, the rotation function's
        *["AWS::EC2::SecurityGroupEgress"] * 2,
        *["AWS::EC2::SecurityGroupIngress"] * 2,
        "AWS::ElastiCache::ServerlessCache",
        "AWS::ElastiCache::User",
        "AWS::ElastiCache::UserGroup",
        "AWS::Events::Rule",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::Role",
        "AWS::KMS::Key",
        "AWS::KMS::Key",
        "AWS::Lambda::Function",
        "AWS::Lambda::Permission",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SecretsManager::ResourcePolicy",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::SecretsManager::Secret",
    ]
    assert built.network in built.stack.dependencies


def test_a_valkey_cache_with_a_user_group_in_the_network_stacks_private_subnets(built: Built) -> None:
    (cache,) = built.of_type("AWS::ElastiCache::ServerlessCache")
    props = cache["Properties"]
    assert (props["Engine"], props["MajorEngineVersion"]) == ("valkey", "8")
    assert props["UserGroupId"] == ref(built.stack.cache.user_group)  # type: ignore[arg-type]
    assert props["KmsKeyId"] == get_att(built.stack.cache.encryption_key, "Arn")
    assert len(props["SubnetIds"]) == 2
    assert all("VpccacheSubnet" in str(subnet) for subnet in props["SubnetIds"]), "the network stack's isolated subnets"
    assert props["CacheUsageLimits"]["DataStorage"]["Maximum"] == 10
    assert (props["SnapshotRetentionLimit"], props["DailySnapshotTime"]) == (15, "03:00")
    assert props["FinalSnapshotName"] == f"{props['ServerlessCacheName']}-final"
    assert (cache["DeletionPolicy"], cache["UpdateReplacePolicy"]) == ("Delete", "Delete")
    (group,) = built.of_type("AWS::ElastiCache::UserGroup")
    assert group["Properties"]["Engine"] == "valkey"
    (user,) = built.of_type("AWS::ElastiCache::User")
    assert user["Properties"]["UserName"] == "app"
    assert "{{resolve:secretsmanager:" in str(user["Properties"]["AuthenticationMode"]["Passwords"])


def test_only_the_application_and_the_rotation_function_get_in(built: Built) -> None:
    ingress, rotation_ingress = sorted(
        built.of_type("AWS::EC2::SecurityGroupIngress"), key=lambda r: "Credential" in r["Properties"]["Description"]
    )
    assert rotation_ingress["Properties"]["Description"] == "Credential rotation test login"
    (egress,) = [
        r
        for r in built.of_type("AWS::EC2::SecurityGroupEgress")
        if r["Properties"]["Description"] == "Valkey from the application"
    ]
    for rule in (ingress["Properties"], egress["Properties"]):
        assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 6379, 6380)
        assert rule["Description"] == "Valkey from the application"
    own = get_att(built.stack.cache.security_groups[0], "GroupId")
    assert ingress["Properties"]["GroupId"] == own
    assert "AppSecurityGroup" in str(ingress["Properties"]["SourceSecurityGroupId"])
    assert egress["Properties"]["DestinationSecurityGroupId"] == own
    assert "CidrIp" not in ingress["Properties"]


def test_acknowledgments_are_the_librarys_and_carry_reasons(built: Built) -> None:
    acknowledged = {
        (construct.node.path, rule): reason
        for construct in built.stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    rotation = built.stack.cache.rotation
    assert rotation is not None
    # The password rotates, so no rotation rule is acknowledged; the function's own are.
    assert set(acknowledged) == {
        (rotation.node.scope.node.path, "AwsSolutions::AwsSolutions-IAM5[Resource::*]"),  # type: ignore[union-attr]
        (rotation.node.scope.node.path, "HIPAA.Security::HIPAA.Security-LambdaDLQ"),  # type: ignore[union-attr]
        (rotation.node.scope.node.path, "NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ"),  # type: ignore[union-attr]
    }
    assert all(len(reason.split()) >= 30 for reason in acknowledged.values())
