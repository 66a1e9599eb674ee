"""What a ReplicationGroup writes into the template, by default and with each option.

All variants live in one stack that is synthesized once for the module.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template
from constructs import IConstruct

from constructs_lib import (
    CacheAuth,
    EngineVersion,
    EvictionPolicy,
    ParameterGroup,
    ReplicationGroup,
    TransitEncryption,
)
from constructs_lib.auth import AUTH_TOKEN_EXCLUDED_CHARACTERS
from tests.conftest import get_att, isolated_vpc, logical_id, new_app, ref

ACCOUNT, REGION = "111111111111", "eu-west-1"
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


class Built:
    def __init__(self) -> None:
        app = new_app(**{f"availability-zones:account={ACCOUNT}:region={REGION}": ZONES})
        self.stack = stack = cdk.Stack(app, "Caches", env=cdk.Environment(account=ACCOUNT, region=REGION))
        self.vpc = vpc = isolated_vpc(stack)
        vpc3 = isolated_vpc(stack, "Vpc3", max_azs=3)
        common: dict[str, Any] = {
            "vpc": vpc,
            "engine_version": EngineVersion.VALKEY_8_2,
            "node_type": "cache.r7g.large",
        }
        self.default = ReplicationGroup(stack, "Standard", **common)
        self.no_replica = ReplicationGroup(stack, "NoReplica", **common, replicas=0)
        self.three_zones = ReplicationGroup(
            stack, "ThreeZones", **{**common, "vpc": vpc3}, replicas=4, automatic_failover=True, multi_az=False
        )
        existing = secretsmanager.Secret.from_secret_name_v2(stack, "Existing", "team/cache")
        self.from_secret = ReplicationGroup(
            stack, "FromSecret", **common, auth=CacheAuth.token_from_secret(existing, json_field="token")
        )
        self.plain = ReplicationGroup(
            stack, "Plain", **common, auth=CacheAuth.none(), transit_encryption=TransitEncryption.DISABLED
        )
        self.preferred = ReplicationGroup(stack, "Preferred", **common, transit_encryption=TransitEncryption.PREFERRED)
        self.own_key = kms.Key(stack, "OwnKey")
        self.with_key = ReplicationGroup(stack, "WithKey", **common, encryption_key=self.own_key)
        self.at_rest_off = ReplicationGroup(stack, "AtRestOff", **common, at_rest_encryption=False)
        self.tiered = ReplicationGroup(stack, "Tiered", **{**common, "node_type": "cache.r6gd.xlarge"})
        self.no_backups = ReplicationGroup(stack, "NoBackups", **common, backup_retention=cdk.Duration.days(0))
        self.destroy = ReplicationGroup(stack, "Destroy", **common, removal_policy=cdk.RemovalPolicy.DESTROY)
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
        )
        self.client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
        self.tuned.connections.allow_default_port_from(self.client, "from client")
        self.redis_6 = ReplicationGroup(stack, "Redis62", **{**common, "engine_version": EngineVersion.REDIS_6_2})
        self.redis_5 = ReplicationGroup(stack, "Redis5", **{**common, "engine_version": EngineVersion.REDIS_5_0_6})
        self.shared_parameters = ParameterGroup(stack, "Shared", engine_version=EngineVersion.REDIS_7_1)
        self.redis = ReplicationGroup(
            stack,
            "Redis",
            vpc=vpc,
            engine_version=EngineVersion.REDIS_7_1,
            node_type="cache.m7g.large",
            parameter_group=self.shared_parameters,
            replication_group_id="orders-cache",
            subnet_group_name="orders-subnets",
            description="Orders cache",
        )
        self.role = iam.Role(stack, "AppRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        self.default.grant_connect(self.role)
        self.default.grant_read_auth_token(self.role)
        self.imported = ReplicationGroup.from_replication_group_attributes(
            stack,
            "Imported",
            replication_group_id="legacy-cache",
            primary_endpoint_address="legacy.abc123.ng.0001.euw1.cache.amazonaws.com",
            port=6390,
            security_groups=[self.default.security_groups[0]],
        )
        self.imported.grant_connect(self.role)
        self.template = Template.from_stack(stack)

    def resource(self, construct: IConstruct) -> dict[str, Any]:
        resource: dict[str, Any] = self.template.to_json()["Resources"][logical_id(construct)]
        return resource

    def props(self, cache: ReplicationGroup) -> dict[str, Any]:
        return self.resource(cache.resource)


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_default_is_secure_and_highly_available(built: Built) -> None:
    resource = built.props(built.default)
    assert resource["DeletionPolicy"] == "Snapshot"
    assert resource["UpdateReplacePolicy"] == "Snapshot"
    props = resource["Properties"]
    key_arn = get_att(built.default.encryption_key, "Arn")
    assert props == {
        "ReplicationGroupDescription": "valkey replication group Caches/Standard",
        "Engine": "valkey",
        "EngineVersion": "8.2",
        "CacheNodeType": "cache.r7g.large",
        "NumCacheClusters": 2,
        "PreferredCacheClusterAZs": ["eu-west-1a", "eu-west-1b"],
        "Port": 6379,
        "CacheSubnetGroupName": ref(built.default.subnet_group),
        "SecurityGroupIds": [get_att(built.default.security_groups[0], "GroupId")],
        "CacheParameterGroupName": ref(built.default.parameter_group),
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "AuthToken": {
            "Fn::Join": ["", ["{{resolve:secretsmanager:", ref(built.default.auth_secret), ":SecretString:::}}"]]
        },
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": key_arn,
        "AutomaticFailoverEnabled": True,
        "MultiAZEnabled": True,
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "SnapshotWindow": "03:00-04:00",
        "SnapshotRetentionLimit": 15,
        "AutoMinorVersionUpgrade": True,
    }


def test_default_generates_token_with_only_accepted_characters(built: Built) -> None:
    secrets = built.template.find_resources(
        "AWS::SecretsManager::Secret",
        {"Properties": {"Description": "AUTH token of valkey replication group Caches/Standard"}},
    )
    (secret,) = secrets.values()
    generator = secret["Properties"]["GenerateSecretString"]
    assert generator == {
        "PasswordLength": 64,
        "ExcludeCharacters": AUTH_TOKEN_EXCLUDED_CHARACTERS,
        "IncludeSpace": False,
    }
    # What the generator may still produce: letters, digits and exactly the specials ElastiCache accepts.
    allowed_specials = {c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" if c not in generator["ExcludeCharacters"]}
    assert allowed_specials == set("!&#$^<>-")
    assert secret["Properties"]["KmsKeyId"] == get_att(built.default.encryption_key, "Arn")


def test_default_key_rotates_and_is_retained(built: Built) -> None:
    assert built.default.encryption_key is not None
    key = built.resource(built.default.encryption_key)
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_default_security_group_is_closed(built: Built) -> None:
    group_id = logical_id(built.default.security_groups[0])
    group = built.template.to_json()["Resources"][group_id]["Properties"]
    assert "SecurityGroupIngress" not in group
    # CDK's marker for "no egress": a rule that matches no traffic.
    assert group["SecurityGroupEgress"] == [
        {
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
            "FromPort": 252,
            "IpProtocol": "icmp",
            "ToPort": 86,
        }
    ]
    ingress = built.template.find_resources(
        "AWS::EC2::SecurityGroupIngress", {"Properties": {"GroupId": {"Fn::GetAtt": [group_id, "GroupId"]}}}
    )
    assert ingress == {}


def test_default_subnet_group_uses_private_subnets(built: Built) -> None:
    props = built.resource(built.default.subnet_group)["Properties"]
    assert props["SubnetIds"] == [ref(subnet) for subnet in built.vpc.isolated_subnets]
    assert "CacheSubnetGroupName" not in props


def test_default_parameter_group_family_follows_engine(built: Built) -> None:
    props = built.resource(built.default.parameter_group)["Properties"]
    assert props["CacheParameterGroupFamily"] == "valkey8"
    assert props["Properties"] == {"maxmemory-policy": "volatile-lru"}


def test_default_exposes_endpoints_and_secret(built: Built) -> None:
    stack, cache = built.stack, built.default
    cache_id = logical_id(cache.resource)
    assert stack.resolve(cache.primary_endpoint.address) == {"Fn::GetAtt": [cache_id, "PrimaryEndPoint.Address"]}
    assert stack.resolve(cache.primary_endpoint.port) == {"Fn::GetAtt": [cache_id, "PrimaryEndPoint.Port"]}
    assert cache.reader_endpoint is not None
    assert stack.resolve(cache.reader_endpoint.address) == {"Fn::GetAtt": [cache_id, "ReaderEndPoint.Address"]}
    assert stack.resolve(cache.cache_id) == {"Ref": cache_id}
    assert stack.resolve(cache.cache_arn) == {
        "Fn::Join": ["", ["arn:aws:elasticache:eu-west-1:111111111111:replicationgroup:", {"Ref": cache_id}]]
    }


def test_grants_connect_and_token_read(built: Built) -> None:
    policies = built.template.find_resources("AWS::IAM::Policy")
    (policy,) = policies.values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    cache_id = logical_id(built.default.resource)
    (connect,) = [s for s in statements if s["Action"] == "elasticache:Connect"]
    # One statement for both caches: the feature flag @aws-cdk/aws-iam:minimizePolicies merges them.
    assert connect["Resource"] == [
        "arn:aws:elasticache:eu-west-1:111111111111:replicationgroup:legacy-cache",
        {"Fn::Join": ["", ["arn:aws:elasticache:eu-west-1:111111111111:replicationgroup:", {"Ref": cache_id}]]},
    ]
    read = next(s for s in statements if "secretsmanager:GetSecretValue" in s["Action"])
    assert read["Resource"] == ref(built.default.auth_secret)
    key_id = logical_id(built.default.encryption_key)
    key_policy = built.template.to_json()["Resources"][key_id]["Properties"]["KeyPolicy"]["Statement"]
    role_id = logical_id(built.role)
    assert {
        "Action": "kms:Decrypt",
        "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}},
        "Effect": "Allow",
        "Principal": {"AWS": {"Fn::GetAtt": [role_id, "Arn"]}},
        "Resource": "*",
    } in key_policy


def test_imported_group_offers_the_shared_interface(built: Built) -> None:
    imported = built.imported
    assert imported.primary_endpoint.address == "legacy.abc123.ng.0001.euw1.cache.amazonaws.com"
    assert imported.primary_endpoint.port == 6390
    assert imported.reader_endpoint is None
    assert imported.auth_secret is None
    default_port = imported.connections.default_port
    assert default_port is not None
    assert built.stack.resolve(default_port.to_rule_json())["fromPort"] == 6390


def test_no_replica_turns_failover_and_multi_az_off(built: Built) -> None:
    props = built.props(built.no_replica)["Properties"]
    assert props["NumCacheClusters"] == 1
    assert props["AutomaticFailoverEnabled"] is False
    assert props["MultiAZEnabled"] is False
    assert props["PreferredCacheClusterAZs"] == ["eu-west-1a"]


def test_replicas_spread_round_robin_over_zones(built: Built) -> None:
    props = built.props(built.three_zones)["Properties"]
    assert props["NumCacheClusters"] == 5
    assert props["PreferredCacheClusterAZs"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1a", "eu-west-1b"]
    assert props["AutomaticFailoverEnabled"] is True
    assert props["MultiAZEnabled"] is False


def test_explicit_zones_are_kept_in_order(built: Built) -> None:
    props = built.props(built.explicit_zones)["Properties"]
    assert props["PreferredCacheClusterAZs"] == ["eu-west-1b", "eu-west-1a", "eu-west-1b"]


def test_token_from_existing_secret_field(built: Built) -> None:
    props = built.props(built.from_secret)["Properties"]
    token = built.stack.resolve(props["AuthToken"])
    assert "{{resolve:secretsmanager:" in str(token)
    assert ":SecretString:token::}}" in str(token)
    assert built.from_secret.auth_secret is not None
    assert built.from_secret.auth_secret.node.path == "Caches/Existing"


def test_no_auth_and_no_tls_when_opted_out(built: Built) -> None:
    props = built.props(built.plain)["Properties"]
    assert props["TransitEncryptionEnabled"] is False
    assert "TransitEncryptionMode" not in props
    assert "AuthToken" not in props
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
    secret_id = ref(built.with_key.auth_secret)["Ref"]
    assert built.template.to_json()["Resources"][secret_id]["Properties"]["KmsKeyId"] == key_arn


def test_at_rest_off_still_encrypts_the_token(built: Built) -> None:
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


def test_removal_policy_applies_to_delete_and_replace(built: Built) -> None:
    resource = built.props(built.destroy)
    assert resource["DeletionPolicy"] == "Delete"
    assert resource["UpdateReplacePolicy"] == "Delete"


def test_tuned_parameters_windows_and_port(built: Built) -> None:
    props = built.props(built.tuned)["Properties"]
    assert props["Port"] == 6380
    assert props["PreferredMaintenanceWindow"] == "sat:23:30-sun:00:30"
    assert props["SnapshotWindow"] == "21:30-22:30"
    group_id = ref(built.tuned.parameter_group)["Ref"]
    assert built.template.to_json()["Resources"][group_id]["Properties"]["Properties"] == {
        "maxmemory-policy": "allkeys-lfu",
        "reserved-memory-percent": "30",
        "notify-keyspace-events": "Ex",
    }


def test_connections_open_only_the_cache_port_to_a_client(built: Built) -> None:
    def group_id(group: Any) -> dict[str, Any]:
        return get_att(group, "GroupId")

    ingress = built.template.find_resources("AWS::EC2::SecurityGroupIngress")
    assert [r["Properties"] for r in ingress.values()] == [
        {
            "GroupId": group_id(built.tuned.security_groups[0]),
            "SourceSecurityGroupId": group_id(built.client),
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
    assert props["ReplicationGroupId"] == "orders-cache"
    assert props["ReplicationGroupDescription"] == "Orders cache"
    subnet_group = built.template.to_json()["Resources"][ref(built.redis.subnet_group)["Ref"]]
    assert subnet_group["Properties"]["CacheSubnetGroupName"] == "orders-subnets"
    shared = built.template.to_json()["Resources"][ref(built.shared_parameters)["Ref"]]
    assert shared["Properties"]["CacheParameterGroupFamily"] == "redis7"


def test_tls_mode_only_where_the_engine_has_modes(built: Built) -> None:
    props = built.props(built.redis_6)["Properties"]
    assert props["TransitEncryptionEnabled"] is True
    assert "TransitEncryptionMode" not in props
    assert props["AutoMinorVersionUpgrade"] is True


def test_minor_upgrades_only_where_offered(built: Built) -> None:
    props = built.props(built.redis_5)["Properties"]
    assert "AutoMinorVersionUpgrade" not in props
    assert props["EngineVersion"] == "5.0.6"
