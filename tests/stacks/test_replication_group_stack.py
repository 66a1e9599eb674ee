"""The reference deployment: the seed article's Terraform, property for property, plus our extras.

The app is built as `cdk synth` builds it (cdk.json context, cdk-nag packs on); synthesizing it
once for the module also proves the packs find nothing unacknowledged.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Validations
from aws_cdk.assertions import Template

import app as cdk_app
from constructs_lib import ElastiCacheValidationError
from stacks.network_stack import NetworkStack
from stacks.replication_group_stack import ReplicationGroupStack
from tests.conftest import logical_id, new_app


class Built:
    def __init__(self) -> None:
        app = cdk_app.build(new_app())
        self.network: NetworkStack = app.node.find_child("ElastiCacheKit-Network")  # type: ignore[assignment]
        self.stack: ReplicationGroupStack = app.node.find_child("ElastiCacheKit-ReplicationGroup")  # type: ignore[assignment]
        self.resources: dict[str, Any] = Template.from_stack(self.stack).to_json()["Resources"]

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [r for r in self.resources.values() if r["Type"] == type_name]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_subnet_group_named_over_private_subnets(built: Built) -> None:
    (group,) = built.of_type("AWS::ElastiCache::SubnetGroup")
    assert group["Properties"]["CacheSubnetGroupName"] == "app-redis-subnets"
    subnet_ids = group["Properties"]["SubnetIds"]
    assert len(subnet_ids) == 2
    # Cross-stack references to the network stack's isolated subnets.
    assert all("VpccacheSubnet" in str(subnet) for subnet in subnet_ids)


def test_security_group_admits_only_the_app_on_6379(built: Built) -> None:
    groups = {g["Properties"]["GroupDescription"]: g["Properties"] for g in built.of_type("AWS::EC2::SecurityGroup")}
    group = groups["Allow Redis from app"]
    assert "SecurityGroupIngress" not in group
    assert group["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"
    ingress = {r["Properties"]["Description"]: r for r in built.of_type("AWS::EC2::SecurityGroupIngress")}
    assert set(ingress) == {"Redis from the application", "Credential rotation test login"}
    props = ingress["Redis from the application"]["Properties"]
    assert (props["IpProtocol"], props["FromPort"], props["ToPort"]) == ("tcp", 6379, 6379)
    assert "AppSecurityGroup" in str(props["SourceSecurityGroupId"])
    assert "CidrIp" not in props


def test_parameter_group_redis7_allkeys_lru(built: Built) -> None:
    (group,) = built.of_type("AWS::ElastiCache::ParameterGroup")
    # CloudFormation cannot name a parameter group (CacheParameterGroupName is read-only).
    assert "CacheParameterGroupName" not in group["Properties"]
    assert group["Properties"]["CacheParameterGroupFamily"] == "redis7"
    assert group["Properties"]["Properties"] == {"maxmemory-policy": "allkeys-lru"}


def test_replication_group_matches_the_seed_article(built: Built) -> None:
    (group,) = built.of_type("AWS::ElastiCache::ReplicationGroup")
    props = group["Properties"]
    seed = {
        "ReplicationGroupId": "app-redis",
        "ReplicationGroupDescription": "Redis cache for application",
        "Engine": "redis",
        "EngineVersion": "7.0",
        "CacheNodeType": "cache.r6g.large",
        "Port": 6379,
        "AtRestEncryptionEnabled": True,
        "TransitEncryptionEnabled": True,
        "AutomaticFailoverEnabled": True,
        "MultiAZEnabled": True,
        "NumCacheClusters": 2,
        "PreferredMaintenanceWindow": "sun:03:00-sun:04:00",
        "Tags": [{"Key": "Name", "Value": "app-redis"}],
    }
    assert {key: props[key] for key in seed} == seed
    subnet_group, security_group, parameter_group = (
        logical_id(built.stack.cache.subnet_group.resource),
        logical_id(built.stack.cache.security_groups[0]),
        logical_id(built.stack.cache.parameter_group),  # type: ignore[arg-type]
    )
    assert props["CacheSubnetGroupName"] == {"Ref": subnet_group}
    assert props["SecurityGroupIds"] == [{"Fn::GetAtt": [security_group, "GroupId"]}]
    assert props["CacheParameterGroupName"] == {"Ref": parameter_group}


def test_secure_extras(built: Built) -> None:
    (group,) = built.of_type("AWS::ElastiCache::ReplicationGroup")
    props = group["Properties"]
    assert props["TransitEncryptionMode"] == "required"
    assert props["KmsKeyId"] == {"Fn::GetAtt": [logical_id(built.stack.cache.encryption_key), "Arn"]}
    assert "AuthToken" not in props
    assert props["UserGroupIds"] == [{"Ref": logical_id(built.stack.cache.user_group)}]  # type: ignore[arg-type]
    assert props["SnapshotRetentionLimit"] == 15
    assert props["SnapshotWindow"] == "01:00-02:00"
    assert props["AutoMinorVersionUpgrade"] is True
    # No zones: ElastiCache places the nodes (Multi-AZ), and the replica count changes in place.
    assert "PreferredCacheClusterAZs" not in props
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Snapshot", "Snapshot")


def test_rbac_user_group_passes_control_tower_pr8(built: Built) -> None:
    """CT.ELASTICACHE.PR.8 / AWS Config elasticache-rbac-auth-enabled: Redis OSS 6+ uses a user group."""
    (group,) = built.of_type("AWS::ElastiCache::UserGroup")
    assert group["Properties"]["Engine"] == "redis"
    users = {u["Properties"]["UserName"]: u["Properties"] for u in built.of_type("AWS::ElastiCache::User")}
    assert set(users) == {"default", "app"}
    assert users["default"]["AccessString"] == "off -@all"
    assert users["app"]["AuthenticationMode"]["Type"] == "password"
    assert "{{resolve:secretsmanager:" in str(users["app"]["AuthenticationMode"]["Passwords"])


def test_only_the_replication_group_carries_the_name_tag(built: Built) -> None:
    tagged = [
        r["Type"]
        for r in built.resources.values()
        if {"Key": "Name", "Value": "app-redis"} in r.get("Properties", {}).get("Tags", [])
    ]
    assert tagged == ["AWS::ElastiCache::ReplicationGroup"]


def test_acknowledgments_carry_reasons(built: Built) -> None:
    acknowledged = {
        rule: reason
        for construct in built.stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    assert set(acknowledged) == {
        "AwsSolutions::AwsSolutions-AEC5",
        "AwsSolutions::AwsSolutions-AEC6",
        "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
        "HIPAA.Security::HIPAA.Security-LambdaDLQ",
        "NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ",
        # the events topic: ElastiCache cannot publish to an encrypted one
        "AwsSolutions::AwsSolutions-SNS2",
        "HIPAA.Security::HIPAA.Security-SNSEncryptedKMS",
        "NIST.800.53.R5::NIST.800.53.R5-SNSEncryptedKMS",
        "PCI.DSS.321::PCI.DSS.321-SNSEncryptedKMS",
    }
    assert all(len(reason.split()) >= 30 for reason in acknowledged.values())


def test_needs_exactly_one_of_vpc_and_vpc_id(built: Built) -> None:
    with pytest.raises(ElastiCacheValidationError) as raised:
        ReplicationGroupStack(new_app(), "Neither")
    (issue,) = raised.value.issues
    assert (issue.code, issue.path, issue.prop, issue.allowed, issue.given) == (
        "EC102",
        "Neither",
        "vpc, vpc_id",
        "exactly one of the two",
        (None, None),
    )
    with pytest.raises(ElastiCacheValidationError):
        ReplicationGroupStack(new_app(), "Both", vpc=built.network.vpc, vpc_id="vpc-0a1b2c3d4e5f60718")
