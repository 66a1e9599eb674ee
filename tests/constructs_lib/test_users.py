"""RBAC users and user groups: what they write into the template, imports and grants.
Negative cases live with every other rule in test_validation.py."""

from __future__ import annotations

import inspect
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template

from constructs_lib import (
    CacheAuth,
    ElastiCacheValidationError,
    Engine,
    EngineVersion,
    IamUser,
    IUser,
    IUserGroup,
    PasswordUser,
    ReplicationGroup,
    UserGroup,
)
from constructs_lib.users import UserAuthentication
from tests.conftest import isolated_vpc, logical_id, new_app, ref

ENV = cdk.Environment(account="111111111111", region="eu-west-1")


class Built:
    def __init__(self) -> None:
        self.stack = stack = cdk.Stack(new_app(), "Users", env=ENV)
        self.writer = PasswordUser(stack, "Writer", user_name="writer", access_string="on ~app:* -@all +@write")
        existing = secretsmanager.Secret.from_secret_name_v2(stack, "Existing", "team/reader")
        self.reader = PasswordUser(
            stack,
            "Reader",
            engine=Engine.REDIS,
            user_name="reader",
            user_id="team-reader",
            access_string="on ~app:* -@all +@read",
            secret=existing,
            json_field="pw",
        )
        self.iam_user = IamUser(stack, "Service", user_id="orders-service", access_string="on ~orders:* +@all")
        self.valkey_group = UserGroup(stack, "Valkey", engine=Engine.VALKEY, users=[self.writer, self.iam_user])
        self.redis_group = UserGroup(
            stack,
            "Redis",
            engine=Engine.REDIS,
            users=[self.reader],
            user_group_id="team-users",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.late = PasswordUser(stack, "Late", user_name="late", access_string="on ~* +@read")
        self.valkey_group.add_user(self.late)
        self.imported_user = IamUser.from_user_id(
            stack, "Legacy", "legacy-user", engine=Engine.VALKEY, authentication=UserAuthentication.IAM
        )
        self.imported_group = UserGroup.from_user_group_id(stack, "Shared", "shared-users", engine=Engine.REDIS)
        vpc = isolated_vpc(stack)
        self.cache = ReplicationGroup(
            stack,
            "Cache",
            vpc=vpc,
            engine_version=EngineVersion.VALKEY_8_2,
            node_type="cache.r7g.large",
            auth=CacheAuth.user_group(self.valkey_group),
        )
        self.redis_cache = ReplicationGroup(
            stack,
            "RedisCache",
            vpc=vpc,
            engine_version=EngineVersion.REDIS_7_1,
            node_type="cache.r7g.large",
            auth=CacheAuth.user_group(self.imported_group),
        )
        self.role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        self.cache.grant_connect(self.role)
        self.resources: dict[str, Any] = Template.from_stack(stack).to_json()["Resources"]

    def props(self, construct: Any) -> dict[str, Any]:
        props: dict[str, Any] = self.resources[logical_id(construct.resource)]["Properties"]
        return props


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_password_user_with_a_generated_secret(built: Built) -> None:
    props = built.props(built.writer)
    assert props["Engine"] == "valkey"
    assert props["UserName"] == "writer"
    assert props["AccessString"] == "on ~app:* -@all +@write"
    assert props["UserId"].startswith("users")
    assert props["AuthenticationMode"] == {
        "Type": "password",
        "Passwords": [
            {"Fn::Join": ["", ["{{resolve:secretsmanager:", ref(built.writer.secret), ":SecretString:password::}}"]]}
        ],
    }


def test_password_user_from_an_existing_secret_field(built: Built) -> None:
    props = built.props(built.reader)
    assert (props["Engine"], props["UserId"]) == ("redis", "team-reader")
    password = str(built.stack.resolve(props["AuthenticationMode"]["Passwords"][0]))
    assert ":secret:team/reader" in password
    assert ":SecretString:pw::}}" in password
    assert built.reader.node.try_find_child("Secret") is None


def test_iam_user_name_equals_its_id(built: Built) -> None:
    props = built.props(built.iam_user)
    assert (props["UserId"], props["UserName"]) == ("orders-service", "orders-service")
    assert props["AuthenticationMode"] == {"Type": "iam"}


def test_valkey_group_holds_its_users_and_no_default_user(built: Built) -> None:
    props = built.props(built.valkey_group)
    assert props["Engine"] == "valkey"
    # References, so CloudFormation creates the users before the group.
    assert props["UserIds"] == [ref(built.writer.resource), ref(built.iam_user.resource), ref(built.late.resource)]
    assert built.valkey_group.node.try_find_child("DefaultUser") is None


def test_redis_group_gets_a_disabled_default_user(built: Built) -> None:
    props = built.props(built.redis_group)
    assert props["UserGroupId"] == "team-users"
    default = built.redis_group.node.find_child("DefaultUser")
    default_props = built.resources[logical_id(default.node.default_child)]["Properties"]
    assert (default_props["UserName"], default_props["AccessString"]) == ("default", "off -@all")
    assert props["UserIds"][1] == ref(built.reader.resource)
    resource = built.resources[logical_id(built.redis_group.resource)]
    assert resource["DeletionPolicy"] == "Retain"
    assert built.resources[logical_id(default.node.default_child)]["DeletionPolicy"] == "Retain"


def test_cache_takes_a_given_group_and_grants_connect_on_its_iam_users(built: Built) -> None:
    assert built.props(built.cache)["UserGroupIds"] == [ref(built.valkey_group.resource)]
    assert built.cache.auth_secret is built.writer.secret
    assert built.props(built.redis_cache)["UserGroupIds"] == ["shared-users"]
    policies = [r for r in built.resources.values() if r["Type"] == "AWS::IAM::Policy"]
    (statement,) = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "elasticache:Connect"
    user_arn = {"Fn::Join": ["", ["arn:aws:elasticache:eu-west-1:111111111111:user:", ref(built.iam_user.resource)]]}
    assert user_arn in statement["Resource"]
    assert len(statement["Resource"]) == 2


def test_imports_offer_the_interfaces(built: Built) -> None:
    assert isinstance(built.imported_user, IUser)
    assert isinstance(built.imported_group, IUserGroup)
    assert built.stack.resolve(built.imported_user.user_arn) == (
        "arn:aws:elasticache:eu-west-1:111111111111:user:legacy-user"
    )
    assert built.stack.resolve(built.imported_group.user_group_arn) == (
        "arn:aws:elasticache:eu-west-1:111111111111:usergroup:shared-users"
    )


def test_add_user_is_checked_at_once(built: Built) -> None:
    with pytest.raises(ElastiCacheValidationError) as raised:
        built.redis_group.add_user(built.writer)
    assert raised.value.codes == ["EC303"]


def test_signatures_are_documented() -> None:
    assert "access_string" in inspect.signature(PasswordUser).parameters
    assert list(inspect.signature(UserGroup).parameters)[:3] == ["scope", "id", "engine"]
