"""Credential rotation of what a cache generates: function, role, schedule, network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from constructs_lib import CacheAuth, EngineVersion, ReplicationGroup
from tests.conftest import get_att, isolated_vpc, new_app, ref


class Built:
    def __init__(self) -> None:
        self.stack = stack = cdk.Stack(
            new_app(), "Rotated", env=cdk.Environment(account="111111111111", region="us-east-1")
        )
        vpc = isolated_vpc(stack)
        common: dict[str, Any] = {
            "vpc": vpc,
            "engine_version": EngineVersion.VALKEY_8_2,
            "node_type": "cache.r7g.large",
        }
        self.users = ReplicationGroup(stack, "Users", **common)
        self.token = ReplicationGroup(
            stack, "Token", **common, auth=CacheAuth.generated_token(), credential_rotation=cdk.Duration.days(7)
        )
        self.off = ReplicationGroup(stack, "Off", **common, credential_rotation=None)
        self.unlogged = ReplicationGroup(stack, "Unlogged", **common, log_delivery=[])
        self.resources: dict[str, Any] = Template.from_stack(stack).to_json()["Resources"]

    def of_type(self, type_name: str, under: str) -> list[dict[str, Any]]:
        prefix = under
        return [r for k, r in self.resources.items() if r["Type"] == type_name and k.startswith(prefix)]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_the_application_users_password_rotates_every_30_days(built: Built) -> None:
    (schedule,) = built.of_type("AWS::SecretsManager::RotationSchedule", "Users")
    assert schedule["Properties"]["SecretId"] == ref(built.users.auth_secret)
    assert schedule["Properties"]["RotationRules"] == {"ScheduleExpression": "rate(30 days)"}
    (function,) = built.of_type("AWS::Lambda::Function", "Users")
    props = function["Properties"]
    assert props["Runtime"] == "python3.14"
    assert props["Handler"] == "handler.handler"
    assert props["Timeout"] == 900
    assert props["ReservedConcurrentExecutions"] == 1
    variables = props["Environment"]["Variables"]
    assert variables["CREDENTIAL_KIND"] == "user-password"
    assert variables["USER_ID"] == ref(built.users.node.find_child("ApplicationUser").node.default_child)
    assert variables["CACHE_HOST"] == get_att(built.users.resource, "PrimaryEndPoint.Address")
    assert (variables["CACHE_PORT"], variables["CACHE_TLS"]) == ("6379", "true")
    assert len(props["VpcConfig"]["SubnetIds"]) == 2
    # Created after the policy that lets Lambda create its network interfaces in the VPC.
    (policy_id,) = [
        k for k, r in built.resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy" and k.startswith("Users")
    ]
    assert policy_id in function["DependsOn"]


@pytest.mark.parametrize("group", ["Users", "Unlogged"])
def test_cloudwatch_logs_may_use_the_key_of_the_functions_log_group(built: Built, group: str) -> None:
    # Without it CloudFormation cannot create the function's encrypted log group; "Unlogged" delivers
    # no cache logs, so the statement comes from the rotation alone, and "Users" has it once for both.
    ((key_id, key),) = [
        (k, r) for k, r in built.resources.items() if r["Type"] == "AWS::KMS::Key" and k.startswith(group)
    ]
    (function_logs,) = [
        r
        for k, r in built.resources.items()
        if r["Type"] == "AWS::Logs::LogGroup" and k.startswith(f"{group}CredentialRotation")
    ]
    assert function_logs["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    logs_statements = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s["Principal"].get("Service") == "logs.us-east-1.amazonaws.com"
    ]
    assert len(logs_statements) == 1
    assert "kms:GenerateDataKey*" in logs_statements[0]["Action"]


def test_the_role_holds_only_what_the_steps_need(built: Built) -> None:
    (policy,) = built.of_type("AWS::IAM::ManagedPolicy", "Users")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    by_action = {frozenset([s["Action"]] if isinstance(s["Action"], str) else s["Action"]): s for s in statements}
    assert by_action[frozenset({"elasticache:ModifyUser", "elasticache:DescribeUsers"})]["Resource"] == {
        "Fn::Join": [
            "",
            [
                "arn:aws:elasticache:us-east-1:111111111111:user:",
                ref(built.users.node.find_child("ApplicationUser").node.default_child),
            ],
        ]
    }
    secret_actions = frozenset(
        {
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
        }
    )
    assert by_action[secret_actions]["Resource"] == ref(built.users.auth_secret)
    assert by_action[frozenset({"kms:Decrypt", "kms:GenerateDataKey"})]["Resource"] == get_att(
        built.users.encryption_key, "Arn"
    )
    assert built.of_type("AWS::IAM::Policy", "Users") == [], "no inline policy"
    (role,) = built.of_type("AWS::IAM::Role", "Users")
    assert "ManagedPolicyArns" not in role["Properties"], "no AWS-managed policy"


def test_the_function_reaches_the_cache_and_https_only(built: Built) -> None:
    groups = built.of_type("AWS::EC2::SecurityGroup", "UsersCredentialRotation")
    (group,) = groups
    assert group["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "Secrets Manager and ElastiCache APIs",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    ingress = [r["Properties"] for r in built.of_type("AWS::EC2::SecurityGroupIngress", "Users")]
    assert [(r["FromPort"], r["Description"]) for r in ingress] == [(6379, "Credential rotation test login")]


def test_a_generated_token_rotates_on_its_own_schedule(built: Built) -> None:
    (schedule,) = built.of_type("AWS::SecretsManager::RotationSchedule", "Token")
    assert schedule["Properties"]["RotationRules"] == {"ScheduleExpression": "rate(7 days)"}
    (function,) = built.of_type("AWS::Lambda::Function", "Token")
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["CREDENTIAL_KIND"] == "auth-token"
    assert variables["REPLICATION_GROUP_ID"] == ref(built.token.resource)


def test_rotation_can_be_turned_off(built: Built) -> None:
    assert built.of_type("AWS::Lambda::Function", "Off") == []
    assert built.of_type("AWS::SecretsManager::RotationSchedule", "Off") == []


def test_the_function_is_bundled_with_redis_py(built: Built) -> None:
    root = built.stack.node.root
    assert isinstance(root, cdk.App)
    bundles = [path for path in Path(root.synth().directory).glob("asset.*") if (path / "handler.py").is_file()]
    assert bundles, "the rotation function's asset holds its handler"
    assert all((bundle / "redis" / "__init__.py").is_file() for bundle in bundles)
