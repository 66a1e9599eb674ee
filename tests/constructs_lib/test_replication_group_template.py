"""What a ReplicationGroup writes into the template, by default and with each option.

All variants live in one stack that is synthesized once for the module.
"""

from __future__ import annotations

import inspect
import string
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Annotations, Match, Template
from constructs import IConstruct

from constructs_lib import (
    CacheAuth,
    EngineVersion,
    EvictionPolicy,
    ParameterGroup,
    ReplicationGroup,
    TransitEncryption,
)
from constructs_lib.facts.limits import SECRET_EXCLUDED_CHARACTERS
from constructs_lib.log_delivery import LogDelivery, LogDestination, LogFormat, LogType
from tests.conftest import get_att, isolated_vpc, logical_id, new_app, ref

ACCOUNT, REGION = "111111111111", "eu-west-1"
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


class Built:
    def __init__(self) -> None:
        app = new_app(**{f"availability-zones:account={ACCOUNT}:region={REGION}": ZONES})
        self.stack = stack = cdk.Stack(app, "Caches", env=cdk.Environment(account=ACCOUNT, region=REGION))
        self.vpc = vpc = isolated_vpc(stack)
        common: dict[str, Any] = {
            "vpc": vpc,
            "engine_version": EngineVersion.VALKEY_8_2,
            "node_type": "cache.r7g.large",
        }
        self.default = ReplicationGroup(stack, "Standard", **common)
        self.no_replica = ReplicationGroup(stack, "NoReplica", **common, replicas=0)
        self.failover_only = ReplicationGroup(stack, "FailoverOnly", **common, replicas=4, multi_az=False)
        existing = secretsmanager.Secret.from_secret_name_v2(stack, "Existing", "team/cache")
        self.from_secret = ReplicationGroup(
            stack, "FromSecret", **common, auth=CacheAuth.token_from_secret(existing, json_field="token")
        )
        self.token = ReplicationGroup(stack, "Token", **common, auth=CacheAuth.generated_token())
        self.plain = ReplicationGroup(
            stack, "Plain", **common, auth=CacheAuth.none(), transit_encryption=TransitEncryption.DISABLED
        )
        self.preferred = ReplicationGroup(stack, "Preferred", **common, transit_encryption=TransitEncryption.PREFERRED)
        self.own_key = kms.Key(stack, "OwnKey")
        self.with_key = ReplicationGroup(stack, "WithKey", **common, encryption_key=self.own_key)
        self.at_rest_off = ReplicationGroup(stack, "AtRestOff", **common, at_rest_encryption=False)
        self.tiered = ReplicationGroup(stack, "Tiered", **{**common, "node_type": "cache.r6gd.xlarge"})
        self.no_backups = ReplicationGroup(stack, "NoBackups", **common, backup_retention=cdk.Duration.days(0))
        self.explicit_zones = ReplicationGroup(
            stack,
            "ExplicitZones",
            **common,
            replicas=2,
            preferred_availability_zones=["eu-west-1b", "eu-west-1a", "eu-west-1b"],
        )
        self.tuned = ReplicationGroup(
            stack,
            "Tuned",
            **common,
            eviction_policy=EvictionPolicy.ALLKEYS_LFU,
            reserved_memory_percent=30,
            parameters={"notify-keyspace-events": "Ex"},
            maintenance_window="sat:23:30-sun:00:30",
            port=6380,
            auth=CacheAuth.user_group(user_name="orders", access_string="on ~orders:* -@all +@read +@write"),
        )
        self.client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
        self.tuned.connections.allow_default_port_from(self.client, "from client")
        self.redis_6 = ReplicationGroup(stack, "Redis62", **{**common, "engine_version": EngineVersion.REDIS_6_2})
        self.redis_5 = ReplicationGroup(stack, "Redis5", **{**common, "engine_version": EngineVersion.REDIS_5_0_6})
        self.redis_60 = ReplicationGroup(stack, "Redis60", **{**common, "engine_version": EngineVersion.REDIS_6_0})
        self.no_logs = ReplicationGroup(stack, "NoLogs", **common, log_delivery=[])
        self.custom_logs = ReplicationGroup(
            stack,
            "CustomLogs",
            **common,
            log_delivery=[
                LogDelivery(LogType.SLOW_LOG, LogDestination.firehose("orders-slow-log")),
                LogDelivery(
                    LogType.ENGINE_LOG,
                    LogDestination.existing_log_group(
                        logs.LogGroup.from_log_group_name(stack, "Team", "team/engine-logs")
                    ),
                    LogFormat.TEXT,
                ),
            ],
        )
        self.shared_parameters = ParameterGroup(stack, "Shared", engine_version=EngineVersion.REDIS_7_1)
        self.redis = ReplicationGroup(
            stack,
            "Redis",
            vpc=vpc,
            engine_version=EngineVersion.REDIS_7_1,
            node_type="cache.m7g.large",
            parameter_group=self.shared_parameters,
            replication_group_id="Orders-Cache",
            subnet_group_name="orders-subnets",
            description="Orders' cache <primary>",
        )
        self.role = iam.Role(stack, "AppRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        self.default.grant_read_auth_secret(self.role)
        self.template = Template.from_stack(stack)
        self.resources: dict[str, Any] = self.template.to_json()["Resources"]

    def resource(self, construct: IConstruct | None) -> dict[str, Any]:
        resource: dict[str, Any] = self.resources[logical_id(construct)]
        return resource

    def props(self, cache: ReplicationGroup) -> dict[str, Any]:
        return self.resource(cache.resource)


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_default_is_secure_highly_available_and_uses_rbac(built: Built) -> None:
    resource = built.props(built.default)
    assert resource["DeletionPolicy"] == "Snapshot"
    assert resource["UpdateReplacePolicy"] == "Snapshot"
    props = resource["Properties"]
    assert props == {
        "ReplicationGroupDescription": "Valkey 8.2 replication group Caches/Standard",
        "Engine": "valkey",
        "EngineVersion": "8.2",
        "CacheNodeType": "cache.r7g.large",
        "NumCacheClusters": 2,
        "Port": 6379,
        "CacheSubnetGroupName": ref(built.default.subnet_group.resource),
        "SecurityGroupIds": [get_att(built.default.security_groups[0], "GroupId")],
        "CacheParameterGroupName": ref(built.default.parameter_group),  # type: ignore[arg-type]
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "UserGroupIds": [ref(built.default.user_group)],  # type: ignore[arg-type]
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": get_att(built.default.encryption_key, "Arn"),
        "AutomaticFailoverEnabled": True,
        "MultiAZEnabled": True,
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "SnapshotWindow": "03:00-04:00",
        "SnapshotRetentionLimit": 15,
        "AutoMinorVersionUpgrade": True,
        "LogDeliveryConfigurations": [
            {
                "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": ref(built.default.node.find_child(name))}},
                "DestinationType": "cloudwatch-logs",
                "LogFormat": "json",
                "LogType": log_type,
            }
            for name, log_type in (("SlowLog", "slow-log"), ("EngineLog", "engine-log"))
        ],
    }


def test_logs_go_to_encrypted_log_groups_kept_a_year(built: Built) -> None:
    key_arn = get_att(built.default.encryption_key, "Arn")
    for name in ("SlowLog", "EngineLog"):
        group = built.resource(built.default.node.find_child(name))
        assert group["Properties"] == {"KmsKeyId": key_arn, "RetentionInDays": 365}
        assert group["DeletionPolicy"] == "Retain", "logs outlive a cache deleted with a final snapshot"
    statements = built.resource(built.default.encryption_key)["Properties"]["KeyPolicy"]["Statement"]
    (logs_statement,) = [s for s in statements if s.get("Principal") == {"Service": "logs.eu-west-1.amazonaws.com"}]
    assert "kms:EncryptionContext:aws:logs:arn" in logs_statement["Condition"]["ArnLike"]


def test_log_delivery_choices(built: Built) -> None:
    assert "LogDeliveryConfigurations" not in built.props(built.no_logs)["Properties"]
    assert built.no_logs.node.try_find_child("SlowLog") is None
    custom = built.props(built.custom_logs)["Properties"]["LogDeliveryConfigurations"]
    assert custom == [
        {
            "DestinationDetails": {"KinesisFirehoseDetails": {"DeliveryStream": "orders-slow-log"}},
            "DestinationType": "kinesis-firehose",
            "LogFormat": "json",
            "LogType": "slow-log",
        },
        {
            "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "team/engine-logs"}},
            "DestinationType": "cloudwatch-logs",
            "LogFormat": "text",
            "LogType": "engine-log",
        },
    ]
    only_slow = built.props(built.redis_60)["Properties"]["LogDeliveryConfigurations"]
    assert [c["LogType"] for c in only_slow] == ["slow-log"], "Redis OSS 6.0 has no engine log"
    assert "LogDeliveryConfigurations" not in built.props(built.redis_5)["Properties"]


@pytest.mark.parametrize("log_delivery", [None, []], ids=["cache logs and rotation", "rotation only"])
def test_log_groups_under_an_imported_key_are_warned_about(log_delivery: list[LogDelivery] | None) -> None:
    # Its key policy cannot be changed here, and CloudFormation cannot create the groups without it.
    stack = cdk.Stack(new_app(), "Imported", env=cdk.Environment(account="111111111111", region="us-east-1"))
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    ReplicationGroup(
        stack,
        "Cache",
        vpc=isolated_vpc(stack),
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        encryption_key=key,
        log_delivery=log_delivery,
    )
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("imported KMS key"))
    paths = sorted(w.id for w in warnings)
    expected = ["/Imported/Cache/CredentialRotation"]
    if log_delivery is None:
        expected.insert(0, "/Imported/Cache")
    assert paths == expected
    assert "logs.us-east-1.amazonaws.com" in str(warnings[0].entry.data)


def test_default_writes_no_zones_so_resizing_updates_in_place(built: Built) -> None:
    for cache in (built.default, built.no_replica, built.failover_only, built.tuned):
        assert "PreferredCacheClusterAZs" not in built.props(cache)["Properties"]


def test_default_user_group_holds_a_generated_password_user(built: Built) -> None:
    group = built.resource(built.default.user_group)  # type: ignore[arg-type]
    assert group["Properties"]["Engine"] == "valkey"
    (user_ref,) = group["Properties"]["UserIds"]
    user = built.resources[user_ref["Ref"]]
    user_id = user["Properties"]["UserId"]
    secret = built.default.auth_secret
    assert user["Properties"] == {
        "Engine": "valkey",
        "UserId": user_id,
        "UserName": "app",
        "AccessString": "on ~* &* +@all",
        "AuthenticationMode": {
            "Type": "password",
            "Passwords": [{"Fn::Join": ["", ["{{resolve:secretsmanager:", ref(secret), ":SecretString:password::}}"]]}],
        },
    }
    generator = built.resource(secret)["Properties"]["GenerateSecretString"]
    assert generator == {
        "SecretStringTemplate": '{"username": "app"}',
        "GenerateStringKey": "password",
        "PasswordLength": 64,
        "ExcludeCharacters": SECRET_EXCLUDED_CHARACTERS,
        "IncludeSpace": False,
    }
    # What the generator may still produce: letters, digits and exactly the specials ElastiCache accepts.
    allowed_specials = {c for c in string.punctuation if c not in generator["ExcludeCharacters"]}
    assert allowed_specials == set("!&#$^<>-")
    assert built.resource(secret)["Properties"]["KmsKeyId"] == get_att(built.default.encryption_key, "Arn")


def test_redis_engine_group_has_a_disabled_default_user(built: Built) -> None:
    group = built.resource(built.redis_6.user_group)  # type: ignore[arg-type]
    assert group["Properties"]["Engine"] == "redis"
    default, app = (built.resources[user["Ref"]]["Properties"] for user in group["Properties"]["UserIds"])
    assert default["UserName"] == "default"
    assert default["AccessString"] == "off -@all"
    assert default["AuthenticationMode"] == {"Type": "no-password-required"}
    assert app["UserName"] == "app"
    assert app["AccessString"] == "on ~* &* +@all"


def test_redis_before_6_falls_back_to_a_generated_token(built: Built) -> None:
    props = built.props(built.redis_5)["Properties"]
    assert "UserGroupIds" not in props
    assert props["AuthToken"] == {
        "Fn::Join": ["", ["{{resolve:secretsmanager:", ref(built.redis_5.auth_secret), ":SecretString:::}}"]]
    }


def test_key_rotates_and_is_kept_for_the_final_snapshot(built: Built) -> None:
    key = built.resource(built.default.encryption_key)
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_security_group_is_closed_with_a_safe_description(built: Built) -> None:
    group = built.resource(built.default.security_groups[0])["Properties"]
    assert group["GroupDescription"] == "ElastiCache replication group Standard"
    assert "SecurityGroupIngress" not in group
    # CDK's marker for "no egress": a rule that matches no traffic.
    assert group["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"
    # The free-text description (an apostrophe, angle brackets) never reaches EC2.
    redis_group = built.resource(built.redis.security_groups[0])["Properties"]
    assert redis_group["GroupDescription"] == "ElastiCache replication group Redis"
    assert built.props(built.redis)["Properties"]["ReplicationGroupDescription"] == "Orders' cache <primary>"


def test_subnet_group_uses_private_subnets(built: Built) -> None:
    props = built.resource(built.default.subnet_group.resource)["Properties"]
    assert props["SubnetIds"] == [ref(subnet) for subnet in built.vpc.isolated_subnets]
    assert "CacheSubnetGroupName" not in props


def test_parameter_group_family_follows_engine(built: Built) -> None:
    props = built.resource(built.default.parameter_group)["Properties"]  # type: ignore[arg-type]
    assert props["CacheParameterGroupFamily"] == "valkey8"
    assert props["Properties"] == {"maxmemory-policy": "volatile-lru"}
    assert "CacheParameterGroupName" not in props


def test_endpoints_have_int_ports_and_the_arn_is_regional(built: Built) -> None:
    stack, cache = built.stack, built.default
    cache_id = logical_id(cache.resource)
    assert stack.resolve(cache.endpoint.address) == {"Fn::GetAtt": [cache_id, "PrimaryEndPoint.Address"]}
    assert cache.endpoint.port == 6379
    assert isinstance(cache.endpoint.port, int)
    assert cache.reader_endpoint is not None
    assert stack.resolve(cache.reader_endpoint.address) == {"Fn::GetAtt": [cache_id, "ReaderEndPoint.Address"]}
    assert stack.resolve(cache.cache_id) == {"Ref": cache_id}
    assert stack.resolve(cache.cache_arn) == {
        "Fn::Join": ["", ["arn:aws:elasticache:eu-west-1:111111111111:replicationgroup:", {"Ref": cache_id}]]
    }


def test_grant_read_auth_secret_uses_the_principals_policy_only(built: Built) -> None:
    (policy,) = built.template.find_resources("AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {
        "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        "Effect": "Allow",
        "Resource": ref(built.default.auth_secret),
    } in statements
    via = {"Fn::Join": ["", ["secretsmanager.eu-west-1.", {"Ref": "AWS::URLSuffix"}]]}
    assert {
        "Action": "kms:Decrypt",
        "Condition": {"StringEquals": {"kms:ViaService": via}},
        "Effect": "Allow",
        "Resource": get_att(built.default.encryption_key, "Arn"),
    } in statements
    key_policy = built.resource(built.default.encryption_key)["Properties"]["KeyPolicy"]["Statement"]
    role_arn = get_att(built.role, "Arn")
    assert not any(s.get("Principal") == {"AWS": role_arn} for s in key_policy)


def test_no_replica_turns_failover_and_multi_az_off(built: Built) -> None:
    props = built.props(built.no_replica)["Properties"]
    assert props["NumCacheClusters"] == 1
    assert props["AutomaticFailoverEnabled"] is False
    assert props["MultiAZEnabled"] is False


def test_failover_without_multi_az(built: Built) -> None:
    props = built.props(built.failover_only)["Properties"]
    assert props["NumCacheClusters"] == 5
    assert props["AutomaticFailoverEnabled"] is True
    assert props["MultiAZEnabled"] is False


def test_explicit_zones_are_an_opt_in_kept_in_order(built: Built) -> None:
    props = built.props(built.explicit_zones)["Properties"]
    assert props["PreferredCacheClusterAZs"] == ["eu-west-1b", "eu-west-1a", "eu-west-1b"]


def test_token_from_existing_secret_field(built: Built) -> None:
    props = built.props(built.from_secret)["Properties"]
    token = str(built.stack.resolve(props["AuthToken"]))
    assert "{{resolve:secretsmanager:" in token
    assert ":SecretString:token::}}" in token
    assert "UserGroupIds" not in props
    assert built.from_secret.auth_secret is not None
    assert built.from_secret.auth_secret.node.path == "Caches/Existing"


def test_generated_token_when_asked(built: Built) -> None:
    props = built.props(built.token)["Properties"]
    assert "UserGroupIds" not in props
    secret = built.resource(built.token.auth_secret)["Properties"]
    assert secret["GenerateSecretString"]["PasswordLength"] == 64
    assert secret["Description"] == "AUTH token of Valkey 8.2 replication group Caches/Token"


def test_no_auth_and_no_tls_when_opted_out(built: Built) -> None:
    props = built.props(built.plain)["Properties"]
    assert props["TransitEncryptionEnabled"] is False
    assert "TransitEncryptionMode" not in props
    assert "AuthToken" not in props
    assert "UserGroupIds" not in props
    assert built.plain.auth_secret is None
    assert props["AtRestEncryptionEnabled"] is True


def test_preferred_transit_mode(built: Built) -> None:
    props = built.props(built.preferred)["Properties"]
    assert props["TransitEncryptionEnabled"] is True
    assert props["TransitEncryptionMode"] == "preferred"


def test_given_key_encrypts_data_and_secret(built: Built) -> None:
    key_arn = get_att(built.own_key, "Arn")
    assert built.props(built.with_key)["Properties"]["KmsKeyId"] == key_arn
    assert built.with_key.node.try_find_child("Key") is None
    assert built.resource(built.with_key.auth_secret)["Properties"]["KmsKeyId"] == key_arn


def test_at_rest_off_still_encrypts_the_secret(built: Built) -> None:
    props = built.props(built.at_rest_off)["Properties"]
    assert props["AtRestEncryptionEnabled"] is False
    assert "KmsKeyId" not in props
    assert built.at_rest_off.encryption_key is not None


def test_r6gd_nodes_get_data_tiering(built: Built) -> None:
    assert built.props(built.tiered)["Properties"]["DataTieringEnabled"] is True
    assert "DataTieringEnabled" not in built.props(built.default)["Properties"]


def test_zero_retention_turns_backups_off(built: Built) -> None:
    props = built.props(built.no_backups)["Properties"]
    assert props["SnapshotRetentionLimit"] == 0
    assert "SnapshotWindow" not in props


def test_tuned_parameters_windows_port_and_user(built: Built) -> None:
    props = built.props(built.tuned)["Properties"]
    assert props["Port"] == 6380
    assert props["PreferredMaintenanceWindow"] == "sat:23:30-sun:00:30"
    assert props["SnapshotWindow"] == "21:30-22:30"
    assert built.resource(built.tuned.parameter_group)["Properties"]["Properties"] == {  # type: ignore[arg-type]
        "maxmemory-policy": "allkeys-lfu",
        "reserved-memory-percent": "30",
        "notify-keyspace-events": "Ex",
    }
    (user,) = built.template.find_resources("AWS::ElastiCache::User", {"Properties": {"UserName": "orders"}}).values()
    assert user["Properties"]["AccessString"] == "on ~orders:* -@all +@read +@write"


def test_connections_open_only_the_cache_port_to_a_client(built: Built) -> None:
    ingress = built.template.find_resources(
        "AWS::EC2::SecurityGroupIngress", {"Properties": {"Description": "from client"}}
    )
    assert [r["Properties"] for r in ingress.values()] == [
        {
            "GroupId": get_att(built.tuned.security_groups[0], "GroupId"),
            "SourceSecurityGroupId": get_att(built.client, "GroupId"),
            "IpProtocol": "tcp",
            "FromPort": 6380,
            "ToPort": 6380,
            "Description": "from client",
        }
    ]


def test_shared_parameter_group_and_physical_names(built: Built) -> None:
    props = built.props(built.redis)["Properties"]
    assert props["CacheParameterGroupName"] == ref(built.shared_parameters)
    assert built.redis.node.try_find_child("ParameterGroup") is None
    assert props["ReplicationGroupId"] == "Orders-Cache"
    assert built.resource(built.redis.subnet_group.resource)["Properties"]["CacheSubnetGroupName"] == "orders-subnets"
    assert built.resource(built.shared_parameters)["Properties"]["CacheParameterGroupFamily"] == "redis7"
    # ElastiCache stores ids lower-case; member ids for metrics follow.
    assert built.redis.member_cluster_ids == ["orders-cache-001", "orders-cache-002"]


def test_tls_mode_only_where_the_engine_has_modes(built: Built) -> None:
    props = built.props(built.redis_6)["Properties"]
    assert props["TransitEncryptionEnabled"] is True
    assert "TransitEncryptionMode" not in props
    assert props["AutoMinorVersionUpgrade"] is True


def test_minor_upgrades_only_where_offered(built: Built) -> None:
    props = built.props(built.redis_5)["Properties"]
    assert "AutoMinorVersionUpgrade" not in props
    assert props["EngineVersion"] == "5.0.6"


def test_help_shows_the_keyword_arguments() -> None:
    signature = inspect.signature(ReplicationGroup)
    assert list(signature.parameters)[:5] == ["scope", "id", "vpc", "engine_version", "node_type"]
    assert signature.parameters["replicas"].default == 1
    assert signature.parameters["replicas"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "read replicas besides the primary" in (ReplicationGroup.__doc__ or "")


@pytest.mark.parametrize(
    ("method", "metric_name", "statistic", "aggregate"),
    [
        ("metric_engine_cpu_utilization", "EngineCPUUtilization", "Maximum", "MAX"),
        ("metric_memory_used_for_eviction", "DatabaseMemoryUsageCountedForEvictPercentage", "Maximum", "MAX"),
        ("metric_evictions", "Evictions", "Sum", "SUM"),
        ("metric_current_connections", "CurrConnections", "Maximum", "SUM"),
        ("metric_replication_lag", "ReplicationLag", "Maximum", "MAX"),
        ("metric_cache_hit_rate", "CacheHitRate", "Average", "AVG"),
    ],
)
def test_group_metrics_cover_every_node(
    built: Built, method: str, metric_name: str, statistic: str, aggregate: str
) -> None:
    """A replication group has no group-level dimension: one series per member cluster, combined."""
    metric = getattr(built.failover_only, method)()
    math = metric.to_metric_config().math_expression
    assert math is not None
    assert math.expression == f"{aggregate}([{', '.join(sorted(math.using_metrics))}])"
    members = []
    for series in math.using_metrics.values():
        stat = series.to_metric_config().metric_stat
        assert (stat.namespace, stat.metric_name, stat.statistic) == ("AWS/ElastiCache", metric_name, statistic)
        (dimension,) = stat.dimensions
        assert dimension.name == "CacheClusterId"
        members.append(built.stack.resolve(dimension.value))
    cache_id = {"Ref": logical_id(built.failover_only.resource)}
    assert members == [{"Fn::Join": ["", [cache_id, f"-00{n}"]]} for n in range(1, 6)]


def test_single_node_metric_is_a_plain_metric(built: Built) -> None:
    stat = built.no_replica.metric("Evictions", statistic="Sum").to_metric_config().metric_stat
    assert stat is not None
    assert [d.name for d in stat.dimensions or []] == ["CacheClusterId"]
