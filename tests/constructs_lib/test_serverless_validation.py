"""Negative tests of ServerlessCache and its imports, keyed on rule codes (the ``Case`` rows of
``tests/constructs_lib/negative.py``; ``test_validation.py`` lists this module in
``NEGATIVE_TEST_MODULES`` so every code stays covered).

Each case builds one construct with one bad input and asserts the code, the construct path, the
property, a fragment of what is allowed and the value given, that it is the only issue, and that
nothing was added to the tree before the error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from constructs_lib import (
    CacheAuth,
    ElastiCacheValidationError,
    Engine,
    EngineVersion,
    PasswordUser,
    ServerlessCache,
    ServerlessEngine,
    UsageLimits,
    UserGroup,
)
from constructs_lib.errors import DEPLOY_TIME_VALUE
from tests.conftest import isolated_vpc, new_app
from tests.constructs_lib.negative import Case, any_value


class Sandbox:
    """A stack with VPCs of several shapes; each construct gets a fresh id."""

    def __init__(self) -> None:
        self.stack = cdk.Stack(new_app(), "Sandbox", env=cdk.Environment(account="111111111111", region="us-east-1"))
        self.vpc = isolated_vpc(self.stack)
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
        user = PasswordUser(self.stack, "ValkeyUser", user_name="app", access_string="on ~* +@all")
        self.valkey_group = UserGroup(self.stack, "ValkeyGroup", engine=Engine.VALKEY, users=[user])
        self.parameter = cdk.CfnParameter(self.stack, "Count", type="Number")
        self._count = 0

    def next_id(self) -> str:
        self._count += 1
        return f"Case{self._count}"


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


def _serverless(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    ServerlessCache(scope, id, **{"vpc": s.vpc, "engine": ServerlessEngine.VALKEY_8, **overrides})


def _import(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    ServerlessCache.from_serverless_cache_attributes(scope, id, **{"serverless_cache_name": "orders", **overrides})


BUILDERS: dict[str, Callable[..., None]] = {"serverless": _serverless, "import": _import}
GB = cdk.Size.gibibytes
ARN = "arn:aws:elasticache:us-east-1:111111111111:serverlesscache:orders"


def _limits(**limits: Any) -> Callable[[Sandbox], dict[str, Any]]:
    return lambda s: {"usage_limits": UsageLimits(**limits)}


CASES = [
    # EC100: wrong types, each reported once
    Case("EC100", "serverless", "engine", "ServerlessEngine.VALKEY_8", "valkey", lambda s: {"engine": "valkey"}),
    Case(
        "EC100",
        "serverless",
        "engine",
        "ServerlessEngine.MEMCACHED_1_6",
        EngineVersion.VALKEY_8_2,
        lambda s: {"engine": EngineVersion.VALKEY_8_2},
    ),
    Case("EC100", "serverless", "usage_limits", "a UsageLimits", {"gb": 10}, lambda s: {"usage_limits": {"gb": 10}}),
    Case(
        "EC100",
        "serverless",
        "usage_limits.max_data_storage",
        "a Size: a whole number of gigabytes",
        10,
        _limits(max_data_storage=10),
    ),
    Case(
        "EC100",
        "serverless",
        "usage_limits.max_ecpu_per_second",
        "ECPUs per second from 1000 to 15000000",
        "5000",
        _limits(max_ecpu_per_second="5000"),
    ),
    Case("EC100", "serverless", "auth", "a CacheAuth", "user-group", lambda s: {"auth": "user-group"}),
    Case("EC100", "serverless", "vpc", "an ec2.IVpc", None, lambda s: {"vpc": None}),
    Case(
        "EC100", "serverless", "vpc_subnets", "an ec2.SubnetSelection", "private", lambda s: {"vpc_subnets": "private"}
    ),
    Case(
        "EC100",
        "serverless",
        "security_groups",
        "a list of ec2.ISecurityGroup",
        "sg",
        lambda s: {"security_groups": s.sg},
        exact=False,
    ),
    Case(
        "EC100",
        "serverless",
        "encryption_key",
        "a kms.IKey",
        "alias/cache",
        lambda s: {"encryption_key": "alias/cache"},
    ),
    Case(
        "EC100",
        "serverless",
        "removal_policy",
        "RemovalPolicy.SNAPSHOT",
        "snapshot",
        lambda s: {"removal_policy": "snapshot"},
    ),
    Case("EC100", "serverless", "backup_retention", "a Duration", 15, lambda s: {"backup_retention": 15}),
    Case("EC100", "serverless", "daily_snapshot_time", "a text", 3, lambda s: {"daily_snapshot_time": 3}),
    Case("EC100", "serverless", "description", "a text", 42, lambda s: {"description": 42}),
    Case("EC100", "import", "engine", "Engine.VALKEY", "valkey", lambda s: {"engine": "valkey"}),
    # EC101: a retention must be known at synth; the token is never shown
    Case(
        "EC101",
        "serverless",
        "backup_retention",
        "a Duration known at synth",
        DEPLOY_TIME_VALUE,
        lambda s: {"backup_retention": cdk.Duration.days(s.parameter.value_as_number)},
    ),
    # EC102: options that exclude or need each other
    Case(
        "EC102",
        "serverless",
        "final_snapshot_name",
        "set only with removal_policy RemovalPolicy.SNAPSHOT",
        "orders-last",
        lambda s: {"final_snapshot_name": "orders-last", "removal_policy": cdk.RemovalPolicy.RETAIN},
    ),
    Case(
        "EC102",
        "serverless",
        "daily_snapshot_time",
        "unset when backup_retention is 0 days",
        "03:00",
        lambda s: {"daily_snapshot_time": "03:00", "backup_retention": cdk.Duration.days(0)},
    ),
    Case(
        "EC102",
        "import",
        "serverless_cache_name, serverless_cache_arn",
        "exactly one of the two",
        ("orders", ARN),
        lambda s: {"serverless_cache_arn": ARN},
    ),
    Case(
        "EC102",
        "import",
        "serverless_cache_name, serverless_cache_arn",
        "exactly one of the two",
        (None, None),
        lambda s: {"serverless_cache_name": None},
    ),
    Case(
        "EC102",
        "import",
        "region, account",
        "unset with serverless_cache_arn",
        ("us-west-2", None),
        lambda s: {"serverless_cache_name": None, "serverless_cache_arn": ARN, "region": "us-west-2"},
    ),
    # EC103: what an import needs for what is asked of it
    Case(
        "EC103",
        "import",
        "engine",
        "given with security_groups, for the ports",
        None,
        lambda s: {"security_groups": [s.sg]},
    ),
    Case(
        "EC103",
        "import",
        "engine",
        "given with endpoint_address and security_groups",
        None,
        lambda s: {"endpoint_address": "orders.serverless.use1.cache.amazonaws.com", "security_groups": [s.sg]},
    ),
    # EC110 / EC111: names and descriptions
    Case(
        "EC110",
        "serverless",
        "serverless_cache_name",
        "lower-case letters",
        "Orders",
        lambda s: {"serverless_cache_name": "Orders"},
    ),
    Case(
        "EC110",
        "serverless",
        "serverless_cache_name",
        "single hyphens",
        "orders--cache",
        lambda s: {"serverless_cache_name": "orders--cache"},
    ),
    Case(
        "EC110", "serverless", "serverless_cache_name", "1-40", "o" * 41, lambda s: {"serverless_cache_name": "o" * 41}
    ),
    Case(
        "EC110",
        "serverless",
        "final_snapshot_name",
        "not ending with a hyphen",
        "orders-",
        lambda s: {"final_snapshot_name": "orders-"},
    ),
    Case(
        "EC110",
        "import",
        "serverless_cache_arn",
        "arn:<partition>:elasticache:<region>:<account>:serverlesscache:<name>",
        "arn:aws:elasticache:us-east-1:111111111111:replicationgroup:orders",
        lambda s: {
            "serverless_cache_name": None,
            "serverless_cache_arn": "arn:aws:elasticache:us-east-1:111111111111:replicationgroup:orders",
        },
    ),
    Case(
        "EC110",
        "import",
        "serverless_cache_name",
        "lower-case",
        "Orders",
        lambda s: {"serverless_cache_name": "Orders"},
    ),
    Case("EC111", "serverless", "description", "without '<' or '>'", "<orders>", lambda s: {"description": "<orders>"}),
    Case(
        "EC111", "serverless", "description", "at most 255 characters", "d" * 256, lambda s: {"description": "d" * 256}
    ),
    Case("EC111", "serverless", "description", "a non-blank text", " ", lambda s: {"description": " "}),
    # Authentication through the shared CacheAuth checks
    Case(
        "EC301",
        "serverless",
        "auth.password_length",
        "from 16 to 128",
        8,
        lambda s: {"auth": CacheAuth.user_group(password_length=8)},
    ),
    Case(
        "EC303",
        "serverless",
        "auth.user_group",
        "a user group of engine redis for a Redis OSS cache",
        "group",
        lambda s: {"engine": ServerlessEngine.REDIS_7, "auth": CacheAuth.user_group(s.valkey_group)},
        exact=False,
    ),
    Case(
        "EC305",
        "serverless",
        "auth.access_string",
        "ACL",
        "onn ~*",
        lambda s: {"auth": CacheAuth.user_group(access_string="onn ~*")},
    ),
    Case(
        "EC272",
        "serverless",
        "credential_rotation",
        "whole days from 1 to 1000",
        "1001 days",
        lambda s: {"credential_rotation": cdk.Duration.days(1001)},
    ),
    # Backups
    Case(
        "EC404",
        "serverless",
        "backup_retention",
        "whole days from 0 to 35",
        "36 days",
        lambda s: {"backup_retention": cdk.Duration.days(36)},
    ),
    Case(
        "EC404",
        "serverless",
        "backup_retention",
        "whole days from 0 to 35",
        "1.5 days",
        lambda s: {"backup_retention": cdk.Duration.hours(36)},
    ),
    # Network
    Case(
        "EC600", "serverless", "vpc", "a VPC with private subnets", "vpc", lambda s: {"vpc": s.public_vpc}, exact=False
    ),
    Case(
        "EC601",
        "serverless",
        "vpc_subnets",
        "private subnets only",
        "subnets",
        lambda s: {"vpc": s.mixed_vpc, "vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)},
        exact=False,
    ),
    Case(
        "EC602",
        "serverless",
        "vpc_subnets",
        "a selection this VPC can satisfy",
        "selection",
        lambda s: {"vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)},
        exact=False,
    ),
    Case("EC603", "serverless", "security_groups", "at least one", [], lambda s: {"security_groups": []}),
    Case("EC603", "import", "security_groups", "at least one", [], lambda s: {"security_groups": []}),
    # EC700-EC702: usage limits
    Case(
        "EC700",
        "serverless",
        "usage_limits.max_data_storage",
        "from 1 to 5000",
        "0 GB",
        _limits(max_data_storage=GB(0)),
    ),
    Case(
        "EC700",
        "serverless",
        "usage_limits.max_data_storage",
        "a whole number of gigabytes",
        "5120 GB",
        _limits(max_data_storage=cdk.Size.tebibytes(5)),
    ),
    Case(
        "EC700",
        "serverless",
        "usage_limits.min_data_storage",
        "a whole number of gigabytes",
        "1.5 GB",
        _limits(min_data_storage=cdk.Size.mebibytes(1536)),
    ),
    Case(
        "EC701",
        "serverless",
        "usage_limits.max_ecpu_per_second",
        "from 1000 to 15000000",
        999,
        _limits(max_ecpu_per_second=999),
    ),
    Case(
        "EC701",
        "serverless",
        "usage_limits.min_ecpu_per_second",
        "from 1000 to 15000000",
        15_000_001,
        _limits(min_ecpu_per_second=15_000_001, max_ecpu_per_second=None),
    ),
    Case(
        "EC702",
        "serverless",
        "usage_limits.min_data_storage",
        "at most usage_limits.max_data_storage (10 GB)",
        20,
        _limits(min_data_storage=GB(20)),
    ),
    Case(
        "EC702",
        "serverless",
        "usage_limits.min_ecpu_per_second",
        "at most usage_limits.max_ecpu_per_second (100000 ECPUs per second)",
        200_000,
        _limits(min_ecpu_per_second=200_000),
    ),
    # EC710: daily snapshot time
    Case(
        "EC710",
        "serverless",
        "daily_snapshot_time",
        "'HH:MM' in UTC",
        "3:00",
        lambda s: {"daily_snapshot_time": "3:00"},
    ),
    Case(
        "EC710",
        "serverless",
        "daily_snapshot_time",
        "'HH:MM' in UTC",
        "24:00",
        lambda s: {"daily_snapshot_time": "24:00"},
    ),
    Case(
        "EC710",
        "serverless",
        "daily_snapshot_time",
        "'HH:MM' in UTC",
        "03:00-04:00",
        lambda s: {"daily_snapshot_time": "03:00-04:00"},
    ),
    # EC720: authentication a serverless cache cannot take
    Case(
        "EC720",
        "serverless",
        "auth",
        "a serverless cache has no AUTH token",
        "generated AUTH token",
        lambda s: {"auth": CacheAuth.generated_token()},
    ),
    Case(
        "EC720",
        "serverless",
        "auth",
        "a serverless cache has no AUTH token",
        "AUTH token from a secret",
        lambda s: {"auth": CacheAuth.token_from_secret(s.secret)},
    ),
    Case(
        "EC720",
        "serverless",
        "auth",
        "unset or CacheAuth.none() on Memcached 1.6 (serverless)",
        "user group",
        lambda s: {"engine": ServerlessEngine.MEMCACHED_1_6, "auth": CacheAuth.user_group()},
    ),
]


def _build_failing(sandbox: Sandbox, case: Case) -> tuple[str, ElastiCacheValidationError]:
    construct_id = sandbox.next_id()
    with pytest.raises(ElastiCacheValidationError) as raised:
        BUILDERS[case.target](sandbox.stack, construct_id, sandbox, **case.overrides(sandbox))
    failed = sandbox.stack.node.try_find_child(construct_id)
    assert failed is None or failed.node.children == [], "validation must fail before any resource is created"
    return f"Sandbox/{construct_id}", raised.value


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule(sandbox: Sandbox, case: Case) -> None:
    path, error = _build_failing(sandbox, case)
    case.check(error, path)


def test_every_problem_is_reported_at_once(sandbox: Sandbox) -> None:
    _, error = _build_failing(
        sandbox,
        Case(
            "",
            "serverless",
            "",
            "",
            None,
            lambda s: {
                "usage_limits": UsageLimits(max_ecpu_per_second=10),
                "serverless_cache_name": "Orders",
                "auth": CacheAuth.generated_token(),
                "daily_snapshot_time": "noon",
            },
        ),
    )
    assert error.codes == ["EC701", "EC110", "EC720", "EC710"]


def test_deploy_time_values_pass_unchecked_and_are_never_shown(sandbox: Sandbox) -> None:
    name = cdk.CfnParameter(sandbox.stack, "Name").value_as_string
    cache = ServerlessCache(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine=ServerlessEngine.VALKEY_8,
        serverless_cache_name=name,
        description=cdk.CfnParameter(sandbox.stack, "Description").value_as_string,
        daily_snapshot_time=cdk.CfnParameter(sandbox.stack, "Time").value_as_string,
        usage_limits=UsageLimits(
            min_data_storage=GB(sandbox.parameter.value_as_number),
            min_ecpu_per_second=any_value(sandbox.parameter.value_as_number),
        ),
    )
    assert sandbox.stack.resolve(cache.resource.final_snapshot_name) == {"Fn::Join": ["", [{"Ref": "Name"}, "-final"]]}
    imported = ServerlessCache.from_serverless_cache_arn(
        sandbox.stack, sandbox.next_id(), cdk.CfnParameter(sandbox.stack, "Arn").value_as_string
    )
    assert sandbox.stack.resolve(imported.cache_id) == {"Fn::Select": [6, {"Fn::Split": [":", {"Ref": "Arn"}]}]}
