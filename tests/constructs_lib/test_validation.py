"""One negative test per validation rule, keyed on the rule's code.

Each case builds one construct with one bad input and asserts the code, the construct path, the
property, a fragment of what is allowed and the value given; that this is the only issue raised (no
cascade, no misattribution); and that nothing was added to the tree before the error.
``test_every_rule_code_has_a_negative_test`` keeps the table complete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from constructs_lib import (
    CacheAuth,
    ElastiCacheValidationError,
    Engine,
    EngineVersion,
    EvictionPolicy,
    IamUser,
    ParameterGroup,
    PasswordUser,
    ReplicationGroup,
    TransitEncryption,
    UserGroup,
)
from constructs_lib.autoscaling import ScalingMetric
from constructs_lib.errors import DEPLOY_TIME_VALUE
from constructs_lib.log_delivery import LogDelivery, LogDestination, LogType
from constructs_lib.rules import RULES
from constructs_lib.topology import ClusterMode, Durability
from constructs_lib.users import UserAuthentication
from tests.conftest import isolated_vpc, new_app
from tests.constructs_lib.negative import Case, any_value


class Sandbox:
    """A stack with VPCs of several shapes; each construct gets a fresh id."""

    def __init__(self) -> None:
        self.app = new_app()
        self.stack = cdk.Stack(self.app, "Sandbox", env=cdk.Environment(account="111111111111", region="us-east-1"))
        self.vpc = isolated_vpc(self.stack)
        self.one_zone_vpc = isolated_vpc(self.stack, "OneZone", max_azs=1)
        self.public_vpc = ec2.Vpc(
            self.stack,
            "PublicOnly",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[ec2.SubnetConfiguration(name="web", subnet_type=ec2.SubnetType.PUBLIC)],
        )
        self.mixed_vpc = ec2.Vpc(self.stack, "Mixed", max_azs=2, nat_gateways=0)
        self.key = kms.Key(self.stack, "Key")
        self.sg = ec2.SecurityGroup(self.stack, "Sg", vpc=self.vpc)
        self.secret = secretsmanager.Secret(self.stack, "Secret")
        self.valkey_group = UserGroup(
            self.stack,
            "ValkeyGroup",
            engine=Engine.VALKEY,
            users=[PasswordUser(self.stack, "ValkeyUser", user_name="app", access_string="on ~* +@all")],
        )
        self.iam_group = UserGroup(
            self.stack,
            "IamGroup",
            engine=Engine.REDIS,
            users=[IamUser(self.stack, "Iam", engine=Engine.REDIS, access_string="on ~* +@all")],
        )
        self.cluster_parameters = ParameterGroup(
            self.stack, "ClusterParams", engine_version=EngineVersion.VALKEY_8_2, cluster_enabled=True
        )
        self.redis_parameters = ParameterGroup(self.stack, "RedisParams", engine_version=EngineVersion.REDIS_7_1)
        self.valkey_parameters = ParameterGroup(self.stack, "ValkeyParams", engine_version=EngineVersion.VALKEY_8_2)
        self.parameter = cdk.CfnParameter(self.stack, "Count", type="Number")
        self.outsider = PasswordUser(self.stack, "Outsider", user_name="outsider", access_string="on ~* +@all")
        self._count = 0

    def next_id(self) -> str:
        self._count += 1
        return f"Case{self._count}"


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


def _replication_group(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    props: dict[str, Any] = {
        "vpc": s.vpc,
        "engine_version": EngineVersion.VALKEY_8_2,
        "node_type": "cache.r7g.large",
        **overrides,
    }
    ReplicationGroup(scope, id, **props)


def _parameter_group(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    ParameterGroup(scope, id, **{"engine_version": EngineVersion.VALKEY_8_2, **overrides})


def _password_user(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    PasswordUser(scope, id, **{"user_name": "app", "access_string": "on ~* +@all", **overrides})


def _iam_user(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    IamUser(scope, id, **{"access_string": "on ~* +@all", **overrides})


def _user_group(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    UserGroup(scope, id, **{"engine": Engine.VALKEY, **overrides})


def _scaled(dimension: str) -> Callable[..., None]:
    """A valid sharded group, then one auto scaling call with the case's arguments."""

    def build(scope: Construct, id: str, s: Sandbox, group: dict[str, Any] | None = None, **call: Any) -> None:
        props: dict[str, Any] = {
            "vpc": s.vpc,
            "engine_version": EngineVersion.VALKEY_8_2,
            "node_type": "cache.r7g.large",
            "shards": 2,
            **(group or {}),
        }
        cache = ReplicationGroup(scope, id, **props)
        if call.pop("twice", False):
            cache.auto_scale_shards(minimum=1, maximum=4)
        method = cache.auto_scale_shards if dimension == "shards" else cache.auto_scale_replicas
        method(**{"minimum": 1, "maximum": 4 if dimension == "shards" else 2, **call})

    return build


BUILDERS: dict[str, Callable[..., None]] = {
    "scale_shards": _scaled("shards"),
    "scale_replicas": _scaled("replicas"),
    "rg": _replication_group,
    "pg": _parameter_group,
    "password_user": _password_user,
    "iam_user": _iam_user,
    "user_group": _user_group,
}


def _nopass_user(s: Sandbox) -> Any:
    return PasswordUser.from_user_id(
        s.stack,
        s.next_id(),
        "legacy",
        user_name="legacy",
        engine=Engine.REDIS,
        authentication=UserAuthentication.NO_PASSWORD,
    )


CASES = [
    # EC100: wrong types, each reported once, as a type error
    Case(
        "EC100",
        "rg",
        "engine_version",
        "Valkey or Redis OSS EngineVersion",
        "valkey 8.2",
        lambda s: {"engine_version": "valkey 8.2"},
    ),
    Case(
        "EC100",
        "rg",
        "engine_version",
        "Valkey or Redis OSS EngineVersion",
        EngineVersion.MEMCACHED_1_6_22,
        lambda s: {"engine_version": EngineVersion.MEMCACHED_1_6_22},
    ),
    Case(
        "EC100",
        "rg",
        "transit_encryption",
        "TransitEncryption.REQUIRED",
        "required",
        lambda s: {"transit_encryption": "required"},
    ),
    Case("EC100", "rg", "auth", "a CacheAuth", "token", lambda s: {"auth": "token"}),
    Case(
        "EC100", "rg", "removal_policy", "RemovalPolicy.SNAPSHOT", "snapshot", lambda s: {"removal_policy": "snapshot"}
    ),
    Case(
        "EC100",
        "rg",
        "eviction_policy",
        "EvictionPolicy.ALLKEYS_LRU",
        "allkeys-lru",
        lambda s: {"eviction_policy": "allkeys-lru"},
    ),
    Case("EC100", "rg", "multi_az", "True or False", "yes", lambda s: {"multi_az": "yes"}),
    Case("EC100", "rg", "data_tiering", "True or False", "yes", lambda s: {"data_tiering": "yes"}),
    Case("EC100", "rg", "replicas", "a whole number from 0 to 5", "1", lambda s: {"replicas": "1"}),
    Case("EC100", "rg", "replicas", "a whole number from 0 to 5", 1.0, lambda s: {"replicas": 1.0}),
    Case("EC100", "rg", "replicas", "a whole number from 0 to 5", True, lambda s: {"replicas": True}),
    Case(
        "EC100",
        "rg",
        "security_groups",
        "a list of ec2.ISecurityGroup",
        "sg",
        lambda s: {"security_groups": s.sg},
        exact=False,
    ),
    Case(
        "EC100",
        "rg",
        "encryption_key",
        "a kms.IKey",
        "arn:aws:kms:us-east-1:111111111111:key/x",
        lambda s: {"encryption_key": "arn:aws:kms:us-east-1:111111111111:key/x"},
    ),
    Case("EC100", "rg", "parameter_group", "a ParameterGroup", "my-params", lambda s: {"parameter_group": "my-params"}),
    Case("EC100", "rg", "parameters", "a mapping", [("timeout", "5")], lambda s: {"parameters": [("timeout", "5")]}),
    Case("EC100", "rg", "vpc", "an ec2.IVpc", None, lambda s: {"vpc": None}),
    Case("EC100", "rg", "vpc", "an ec2.IVpc", "vpc-0a1b2c3d", lambda s: {"vpc": "vpc-0a1b2c3d"}),
    Case("EC100", "rg", "vpc_subnets", "an ec2.SubnetSelection", "private", lambda s: {"vpc_subnets": "private"}),
    Case(
        "EC100",
        "rg",
        "auth.secret",
        "a secretsmanager.ISecret",
        "arn:aws:secretsmanager:us-east-1:1:secret:x",
        lambda s: {"auth": CacheAuth.token_from_secret(any_value("arn:aws:secretsmanager:us-east-1:1:secret:x"))},
    ),
    Case("EC100", "rg", "node_type", "a text", None, lambda s: {"node_type": None}),
    Case("EC100", "rg", "backup_retention", "a Duration", 15, lambda s: {"backup_retention": 15}),
    Case("EC100", "rg", "maintenance_window", "a text", 5, lambda s: {"maintenance_window": 5}),
    Case(
        "EC100",
        "rg",
        "preferred_availability_zones",
        "a list of texts",
        "us-east-1a",
        lambda s: {"preferred_availability_zones": "us-east-1a"},
    ),
    Case(
        "EC100",
        "rg",
        "auth.user_group",
        "a user group",
        "my-group",
        lambda s: {"auth": CacheAuth.user_group(any_value("my-group"))},
    ),
    Case("EC100", "pg", "cluster_enabled", "True or False", "yes", lambda s: {"cluster_enabled": "yes"}),
    Case(
        "EC100",
        "password_user",
        "engine",
        "Engine.VALKEY or Engine.REDIS",
        Engine.MEMCACHED,
        lambda s: {"engine": Engine.MEMCACHED},
    ),
    Case("EC100", "user_group", "users", "a list of users", "app", lambda s: {"users": "app"}),
    # EC101: values the construct is built from must be known at synth; the token is never shown
    Case(
        "EC101",
        "rg",
        "replicas",
        "known at synth",
        DEPLOY_TIME_VALUE,
        lambda s: {"replicas": s.parameter.value_as_number},
    ),
    # EC102: options that exclude each other
    Case(
        "EC102",
        "rg",
        "eviction_policy",
        "unset when parameter_group is given",
        EvictionPolicy.ALLKEYS_LRU,
        lambda s: {
            "engine_version": EngineVersion.REDIS_7_1,
            "parameter_group": s.redis_parameters,
            "eviction_policy": EvictionPolicy.ALLKEYS_LRU,
        },
    ),
    Case(
        "EC102",
        "password_user",
        "whole_secret",
        "unset without an existing secret",
        True,
        lambda s: {"whole_secret": True},
    ),
    # EC103: missing or empty values
    Case(
        "EC103",
        "rg",
        "auth.secret",
        "a secretsmanager.ISecret holding the AUTH token",
        None,
        lambda s: {"auth": CacheAuth.token_from_secret(any_value(None))},
    ),
    Case(
        "EC103",
        "rg",
        "auth.json_field",
        "the name of a JSON field, or None",
        "",
        lambda s: {"auth": CacheAuth.token_from_secret(s.secret, json_field="")},
    ),
    Case(
        "EC103",
        "password_user",
        "json_field",
        "the name of the secret's JSON field",
        "",
        lambda s: {"secret": s.secret, "json_field": ""},
    ),
    # EC110 / EC111: names and descriptions
    Case(
        "EC110",
        "rg",
        "replication_group_id",
        "starting with a letter",
        "1cache",
        lambda s: {"replication_group_id": "1cache"},
    ),
    Case(
        "EC110",
        "rg",
        "replication_group_id",
        "without two consecutive hyphens",
        "a--b",
        lambda s: {"replication_group_id": "a--b"},
    ),
    Case(
        "EC110",
        "rg",
        "replication_group_id",
        "not ending with a hyphen",
        "cache-",
        lambda s: {"replication_group_id": "cache-"},
    ),
    Case("EC110", "rg", "replication_group_id", "1-40", "c" * 41, lambda s: {"replication_group_id": "c" * 41}),
    Case(
        "EC110",
        "rg",
        "subnet_group_name",
        "letters, digits or hyphens",
        "my_subnets",
        lambda s: {"subnet_group_name": "my_subnets"},
    ),
    Case("EC110", "password_user", "user_id", "lower-case letters", "App-User", lambda s: {"user_id": "App-User"}),
    Case("EC110", "password_user", "user_name", "without spaces", "my app", lambda s: {"user_name": "my app"}),
    Case(
        "EC110",
        "user_group",
        "user_group_id",
        "lower-case letters",
        "Team_Group",
        lambda s: {"user_group_id": "Team_Group"},
    ),
    Case("EC111", "rg", "description", "a non-blank text", "   ", lambda s: {"description": "   "}),
    Case("EC111", "pg", "description", "a non-blank text", "", lambda s: {"description": ""}),
    # EC2xx: topology and placement
    Case("EC200", "rg", "replicas", "a whole number from 0 to 5", 6, lambda s: {"replicas": 6}),
    Case("EC200", "rg", "replicas", "a whole number from 0 to 5", -1, lambda s: {"replicas": -1}),
    Case(
        "EC201",
        "rg",
        "automatic_failover",
        "False when there is no replica",
        True,
        lambda s: {"replicas": 0, "automatic_failover": True, "multi_az": False},
    ),
    Case(
        "EC202", "rg", "multi_az", "False when there is no replica", True, lambda s: {"replicas": 0, "multi_az": True}
    ),
    Case(
        "EC203",
        "rg",
        "multi_az",
        "False when automatic_failover is False",
        True,
        lambda s: {"automatic_failover": False, "multi_az": True},
    ),
    Case(
        "EC204",
        "rg",
        "vpc_subnets",
        "at least two availability zones",
        ["dummy1a"],
        lambda s: {"vpc": s.one_zone_vpc},
        exact=False,
    ),
    Case(
        "EC205",
        "rg",
        "node_type",
        "a family other than T2 for replicas without shards",
        "cache.t2.micro",
        lambda s: {"node_type": "cache.t2.micro"},
    ),
    Case(
        "EC205",
        "rg",
        "node_type",
        "a family other than T2 for replicas without shards",
        "cache.t2.small",
        lambda s: {"node_type": "cache.t2.small", "automatic_failover": False, "multi_az": False},
    ),
    Case(
        "EC208",
        "rg",
        "automatic_failover",
        "True or unset when a Redis OSS group has replicas",
        False,
        lambda s: {
            "engine_version": EngineVersion.REDIS_7_1,
            "replicas": 2,
            "automatic_failover": False,
            "multi_az": False,
        },
    ),
    Case(
        "EC102",
        "rg",
        "snapshot_window",
        "unset when backup_retention is 0 days",
        "01:00-02:00",
        lambda s: {"snapshot_window": "01:00-02:00", "backup_retention": cdk.Duration.days(0)},
    ),
    Case(
        "EC102",
        "password_user",
        "password_length",
        "unset with an existing secret",
        20,
        lambda s: {"secret": s.secret, "password_length": 20},
    ),
    Case(
        "EC102", "password_user", "json_field", "unset without an existing secret", "pw", lambda s: {"json_field": "pw"}
    ),
    Case(
        "EC102",
        "rg",
        "auth.user_name",
        "unset with an existing user_group",
        "x",
        lambda s: {"auth": CacheAuth.user_group(s.valkey_group, user_name="x")},
    ),
    Case(
        "EC102",
        "pg",
        "eviction_policy",
        "unset for Memcached",
        EvictionPolicy.ALLKEYS_LRU,
        lambda s: {"engine_version": EngineVersion.MEMCACHED_1_6_22, "eviction_policy": EvictionPolicy.ALLKEYS_LRU},
    ),
    Case(
        "EC605",
        "rg",
        "encryption_key",
        "a resource in us-east-1, the cache's region",
        "key",
        lambda s: {
            "encryption_key": kms.Key.from_key_arn(
                s.stack, s.next_id(), "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )
        },
        exact=False,
    ),
    Case(
        "EC110", "password_user", "user_id", "an id other than 'default'", "default", lambda s: {"user_id": "default"}
    ),
    Case(
        "EC307",
        "rg",
        "auth.secret_user",
        "a member of the user group",
        "outsider",
        lambda s: {"auth": CacheAuth.user_group(s.valkey_group, secret_user=s.outsider)},
        exact=False,
    ),
    Case(
        "EC206",
        "rg",
        "preferred_availability_zones",
        "one zone per node: 2",
        ["dummy1a"],
        lambda s: {"preferred_availability_zones": ["dummy1a"]},
        exact=False,
    ),
    Case(
        "EC207",
        "rg",
        "preferred_availability_zones",
        "zones of the selected subnets",
        ["us-east-1f"],
        lambda s: {"preferred_availability_zones": ["dummy1a", "us-east-1f"]},
    ),
    # EC22x: node types
    Case("EC220", "rg", "node_type", "'cache.<family>.<size>'", "r7g.large", lambda s: {"node_type": "r7g.large"}),
    Case(
        "EC220",
        "rg",
        "node_type",
        "'cache.<family>.<size>'",
        "cache.R7G.large",
        lambda s: {"node_type": "cache.R7G.large"},
    ),
    Case(
        "EC221",
        "rg",
        "node_type",
        "a node type ElastiCache offers in us-east-1: cache.r6g.large",
        "cache.r6g.huge",
        lambda s: {"node_type": "cache.r6g.huge"},
    ),
    Case(
        "EC221", "rg", "node_type", "cache.r6gd.xlarge", "cache.r6gd.large", lambda s: {"node_type": "cache.r6gd.large"}
    ),
    Case(
        "EC221",
        "rg",
        "node_type",
        "a node type ElastiCache offers",
        "cache.t1.micro",
        lambda s: {"node_type": "cache.t1.micro"},
    ),
    Case(
        "EC222",
        "rg",
        "data_tiering",
        "r6gd nodes require data tiering",
        False,
        lambda s: {"node_type": "cache.r6gd.xlarge", "data_tiering": False},
    ),
    Case("EC222", "rg", "data_tiering", "data tiering needs r6gd nodes", True, lambda s: {"data_tiering": True}),
    # EC230: features the engine version lacks
    Case(
        "EC230",
        "rg",
        "transit_encryption",
        "PREFERRED needs Valkey 7.2+ or Redis OSS 7.0+",
        TransitEncryption.PREFERRED,
        lambda s: {"engine_version": EngineVersion.REDIS_6_2, "transit_encryption": TransitEncryption.PREFERRED},
    ),
    Case(
        "EC230",
        "rg",
        "auto_minor_version_upgrade",
        "automatic minor upgrades need",
        True,
        lambda s: {"engine_version": EngineVersion.REDIS_5_0_6, "auto_minor_version_upgrade": True},
    ),
    Case(
        "EC230",
        "rg",
        "engine_version",
        "for data tiering",
        EngineVersion.REDIS_6_0,
        lambda s: {"engine_version": EngineVersion.REDIS_6_0, "node_type": "cache.r6gd.xlarge"},
    ),
    Case(
        "EC230",
        "rg",
        "auth",
        "user groups need Valkey 7.2+ or Redis OSS 6.0+",
        "user group",
        lambda s: {"engine_version": EngineVersion.REDIS_5_0_6, "auth": CacheAuth.user_group()},
        exact=False,
    ),
    Case(
        "EC230",
        "rg",
        "auth.user_group",
        "IAM users need Valkey 7.2+ or Redis OSS 7.0+",
        "iam",
        lambda s: {"engine_version": EngineVersion.REDIS_6_2, "auth": CacheAuth.user_group(s.iam_group)},
        exact=False,
    ),
    # EC21x: shards and cluster mode
    Case("EC210", "rg", "shards", "a whole number from 1 to 500", 0, lambda s: {"shards": 0}),
    Case(
        "EC210", "rg", "shards", "at most 500 nodes in all", "100 x 6 = 600", lambda s: {"shards": 100, "replicas": 5}
    ),
    Case(
        "EC101", "rg", "shards", "known at synth", DEPLOY_TIME_VALUE, lambda s: {"shards": s.parameter.value_as_number}
    ),
    Case(
        "EC211",
        "rg",
        "cluster_mode",
        "ENABLED or unset with shards",
        ClusterMode.DISABLED,
        lambda s: {"shards": 2, "cluster_mode": ClusterMode.DISABLED},
    ),
    Case(
        "EC211",
        "rg",
        "automatic_failover",
        "cluster mode enabled always fails over automatically",
        False,
        lambda s: {"shards": 2, "automatic_failover": False, "multi_az": False},
    ),
    Case(
        "EC211",
        "rg",
        "cluster_mode",
        "COMPATIBLE when migrating from DISABLED",
        ClusterMode.ENABLED,
        lambda s: {"cluster_mode": ClusterMode.ENABLED, "migrate_from": ClusterMode.DISABLED},
    ),
    Case(
        "EC211",
        "rg",
        "cluster_mode",
        "unchanged when migrating from ENABLED",
        ClusterMode.COMPATIBLE,
        lambda s: {"cluster_mode": ClusterMode.COMPATIBLE, "migrate_from": ClusterMode.ENABLED},
    ),
    Case(
        "EC211",
        "rg",
        "cluster_mode",
        "at least one replica",
        ClusterMode.COMPATIBLE,
        lambda s: {"cluster_mode": ClusterMode.COMPATIBLE, "replicas": 0},
    ),
    Case(
        "EC230",
        "rg",
        "cluster_mode",
        "cluster mode migration needs Valkey 7.2+ or Redis OSS 7.0+",
        ClusterMode.COMPATIBLE,
        lambda s: {"engine_version": EngineVersion.REDIS_6_2, "cluster_mode": ClusterMode.COMPATIBLE},
    ),
    Case("EC100", "rg", "cluster_mode", "ClusterMode.ENABLED", "enabled", lambda s: {"cluster_mode": "enabled"}),
    Case(
        "EC102",
        "rg",
        "preferred_availability_zones",
        "unset with shards",
        ["dummy1a", "dummy1b"],
        lambda s: {"shards": 2, "preferred_availability_zones": ["dummy1a", "dummy1b"]},
        exact=False,
    ),
    Case(
        "EC503",
        "rg",
        "parameter_group",
        "a group with cluster-enabled=yes for cluster mode ENABLED",
        "cluster-enabled=no",
        lambda s: {"shards": 2, "parameter_group": s.valkey_parameters},
    ),
    # EC24x: auto scaling
    Case(
        "EC240",
        "scale_shards",
        "auto_scale_shards",
        "called on a group with shards (cluster mode enabled)",
        "cache.r7g.large",
        lambda s: {"group": {"shards": None}},
    ),
    Case(
        "EC240",
        "scale_replicas",
        "auto_scale_replicas",
        "node size 2xlarge, large, xlarge",
        "cache.r7g.4xlarge",
        lambda s: {"group": {"node_type": "cache.r7g.4xlarge"}},
    ),
    Case(
        "EC240",
        "scale_shards",
        "auto_scale_shards",
        "a node family of",
        "cache.t3.medium",
        lambda s: {"group": {"node_type": "cache.t3.medium"}},
    ),
    Case(
        "EC230",
        "scale_shards",
        "auto_scale_shards",
        "called on Valkey 7.2+ or Redis OSS 6.0+",
        EngineVersion.REDIS_5_0_6,
        lambda s: {"group": {"engine_version": EngineVersion.REDIS_5_0_6}},
    ),
    Case(
        "EC241",
        "scale_shards",
        "auto_scale_shards.maximum",
        "at least minimum (3)",
        2,
        lambda s: {"minimum": 3, "maximum": 2},
    ),
    Case(
        "EC241",
        "scale_shards",
        "auto_scale_shards.minimum",
        "at most the template's count (2)",
        "3..6",
        lambda s: {"minimum": 3, "maximum": 6},
    ),
    Case(
        "EC241",
        "scale_replicas",
        "auto_scale_replicas.maximum",
        "a whole number from 0 to 5",
        6,
        lambda s: {"maximum": 6},
    ),
    Case(
        "EC242",
        "scale_shards",
        "auto_scale_shards.metric",
        "one of PRIMARY_ENGINE_CPU",
        ScalingMetric.REPLICA_ENGINE_CPU,
        lambda s: {"metric": ScalingMetric.REPLICA_ENGINE_CPU},
    ),
    Case(
        "EC242",
        "scale_shards",
        "auto_scale_shards.metric",
        "CAPACITY_FOR_EVICTION only with data tiering",
        ScalingMetric.CAPACITY_FOR_EVICTION,
        lambda s: {"metric": ScalingMetric.CAPACITY_FOR_EVICTION},
    ),
    Case(
        "EC243",
        "scale_replicas",
        "auto_scale_replicas.target_value",
        "a percentage above 0 and at most 100",
        150,
        lambda s: {"target_value": 150},
    ),
    Case(
        "EC102",
        "scale_shards",
        "auto_scale_shards",
        "called once per group",
        "a second call",
        lambda s: {"twice": True},
    ),
    # EC270: log delivery
    Case(
        "EC270",
        "rg",
        "log_delivery[1].log_type",
        "not delivered twice",
        LogType.SLOW_LOG,
        lambda s: {"log_delivery": [LogDelivery(LogType.SLOW_LOG), LogDelivery(LogType.SLOW_LOG)]},
    ),
    Case(
        "EC270",
        "rg",
        "log_delivery[0].destination.delivery_stream_name",
        "1-64 letters",
        "orders slow log",
        lambda s: {"log_delivery": [LogDelivery(LogType.SLOW_LOG, LogDestination.firehose("orders slow log"))]},
    ),
    Case(
        "EC230",
        "rg",
        "log_delivery[0].log_type",
        "engine-log delivery needs Valkey 7.2+ or Redis OSS 6.2+",
        LogType.ENGINE_LOG,
        lambda s: {"engine_version": EngineVersion.REDIS_6_0, "log_delivery": [LogDelivery(LogType.ENGINE_LOG)]},
    ),
    Case("EC100", "rg", "log_delivery", "a list of LogDelivery", "slow-log", lambda s: {"log_delivery": "slow-log"}),
    Case(
        "EC100",
        "rg",
        "log_delivery[0].destination.log_group",
        "a logs.ILogGroup",
        "/aws/elasticache",
        lambda s: {
            "log_delivery": [
                LogDelivery(LogType.SLOW_LOG, LogDestination.existing_log_group(any_value("/aws/elasticache")))
            ]
        },
    ),
    Case(
        "EC272",
        "rg",
        "credential_rotation",
        "whole days from 1 to 1000",
        "1001 days",
        lambda s: {"credential_rotation": cdk.Duration.days(1001)},
    ),
    Case("EC100", "rg", "credential_rotation", "a Duration", 30, lambda s: {"credential_rotation": 30}),
    # EC250: durability
    Case(
        "EC250",
        "rg",
        "durability",
        "unset unless the group has shards (cluster mode enabled)",
        Durability.SYNC,
        lambda s: {"engine_version": EngineVersion.VALKEY_9_0, "durability": Durability.SYNC},
    ),
    Case(
        "EC250",
        "rg",
        "durability",
        "a node family of",
        Durability.ASYNC,
        lambda s: {
            "engine_version": EngineVersion.VALKEY_9_0,
            "shards": 2,
            "node_type": "cache.r8g.large",
            "durability": Durability.ASYNC,
        },
    ),
    Case(
        "EC250",
        "rg",
        "durability",
        "Multi-AZ with at least one replica per shard",
        Durability.SYNC,
        lambda s: {
            "engine_version": EngineVersion.VALKEY_9_0,
            "shards": 2,
            "replicas": 0,
            "durability": Durability.SYNC,
        },
    ),
    Case(
        "EC230",
        "rg",
        "durability",
        "durability needs Valkey 9.0+",
        Durability.SYNC,
        lambda s: {"shards": 2, "durability": Durability.SYNC},
    ),
    # EC3xx: encryption and authentication
    Case(
        "EC300",
        "rg",
        "auth",
        "CacheAuth.none() when transit_encryption is DISABLED",
        "user group",
        lambda s: {"transit_encryption": TransitEncryption.DISABLED},
        exact=False,
    ),
    Case(
        "EC300",
        "rg",
        "auth",
        "CacheAuth.none() when transit_encryption is DISABLED",
        "generated AUTH token",
        lambda s: {"transit_encryption": TransitEncryption.DISABLED, "auth": CacheAuth.generated_token()},
        exact=False,
    ),
    Case(
        "EC301",
        "rg",
        "auth.length",
        "a whole number from 16 to 128",
        15,
        lambda s: {"auth": CacheAuth.generated_token(length=15)},
    ),
    Case(
        "EC301",
        "rg",
        "auth.password_length",
        "a whole number from 16 to 128",
        129,
        lambda s: {"auth": CacheAuth.user_group(password_length=129)},
    ),
    Case(
        "EC301",
        "password_user",
        "password_length",
        "a whole number from 16 to 128",
        8,
        lambda s: {"password_length": 8},
    ),
    Case(
        "EC302",
        "rg",
        "encryption_key",
        "unset when at_rest_encryption is False",
        "key",
        lambda s: {"at_rest_encryption": False, "encryption_key": s.key},
        exact=False,
    ),
    Case(
        "EC303",
        "rg",
        "auth.user_group",
        "a user group of engine redis for a Redis OSS cache",
        "valkey group",
        lambda s: {"engine_version": EngineVersion.REDIS_7_1, "auth": CacheAuth.user_group(s.valkey_group)},
        exact=False,
    ),
    Case(
        "EC303",
        "user_group",
        "users",
        "users of engine redis only",
        "valkey user",
        lambda s: {
            "engine": Engine.REDIS,
            "users": [PasswordUser(s.stack, s.next_id(), user_name="v", access_string="on ~* +@all")],
        },
        exact=False,
    ),
    Case(
        "EC305",
        "rg",
        "auth.access_string",
        "space-separated ACL rules",
        "onn ~* +@all",
        lambda s: {"auth": CacheAuth.user_group(access_string="onn ~* +@all")},
    ),
    Case(
        "EC305",
        "rg",
        "auth.access_string",
        "channel rules need Redis OSS 6.2",
        "on ~* &* +@all",
        lambda s: {
            "engine_version": EngineVersion.REDIS_6_0,
            "auth": CacheAuth.user_group(access_string="on ~* &* +@all"),
        },
    ),
    Case(
        "EC305",
        "password_user",
        "access_string",
        "unknown category '@raed'",
        "on ~* +@raed",
        lambda s: {"access_string": "on ~* +@raed"},
    ),
    Case(
        "EC305",
        "iam_user",
        "access_string",
        "passwords and password hashes are set through ElastiCache",
        "on >hunter2 ~*",
        lambda s: {"access_string": "on >hunter2 ~*"},
    ),
    Case(
        "EC307",
        "user_group",
        "users",
        "no password-less users",
        "legacy",
        lambda s: {"users": [_nopass_user(s)]},
        exact=False,
    ),
    Case(
        "EC307",
        "user_group",
        "users",
        "users with distinct user names",
        ["app"],
        lambda s: {
            "users": [
                PasswordUser(s.stack, s.next_id(), user_name="app", access_string="on ~* +@all"),
                PasswordUser(s.stack, s.next_id(), user_name="app", access_string="on ~* +@all"),
            ]
        },
    ),
    # EC4xx: windows and retention
    Case(
        "EC400",
        "rg",
        "maintenance_window",
        "'ddd:hh24:mi-ddd:hh24:mi'",
        "sunday 05:00",
        lambda s: {"maintenance_window": "sunday 05:00"},
    ),
    Case("EC401", "rg", "snapshot_window", "'hh24:mi-hh24:mi'", "5-6", lambda s: {"snapshot_window": "5-6"}),
    Case(
        "EC402",
        "rg",
        "maintenance_window",
        "at least 60 minutes",
        "sun:05:00-sun:05:30",
        lambda s: {"maintenance_window": "sun:05:00-sun:05:30"},
    ),
    Case(
        "EC402",
        "rg",
        "snapshot_window",
        "at least 60 minutes",
        "01:00-01:59",
        lambda s: {"snapshot_window": "01:00-01:59"},
    ),
    Case(
        "EC403",
        "rg",
        "snapshot_window",
        "outside the maintenance window",
        "05:30-06:30",
        lambda s: {"snapshot_window": "05:30-06:30"},
    ),
    Case(
        "EC404",
        "rg",
        "backup_retention",
        "whole days from 0 to 35",
        "36 days",
        lambda s: {"backup_retention": cdk.Duration.days(36)},
    ),
    Case(
        "EC404",
        "rg",
        "backup_retention",
        "whole days from 0 to 35",
        "1.5 days",
        lambda s: {"backup_retention": cdk.Duration.hours(36)},
    ),
    # EC5xx: parameters
    Case(
        "EC500",
        "rg",
        "parameter_group",
        "a parameter group of family valkey8",
        "redis7",
        lambda s: {"parameter_group": s.redis_parameters},
    ),
    Case(
        "EC501",
        "rg",
        "parameters['maxmemory-policy']",
        "set through eviction_policy",
        "allkeys-lru",
        lambda s: {"parameters": {"maxmemory-policy": "allkeys-lru"}},
    ),
    Case(
        "EC501",
        "pg",
        "parameters",
        "keyed by engine parameter names",
        "Bad Name",
        lambda s: {"parameters": {"Bad Name": "x"}},
    ),
    Case(
        "EC501",
        "pg",
        "parameters['cluster-enabled']",
        "cluster mode",
        "yes",
        lambda s: {"parameters": {"cluster-enabled": "yes"}},
    ),
    Case("EC502", "rg", "parameters['timeout']", "a string", 5, lambda s: {"parameters": {"timeout": 5}}),
    Case(
        "EC502",
        "pg",
        "reserved_memory_percent",
        "a whole number from 0 to 100",
        101,
        lambda s: {"reserved_memory_percent": 101},
    ),
    Case(
        "EC503",
        "rg",
        "parameter_group",
        "a group with cluster-enabled=no for cluster mode DISABLED",
        "cluster-enabled=yes",
        lambda s: {"parameter_group": s.cluster_parameters},
    ),
    # EC6xx: network
    Case(
        "EC600", "rg", "vpc", "a VPC with private subnets", "public_vpc", lambda s: {"vpc": s.public_vpc}, exact=False
    ),
    Case(
        "EC601",
        "rg",
        "vpc_subnets",
        "private subnets only",
        "public ids",
        lambda s: {"vpc": s.mixed_vpc, "vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)},
        exact=False,
    ),
    Case(
        "EC602",
        "rg",
        "vpc_subnets",
        "There are no 'Public' subnet groups in this VPC",
        "selection",
        lambda s: {"vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)},
        exact=False,
    ),
    Case(
        "EC602",
        "rg",
        "vpc_subnets",
        "a selection of at least one subnet",
        "selection",
        lambda s: {"vpc_subnets": ec2.SubnetSelection(availability_zones=["us-east-1z"])},
        exact=False,
    ),
    Case("EC603", "rg", "security_groups", "at least one", [], lambda s: {"security_groups": []}),
    Case("EC604", "rg", "port", "a TCP port number from 1 to 65535", 0, lambda s: {"port": 0}),
    Case("EC604", "rg", "port", "a TCP port number from 1 to 65535", 70000, lambda s: {"port": 70000}),
]


def _build_failing(sandbox: Sandbox, case: Case) -> tuple[str, ElastiCacheValidationError]:
    overrides = case.overrides(sandbox)
    first_call = 2 if overrides.get("twice") else 0  # the scaler and policy of a first, valid call
    construct_id = sandbox.next_id()
    with pytest.raises(ElastiCacheValidationError) as raised:
        BUILDERS[case.target](sandbox.stack, construct_id, sandbox, **overrides)
    failed = sandbox.stack.node.try_find_child(construct_id)
    if case.target.startswith("scale_"):
        assert failed is not None
        scalers = [c for c in failed.node.children if "Scaling" in c.node.id]
        assert len(scalers) == first_call, "the failing call adds no scaler"
    else:
        assert failed is None or failed.node.children == [], "validation must fail before any resource is created"
    return f"Sandbox/{construct_id}", raised.value


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule(sandbox: Sandbox, case: Case) -> None:
    path, error = _build_failing(sandbox, case)
    assert len(error.issues) == 1, f"expected only {case.code}, got:\n{error}"
    (issue,) = error.issues
    assert (issue.code, issue.path, issue.prop) == (case.code, path, case.prop), str(error)
    assert case.allowed in issue.allowed, str(error)
    case.check(error, path)


def test_every_problem_is_reported_at_once(sandbox: Sandbox) -> None:
    _, error = _build_failing(
        sandbox,
        Case("", "rg", "", "", None, lambda s: {"replicas": 9, "port": 0, "maintenance_window": "never"}),
    )
    assert error.codes == ["EC604", "EC200", "EC400"]


def test_the_empty_user_group_fails_at_synth(sandbox: Sandbox) -> None:
    app = new_app()
    stack = cdk.Stack(app, "Empty")
    UserGroup(stack, "Group", engine=Engine.VALKEY)
    with pytest.raises(Exception, match=r"\[Empty/Group\] \[EC307\] users must be at least one user; got \[\]"):
        app.synth()


def test_users_added_after_a_cache_took_the_group_are_checked_for_that_cache(sandbox: Sandbox) -> None:
    group = UserGroup(sandbox.stack, sandbox.next_id(), engine=Engine.REDIS)
    ReplicationGroup(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.REDIS_6_2,
        node_type="cache.r7g.large",
        auth=CacheAuth.user_group(group),
    )
    with pytest.raises(ElastiCacheValidationError) as raised:
        group.add_user(IamUser(sandbox.stack, sandbox.next_id(), engine=Engine.REDIS, access_string="on ~* +@all"))
    assert raised.value.codes == ["EC230"]


def test_grant_connect_sees_iam_users_added_later(sandbox: Sandbox) -> None:
    group = UserGroup(
        sandbox.stack,
        sandbox.next_id(),
        engine=Engine.VALKEY,
        users=[PasswordUser(sandbox.stack, sandbox.next_id(), user_name="a", access_string="on ~* +@all")],
    )
    cache = ReplicationGroup(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        auth=CacheAuth.user_group(group),
    )
    group.add_user(IamUser(sandbox.stack, sandbox.next_id(), access_string="on ~* +@all"))
    role = iam.Role(sandbox.stack, sandbox.next_id(), assumed_by=iam.AccountRootPrincipal())
    assert cache.grant_connect(role).success


@pytest.mark.parametrize(
    ("call", "prop", "allowed"),
    [
        (lambda cache, role: cache.grant_connect(None), "grantee", "an iam.IGrantable"),
        (
            lambda cache, role: cache.grant("arn:aws:iam::111111111111:role/x", "elasticache:Connect"),
            "grantee",
            "an iam.IGrantable",
        ),
        (lambda cache, role: cache.grant(role), "actions", "one or more ElastiCache actions"),
        (lambda cache, role: cache.grant(role, "s3:GetObject"), "actions", "one or more ElastiCache actions"),
        (lambda cache, role: cache.grant_read_auth_secret("role"), "grantee", "an iam.IGrantable"),
        (lambda cache, role: cache.connections.allow_default_port_from("sg-0123"), "other", "an ec2.IConnectable"),
        (lambda cache, role: cache.metric("CPUUtilization", aggregate="MEDIAN"), "aggregate", "one of MAX, MIN"),
    ],
)
def test_calls_on_a_cache_check_their_arguments(sandbox: Sandbox, call: Any, prop: str, allowed: str) -> None:
    cache = ReplicationGroup(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
    )
    role = iam.Role(sandbox.stack, sandbox.next_id(), assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(ElastiCacheValidationError) as raised:
        call(cache, role)
    (issue,) = raised.value.issues
    assert (issue.code, issue.path, issue.prop) == ("EC100", cache.node.path, prop)
    assert issue.allowed.startswith(allowed)


def test_list_tokens_are_deploy_time_values(sandbox: Sandbox) -> None:
    zones = cdk.CfnParameter(sandbox.stack, sandbox.next_id(), type="List<AWS::EC2::AvailabilityZone::Name>")
    ReplicationGroup(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        preferred_availability_zones=zones.value_as_list,
    )


def test_a_deploy_time_port_is_written_through(sandbox: Sandbox) -> None:
    port = cdk.CfnParameter(sandbox.stack, sandbox.next_id(), type="Number")
    ReplicationGroup(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        port=cast(int, port.value_as_number),
    )


def test_grant_connect_needs_an_iam_user(sandbox: Sandbox) -> None:
    cache = ReplicationGroup(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
    )
    role = iam.Role(sandbox.stack, sandbox.next_id(), assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(ElastiCacheValidationError) as raised:
        cache.grant_connect(role)
    assert raised.value.codes == ["EC306"]


def test_node_type_offered_elsewhere_but_not_in_the_stacks_region() -> None:
    stack = cdk.Stack(new_app(), "Cape", env=cdk.Environment(account="111111111111", region="af-south-1"))
    vpc = isolated_vpc(stack)
    with pytest.raises(ElastiCacheValidationError) as raised:
        ReplicationGroup(stack, "Cache", vpc=vpc, engine_version=EngineVersion.VALKEY_8_2, node_type="cache.c7gn.large")
    (issue,) = raised.value.issues
    assert issue.code == "EC221"
    assert issue.allowed.startswith("a node type ElastiCache offers in af-south-1")


NEGATIVE_TEST_MODULES = (
    "tests.constructs_lib.test_validation",
    "tests.constructs_lib.test_global_datastore",
    "tests.constructs_lib.test_alarms",
    "tests.constructs_lib.test_serverless_validation",
    "tests.constructs_lib.test_memcached_validation",
)
"""Modules with a ``CASES`` table of ``Case`` rows; add yours here."""


def test_every_rule_code_has_a_negative_test() -> None:
    from importlib import import_module

    from tests.test_app import CONTEXT_CASES  # the app's context keys, EC900

    covered = {case.code for name in NEGATIVE_TEST_MODULES for case in import_module(name).CASES}
    covered |= {case[0] for case in CONTEXT_CASES}
    covered |= {"EC306"}  # test_grant_connect_needs_an_iam_user
    covered |= {"EC273"}  # test_alarms.test_an_encrypted_events_topic_is_refused (raised on the cache)
    assert covered >= set(RULES), f"no negative test for {sorted(set(RULES) - covered)}"
