"""What a ServerlessCache writes into the template, by default and with each option; its endpoints,
connections, grants and metrics; imports into another app; and what a change replaces.

The variants live in one stack synthesized once for the module; the layouts app and the update
comparison synthesize small stacks of their own, once each.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template
from constructs import IConstruct

from constructs_lib import (
    CacheAuth,
    ElastiCacheValidationError,
    Engine,
    IamUser,
    PasswordUser,
    ServerlessCache,
    ServerlessEngine,
    UsageLimits,
    UserGroup,
)
from constructs_lib.facts.names import SERVERLESS_CACHE_NAME
from postdeploy import guard, schemas
from tests.conftest import ROOT, get_att, isolated_vpc, logical_id, new_app, ref

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
ZONES = {"availability-zones:account=111111111111:region=eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}
SERVERLESS = "AWS::ElastiCache::ServerlessCache"


class Built:
    def __init__(self) -> None:
        self.stack = stack = cdk.Stack(new_app(**ZONES), "Caches", env=ENV)
        self.vpc = vpc = isolated_vpc(stack)
        self.standard = ServerlessCache(stack, "Standard", vpc=vpc, engine=ServerlessEngine.VALKEY_8)
        self.own_key = kms.Key(stack, "OwnKey")
        self.own_sg = ec2.SecurityGroup(stack, "OwnSg", vpc=vpc, allow_all_outbound=False)
        self.writer = PasswordUser(
            stack, "Writer", engine=Engine.REDIS, user_name="writer", access_string="on ~* +@all"
        )
        self.reader = IamUser(
            stack, "Reader", engine=Engine.REDIS, user_id="orders-reader", access_string="on ~* +@read"
        )
        self.users = UserGroup(stack, "Users", engine=Engine.REDIS, users=[self.writer, self.reader])
        self.redis = ServerlessCache(
            stack,
            "Redis",
            vpc=vpc,
            engine=ServerlessEngine.REDIS_7,
            serverless_cache_name="orders",
            description="Orders cache",
            usage_limits=UsageLimits(
                min_data_storage=cdk.Size.gibibytes(2),
                max_data_storage=cdk.Size.tebibytes(1),
                min_ecpu_per_second=5_000,
                max_ecpu_per_second=1_000_000,
            ),
            vpc_subnets=ec2.SubnetSelection(availability_zones=["eu-west-1a"]),
            security_groups=[self.own_sg],
            auth=CacheAuth.user_group(self.users),
            encryption_key=self.own_key,
            backup_retention=cdk.Duration.days(7),
            daily_snapshot_time="22:30",
            final_snapshot_name="orders-last",
        )
        self.memcached = ServerlessCache(stack, "Memcached", vpc=vpc, engine=ServerlessEngine.MEMCACHED_1_6)
        self.no_backups = ServerlessCache(
            stack, "NoBackups", vpc=vpc, engine=ServerlessEngine.VALKEY_9, backup_retention=cdk.Duration.days(0)
        )
        self.open = ServerlessCache(
            stack,
            "Open",
            vpc=vpc,
            engine=ServerlessEngine.VALKEY_7,
            usage_limits=UsageLimits.unbounded(),
            auth=CacheAuth.none(),
        )
        self.retained = ServerlessCache(
            stack, "Retained", vpc=vpc, engine=ServerlessEngine.VALKEY_8, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        self.destroyed = ServerlessCache(
            stack, "Destroyed", vpc=vpc, engine=ServerlessEngine.VALKEY_8, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        gigabytes = cdk.CfnParameter(stack, "Gigabytes", type="Number")
        ecpus = cdk.CfnParameter(stack, "Ecpus", type="Number")
        self.deploy_time = ServerlessCache(
            stack,
            "DeployTime",
            vpc=vpc,
            engine=ServerlessEngine.VALKEY_8,
            usage_limits=UsageLimits(
                max_data_storage=cdk.Size.gibibytes(gigabytes.value_as_number),
                max_ecpu_per_second=ecpus.value_as_number,  # type: ignore[arg-type]  # a number token
            ),
        )
        self.unrotated = ServerlessCache(
            stack, "Unrotated", vpc=vpc, engine=ServerlessEngine.VALKEY_8, credential_rotation=None
        )
        self.client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
        self.standard.connections.allow_default_port_from(self.client, "from client")
        self.memcached.connections.allow_default_port_from(self.client, "memcached from client")
        self.role = iam.Role(stack, "AppRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        self.standard.grant_read_auth_secret(self.role)
        self.redis.grant_connect(self.role)
        self.memcached.grant(self.role, "elasticache:DescribeServerlessCaches")
        self.template = Template.from_stack(stack)
        self.resources: dict[str, Any] = self.template.to_json()["Resources"]

    def resource(self, construct: IConstruct | None) -> dict[str, Any]:
        resource: dict[str, Any] = self.resources[logical_id(construct)]
        return resource

    def props(self, cache: ServerlessCache) -> dict[str, Any]:
        properties: dict[str, Any] = self.resource(cache.resource)["Properties"]
        return properties

    def under(self, cache: ServerlessCache, type_name: str) -> list[dict[str, Any]]:
        """Resources of ``type_name`` the cache created under its own path."""
        ids = {logical_id(c) for c in cache.node.find_all() if isinstance(c, cdk.CfnResource)}
        return [r for k, r in self.resources.items() if k in ids and r["Type"] == type_name]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_default_is_encrypted_capped_backed_up_and_uses_rbac(built: Built) -> None:
    resource = built.resource(built.standard.resource)
    # Not "Snapshot": CloudFormation has no such policy for serverless caches (cfn-lint E3035).
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Delete", "Delete")
    name = resource["Properties"]["ServerlessCacheName"]
    assert resource["Properties"] == {
        "ServerlessCacheName": name,
        "Engine": "valkey",
        "MajorEngineVersion": "8",
        "Description": "Valkey 8 (serverless) cache Caches/Standard",
        "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 100000}},
        "KmsKeyId": get_att(built.standard.encryption_key, "Arn"),
        "SubnetIds": [ref(subnet) for subnet in built.vpc.isolated_subnets],
        "SecurityGroupIds": [get_att(built.standard.security_groups[0], "GroupId")],
        "UserGroupId": ref(built.standard.user_group),  # type: ignore[arg-type]
        "SnapshotRetentionLimit": 15,
        "DailySnapshotTime": "03:00",
        "FinalSnapshotName": f"{name}-final",
    }
    assert "ConnectionType" not in resource["Properties"], "VPC endpoint only, never public"


def test_generated_name_follows_the_rule_and_is_stable(built: Built) -> None:
    name = built.props(built.standard)["ServerlessCacheName"]
    assert SERVERLESS_CACHE_NAME.accepts(name)
    assert re.fullmatch(r"caches-standard-[0-9a-f]{8}", name), name
    again = cdk.Stack(new_app(**ZONES), "Caches", env=ENV)
    rebuilt = ServerlessCache(again, "Standard", vpc=isolated_vpc(again), engine=ServerlessEngine.VALKEY_8)
    assert rebuilt.resource.serverless_cache_name == name


def test_key_rotates_and_outlives_the_cache_for_its_final_snapshot(built: Built) -> None:
    key = built.resource(built.standard.encryption_key)
    assert key["Properties"]["EnableKeyRotation"] is True
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_default_user_group_holds_a_generated_password_user(built: Built) -> None:
    group = built.resource(built.standard.user_group)  # type: ignore[arg-type]
    assert group["Properties"]["Engine"] == "valkey"
    (user_ref,) = group["Properties"]["UserIds"]
    user = built.resources[user_ref["Ref"]]["Properties"]
    secret = built.standard.auth_secret
    assert (user["Engine"], user["UserName"], user["AccessString"]) == ("valkey", "app", "on ~* &* +@all")
    assert user["AuthenticationMode"] == {
        "Type": "password",
        "Passwords": [{"Fn::Join": ["", ["{{resolve:secretsmanager:", ref(secret), ":SecretString:password::}}"]]}],
    }
    assert built.resource(secret)["Properties"]["KmsKeyId"] == get_att(built.standard.encryption_key, "Arn")


def test_security_group_is_closed_but_for_the_client_on_both_ports(built: Built) -> None:
    group = built.resource(built.standard.security_groups[0])["Properties"]
    assert group["GroupDescription"] == "ElastiCache serverless cache Standard"
    assert "SecurityGroupIngress" not in group
    assert group["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"
    rules = {
        r["Properties"]["Description"]: r["Properties"]
        for r in built.resources.values()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress"
    }
    valkey, memcached = rules["from client"], rules["memcached from client"]
    assert (valkey["FromPort"], valkey["ToPort"]) == (6379, 6380), "writes on 6379, reads from replicas on 6380"
    assert valkey["GroupId"] == get_att(built.standard.security_groups[0], "GroupId")
    assert valkey["SourceSecurityGroupId"] == get_att(built.client, "GroupId")
    assert (memcached["FromPort"], memcached["ToPort"]) == (11211, 11211)


def test_endpoints(built: Built) -> None:
    address = get_att(built.standard.resource, "Endpoint.Address")
    assert built.stack.resolve(built.standard.endpoint.address) == address
    assert built.standard.endpoint.port == 6379
    reader = built.standard.reader_endpoint
    assert reader is not None
    assert (built.stack.resolve(reader.address), reader.port) == (address, 6380)
    assert built.memcached.endpoint.port == 11211
    assert built.memcached.reader_endpoint is None
    assert built.stack.resolve(built.standard.cache_id) == ref(built.standard.resource)


def test_every_option_is_written(built: Built) -> None:
    props = built.props(built.redis)
    assert props == {
        "ServerlessCacheName": "orders",
        "Engine": "redis",
        "MajorEngineVersion": "7",
        "Description": "Orders cache",
        "CacheUsageLimits": {
            "DataStorage": {"Minimum": 2, "Maximum": 1024, "Unit": "GB"},
            "ECPUPerSecond": {"Minimum": 5000, "Maximum": 1000000},
        },
        "KmsKeyId": get_att(built.own_key, "Arn"),
        "SubnetIds": [ref(built.vpc.isolated_subnets[0])],
        "SecurityGroupIds": [get_att(built.own_sg, "GroupId")],
        "UserGroupId": ref(built.users),
        "SnapshotRetentionLimit": 7,
        "DailySnapshotTime": "22:30",
        "FinalSnapshotName": "orders-last",
    }
    # Given a key, group and security group, it creates none of its own.
    assert [c.node.id for c in built.redis.node.children] == ["Resource"]


def test_the_generated_users_password_rotates_every_30_days(built: Built) -> None:
    """The same rotation function as a replication group's: ModifyUser, then a login over TLS."""
    resources = built.resources
    schedules = [r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::SecretsManager::RotationSchedule"]
    secret = built.standard.auth_secret
    assert secret is not None
    (schedule,) = [s for s in schedules if s["SecretId"] == ref(secret)]
    assert schedule["RotationRules"] == {"ScheduleExpression": "rate(30 days)"}
    assert built.standard.rotation is not None
    function = resources[logical_id(built.standard.rotation)]["Properties"]
    variables = function["Environment"]["Variables"]
    assert (variables["CREDENTIAL_KIND"], variables["CACHE_PORT"], variables["CACHE_TLS"]) == (
        "user-password",
        "6379",
        "true",
    )
    assert variables["CACHE_HOST"] == get_att(built.standard.resource, "Endpoint.Address")
    # Nothing generated, nothing to rotate: a group of the user's own, Memcached, no auth, opted out.
    assert (built.redis.rotation, built.memcached.rotation, built.open.rotation) == (None, None, None)
    assert built.unrotated.rotation is None
    assert built.unrotated.auth_secret is not None


def test_memcached_has_no_users_but_snapshots(built: Built) -> None:
    props = built.props(built.memcached)
    assert (props["Engine"], props["MajorEngineVersion"]) == ("memcached", "1.6")
    assert "UserGroupId" not in props
    assert built.memcached.user_group is None
    assert built.memcached.auth_secret is None
    # Snapshots are available for Valkey, Redis OSS and Serverless Memcached [API:CreateServerlessCache].
    assert (props["SnapshotRetentionLimit"], props["DailySnapshotTime"]) == (15, "03:00")
    assert built.under(built.memcached, "AWS::ElastiCache::UserGroup") == []


def test_backups_off_writes_no_automatic_snapshot_but_keeps_the_final_one(built: Built) -> None:
    props = built.props(built.no_backups)
    assert "SnapshotRetentionLimit" not in props
    assert "DailySnapshotTime" not in props
    assert props["FinalSnapshotName"] == f"{props['ServerlessCacheName']}-final"
    assert props["MajorEngineVersion"] == "9"


def test_explicit_opt_outs_write_no_limits_and_no_user_group(built: Built) -> None:
    props = built.props(built.open)
    assert "CacheUsageLimits" not in props
    assert "UserGroupId" not in props
    assert built.under(built.open, "AWS::ElastiCache::User") == []
    assert built.under(built.open, "AWS::SecretsManager::Secret") == []
    assert built.open.auth_secret is None


def test_deploy_time_limits_are_written_unchecked(built: Built) -> None:
    limits = built.props(built.deploy_time)["CacheUsageLimits"]
    assert limits == {
        "DataStorage": {"Maximum": {"Ref": "Gigabytes"}, "Unit": "GB"},
        "ECPUPerSecond": {"Maximum": {"Ref": "Ecpus"}},
    }


def test_readme_lists_the_create_only_properties() -> None:
    names = ", ".join(f"`{name}`" for name in sorted(schemas.create_only(SERVERLESS)))
    assert f"| `{SERVERLESS}` | {names} |\n" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    ("variant", "cache", "key", "others", "final_snapshot"),
    [
        ("standard", "Delete", "Retain", "Delete", True),
        ("retained", "Retain", "Retain", "Retain", False),
        ("destroyed", "Delete", "Delete", "Delete", False),
    ],
)
def test_removal_policy_covers_the_family(
    built: Built, variant: str, cache: str, key: str, others: str, final_snapshot: bool
) -> None:
    construct: ServerlessCache = getattr(built, variant)
    policies: dict[str, set[tuple[str, str]]] = {}
    for type_name in (
        SERVERLESS,
        "AWS::KMS::Key",
        "AWS::EC2::SecurityGroup",
        "AWS::ElastiCache::UserGroup",
        "AWS::ElastiCache::User",
        "AWS::SecretsManager::Secret",
    ):
        # The cache's security group and, where a password rotates, the rotation function's.
        found = built.under(construct, type_name)
        assert found, type_name
        policies[type_name] = {
            (r.get("DeletionPolicy", "Delete"), r.get("UpdateReplacePolicy", "Delete")) for r in found
        }
    assert policies.pop(SERVERLESS) == {(cache, cache)}
    assert policies.pop("AWS::KMS::Key") == {(key, key)}
    assert all(pairs == {(others, others)} for pairs in policies.values()), policies
    assert ("FinalSnapshotName" in built.props(construct)) is final_snapshot


def test_no_snapshot_deletion_policy_because_cfn_lint_refuses_it() -> None:
    """cfn-lint's E3035 and E3036 accept ``Snapshot`` only for the types in this set."""
    from cfnlint.helpers import valid_snapshot_types  # type: ignore[import-untyped]

    assert "AWS::ElastiCache::ReplicationGroup" in valid_snapshot_types
    assert SERVERLESS not in valid_snapshot_types


def test_grants_are_on_the_role_policy(built: Built) -> None:
    (policy,) = [r for r in built.resources.values() if r["Type"] == "AWS::IAM::Policy"]
    statements = {
        (s["Action"] if isinstance(s["Action"], str) else s["Action"][-1]): s["Resource"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    }
    prefix = "arn:aws:elasticache:eu-west-1:111111111111"
    assert statements["elasticache:Connect"] == [
        {"Fn::Join": ["", [f"{prefix}:serverlesscache:", ref(built.redis.resource)]]},
        {"Fn::Join": ["", [f"{prefix}:user:", ref(built.reader)]]},  # the IAM user, not the password user
    ]
    assert statements["elasticache:DescribeServerlessCaches"] == {
        "Fn::Join": ["", [f"{prefix}:serverlesscache:", ref(built.memcached.resource)]]
    }
    assert statements["secretsmanager:GetSecretValue"] == ref(built.standard.auth_secret)


def test_canned_metrics_use_the_cluster_id_dimension(built: Built) -> None:
    """The alpha module's ``ServerlessCacheName`` dimension returns no data; ``clusterId`` does."""
    expected = {
        "metric_processing_units": ("ElastiCacheProcessingUnits", "Sum"),
        "metric_bytes_used": ("BytesUsedForCache", "Maximum"),
        "metric_throttled_commands": ("ThrottledCmds", "Sum"),
        "metric_read_latency": ("SuccessfulReadRequestLatency", "Average"),
        "metric_write_latency": ("SuccessfulWriteRequestLatency", "Average"),
        "metric_cache_hit_rate": ("CacheHitRate", "Average"),
        "metric_current_connections": ("CurrConnections", "Maximum"),
        "metric_evictions": ("Evictions", "Sum"),
    }
    for method, (name, statistic) in expected.items():
        metric = getattr(built.standard, method)()
        assert isinstance(metric, cloudwatch.Metric), method
        assert (metric.namespace, metric.metric_name, metric.statistic) == ("AWS/ElastiCache", name, statistic)
        assert built.stack.resolve(metric.dimensions) == {"clusterId": ref(built.standard.resource)}
    alarm = cloudwatch.Alarm(
        built.stack, "Throttled", metric=built.standard.metric_throttled_commands(), threshold=1, evaluation_periods=1
    )
    rendered = alarm.node.default_child
    assert isinstance(rendered, cloudwatch.CfnAlarm)
    assert built.stack.resolve(rendered.dimensions) == [{"name": "clusterId", "value": ref(built.standard.resource)}]


def test_keyword_only_props_are_documented() -> None:
    signature = inspect.signature(ServerlessCache)
    keywords = [p for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert [p.name for p in keywords][:2] == ["vpc", "engine"]
    doc = inspect.getdoc(ServerlessCache) or ""
    for parameter in keywords:
        assert f":param {parameter.name}:" in doc, parameter.name
        if parameter.default is not inspect.Parameter.empty:
            assert "Default:" in doc.split(f":param {parameter.name}:")[1].split(":param")[0], parameter.name


# --- layouts: clients in another stack, imports into another app --------------------------------


class Layout:
    """A cache in one stack, clients in a second stack, imports in a third with another account."""

    def __init__(self) -> None:
        app = new_app()
        self.cache_stack = cdk.Stack(app, "Cache", env=ENV)
        vpc = isolated_vpc(self.cache_stack)
        reader = IamUser(self.cache_stack, "Reader", access_string="on ~* -@all +@read")
        writer = PasswordUser(self.cache_stack, "Writer", user_name="writer", access_string="on ~* +@all")
        users = UserGroup(self.cache_stack, "Users", engine=Engine.VALKEY, users=[writer, reader])
        self.cache = ServerlessCache(
            self.cache_stack, "Cache", vpc=vpc, engine=ServerlessEngine.VALKEY_8, auth=CacheAuth.user_group(users)
        )

        self.clients = cdk.Stack(app, "Clients", env=ENV)
        self.client_sg = ec2.SecurityGroup(self.clients, "Client", vpc=vpc, allow_all_outbound=False)
        self.task_role = iam.Role(self.clients, "Task", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        self.cache.connections.allow_default_port_from(self.client_sg, "client")
        self.cache.grant_connect(self.task_role)
        self.cache.grant_read_auth_secret(self.task_role)
        cdk.CfnOutput(self.clients, "Endpoint", value=self.cache.endpoint.socket_address)

        self.consumer = consumer = cdk.Stack(
            app, "Consumer", env=cdk.Environment(account="333333333333", region="eu-west-1")
        )
        consumer_vpc = isolated_vpc(consumer)
        self.imported = ServerlessCache.from_serverless_cache_attributes(
            consumer,
            "Orders",
            serverless_cache_name="orders",
            engine=Engine.VALKEY,
            endpoint_address="orders-abc123.serverless.use1.cache.amazonaws.com",
            security_groups=[ec2.SecurityGroup.from_security_group_id(consumer, "OrdersSg", "sg-0123456789abcdef0")],
            auth_secret=secretsmanager.Secret.from_secret_complete_arn(
                consumer, "OrdersSecret", "arn:aws:secretsmanager:us-east-1:222222222222:secret:orders-AbCdEf"
            ),
            iam_users=[IamUser.from_user_id(consumer, "OrdersReader", "orders-reader")],
            region="us-east-1",
            account="222222222222",
        )
        self.by_arn = ServerlessCache.from_serverless_cache_arn(
            consumer, "Sessions", "arn:aws:elasticache:ap-south-1:444444444444:serverlesscache:sessions"
        )
        self.by_name = ServerlessCache.from_serverless_cache_name(consumer, "Legacy", "legacy")
        self.memcached = ServerlessCache.from_serverless_cache_attributes(
            consumer,
            "Pages",
            serverless_cache_name="pages",
            engine=Engine.MEMCACHED,
            security_groups=[ec2.SecurityGroup.from_security_group_id(consumer, "PagesSg", "sg-0fedcba9876543210")],
        )
        app_sg = ec2.SecurityGroup(consumer, "App", vpc=consumer_vpc, allow_all_outbound=False)
        self.consumer_role = iam.Role(consumer, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        self.imported.connections.allow_default_port_from(app_sg)
        self.memcached.connections.allow_default_port_from(app_sg)
        self.imported.grant_connect(self.consumer_role)
        self.imported.grant_read_auth_secret(self.consumer_role)
        self.by_arn.grant(self.consumer_role, "elasticache:DescribeServerlessCaches")
        self.assembly = app.synth()

    def resources(self, stack: cdk.Stack, type_name: str) -> list[dict[str, Any]]:
        return [dict(r) for r in Template.from_stack(stack).find_resources(type_name).values()]


@pytest.fixture(scope="module")
def layout() -> Layout:
    return Layout()


def test_clients_in_another_stack_make_no_cycle(layout: Layout) -> None:
    depends = {s.stack_name: {d.id for d in s.dependencies} for s in layout.assembly.stacks}
    assert "Cache" in depends["Clients"]
    assert "Clients" not in depends["Cache"]
    (rule,) = layout.resources(layout.clients, "AWS::EC2::SecurityGroupIngress")
    assert (rule["Properties"]["FromPort"], rule["Properties"]["ToPort"]) == (6379, 6380)
    assert layout.resources(layout.cache_stack, "AWS::IAM::Policy") == []
    (policy,) = layout.resources(layout.clients, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    connect = next(s for s in statements if s["Action"] == "elasticache:Connect")
    assert sorted(":user:" in str(arn) for arn in connect["Resource"]) == [False, True]
    assert ":serverlesscache:" in str(connect["Resource"])


def test_a_cache_imported_from_another_region_and_account(layout: Layout) -> None:
    stack, cache = layout.consumer, layout.imported
    assert stack.resolve(cache.cache_arn) == "arn:aws:elasticache:us-east-1:222222222222:serverlesscache:orders"
    assert cache.endpoint.socket_address == "orders-abc123.serverless.use1.cache.amazonaws.com:6379"
    assert cache.reader_endpoint is not None
    assert cache.reader_endpoint.socket_address == "orders-abc123.serverless.use1.cache.amazonaws.com:6380"
    ingress = {
        r["Properties"]["GroupId"]: r["Properties"] for r in layout.resources(stack, "AWS::EC2::SecurityGroupIngress")
    }
    assert (ingress["sg-0123456789abcdef0"]["FromPort"], ingress["sg-0123456789abcdef0"]["ToPort"]) == (6379, 6380)
    assert (ingress["sg-0fedcba9876543210"]["FromPort"], ingress["sg-0fedcba9876543210"]["ToPort"]) == (11211, 11211)
    (policy,) = layout.resources(stack, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    connect = next(s for s in statements if s["Action"] == "elasticache:Connect")
    assert "arn:aws:elasticache:us-east-1:222222222222:serverlesscache:orders" in connect["Resource"]
    describe = next(s for s in statements if s["Action"] == "elasticache:DescribeServerlessCaches")
    assert describe["Resource"] == "arn:aws:elasticache:ap-south-1:444444444444:serverlesscache:sessions"
    metric = cache.metric_bytes_used()
    assert isinstance(metric, cloudwatch.Metric)
    assert metric.dimensions == {"clusterId": "orders"}


def test_an_arn_import_takes_region_and_account_from_the_arn(layout: Layout) -> None:
    cache = layout.by_arn
    assert (cache.env.region, cache.env.account) == ("ap-south-1", "444444444444")
    assert cache.cache_id == "sessions"
    assert cache.engine is None


def test_an_import_by_name_alone_refuses_connections_and_endpoint(layout: Layout) -> None:
    cache = layout.by_name
    assert (
        layout.consumer.resolve(cache.cache_arn) == "arn:aws:elasticache:eu-west-1:333333333333:serverlesscache:legacy"
    )
    with pytest.raises(ElastiCacheValidationError) as raised:
        _ = cache.connections
    assert raised.value.codes == ["EC103"]
    with pytest.raises(ElastiCacheValidationError):
        _ = cache.endpoint
    assert cache.reader_endpoint is None


# --- what a change replaces, and what it updates in place ---------------------------------------


def template(own_key: bool = False, **props: Any) -> dict[str, Any]:
    stack = cdk.Stack(new_app(**ZONES), "Updates", env=ENV)
    if own_key:
        props["encryption_key"] = kms.Key(stack, "OwnKey")
    ServerlessCache(stack, "Cache", vpc=isolated_vpc(stack), **{"engine": ServerlessEngine.VALKEY_8, **props})
    resources: dict[str, Any] = Template.from_stack(stack).to_json()["Resources"]
    return resources


def cache_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[set[str], list[tuple[str, str]]]:
    """(properties of the serverless cache that differ, what the update would replace)."""
    (key,) = [k for k, r in before.items() if r["Type"] == SERVERLESS]
    changed = {
        p
        for p in set(before[key]["Properties"]) | set(after[key]["Properties"])
        if before[key]["Properties"].get(p) != after[key]["Properties"].get(p)
    }
    findings = guard.replacements({"Resources": before}, {"Resources": after})
    return changed, [(f.logical_id, f.property) for f in findings]


@pytest.fixture(scope="module")
def before() -> dict[str, Any]:
    return template()


def test_create_only_properties_come_from_the_schema() -> None:
    assert schemas.create_only(SERVERLESS) == {
        "ServerlessCacheName",
        "KmsKeyId",
        "SnapshotArnsToRestore",
        "SubnetIds",
        "NetworkType",
        "ConnectionType",
    }
    assert "Engine" not in schemas.create_only(SERVERLESS)
    assert "MajorEngineVersion" not in schemas.create_only(SERVERLESS)


def test_engine_limits_backups_and_description_update_in_place(before: dict[str, Any]) -> None:
    after = template(
        engine=ServerlessEngine.VALKEY_9,
        usage_limits=UsageLimits(max_data_storage=cdk.Size.gibibytes(50), min_ecpu_per_second=2_000),
        backup_retention=cdk.Duration.days(30),
        daily_snapshot_time="23:15",
        description="Sessions",
        final_snapshot_name="sessions-final",
    )
    changed, replaced = cache_changes(before, after)
    assert changed == {
        "MajorEngineVersion",
        "CacheUsageLimits",
        "SnapshotRetentionLimit",
        "DailySnapshotTime",
        "Description",
        "FinalSnapshotName",
    }
    assert replaced == []


def test_name_key_and_subnets_replace_and_the_comparison_says_so(before: dict[str, Any]) -> None:
    after = template(
        own_key=True,
        serverless_cache_name="sessions",
        vpc_subnets=ec2.SubnetSelection(availability_zones=["eu-west-1b"]),
    )
    changed, replaced = cache_changes(before, after)
    assert {"KmsKeyId", "ServerlessCacheName", "SubnetIds"} <= changed
    (cache,) = [k for k, r in before.items() if r["Type"] == SERVERLESS]
    assert sorted(reason for logical_id, reason in replaced if logical_id == cache) == [
        "KmsKeyId",
        "ServerlessCacheName",
        "SubnetIds",
    ]
