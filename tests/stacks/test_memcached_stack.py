"""The reference Memcached stack, as `cdk synth` builds it (cdk.json context, cdk-nag packs on):
synthesizing the app once for the module also proves the packs find nothing unacknowledged."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Validations
from aws_cdk.assertions import Template

import app as cdk_app
from constructs_lib import ElastiCacheValidationError
from stacks.memcached_stack import MemcachedStack
from stacks.network_stack import NetworkStack
from tests.conftest import logical_id, new_app


class Built:
    def __init__(self) -> None:
        app = cdk_app.build(new_app())
        self.network: NetworkStack = app.node.find_child("ElastiCacheKit-Network")  # type: ignore[assignment]
        self.stack: MemcachedStack = app.node.find_child("ElastiCacheKit-Memcached")  # type: ignore[assignment]
        app.synth()  # runs the four cdk-nag packs; an unacknowledged finding raises
        self.resources: dict[str, Any] = Template.from_stack(self.stack).to_json()["Resources"]

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [r for r in self.resources.values() if r["Type"] == type_name]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_only_the_cluster_its_network_family_and_alarms(built: Built) -> None:
    assert sorted(r["Type"] for r in built.resources.values() if r["Type"] != "AWS::CDK::Metadata") == [
        *["AWS::CloudWatch::Alarm"] * 4,
        "AWS::CloudWatch::Dashboard",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::ElastiCache::CacheCluster",
        "AWS::ElastiCache::ParameterGroup",
        "AWS::ElastiCache::SubnetGroup",
        "AWS::KMS::Key",
        "AWS::SNS::Topic",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SNS::TopicPolicy",
    ]


def test_two_nodes_across_zones_with_tls(built: Built) -> None:
    (cluster,) = built.of_type("AWS::ElastiCache::CacheCluster")
    cache = built.stack.cache
    assert cluster["Properties"] == {
        "Engine": "memcached",
        "EngineVersion": "1.6.22",
        "CacheNodeType": "cache.m6g.large",
        "NumCacheNodes": 2,
        "AZMode": "cross-az",
        "Port": 11211,
        "TransitEncryptionEnabled": True,
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "CacheSubnetGroupName": {"Ref": logical_id(cache.subnet_group.resource)},
        "VpcSecurityGroupIds": [{"Fn::GetAtt": [logical_id(cache.security_groups[0]), "GroupId"]}],
        "CacheParameterGroupName": {"Ref": logical_id(cache.parameter_group)},  # type: ignore[arg-type]
        "NotificationTopicArn": {"Ref": logical_id(built.stack.alarms.events_topic)},
    }
    # Explicit, as cfn-lint I3011 asks; nothing to snapshot.
    assert (cluster["DeletionPolicy"], cluster["UpdateReplacePolicy"]) == ("Delete", "Delete")


def test_subnet_group_over_the_networks_private_subnets(built: Built) -> None:
    (group,) = built.of_type("AWS::ElastiCache::SubnetGroup")
    subnet_ids = group["Properties"]["SubnetIds"]
    assert len(subnet_ids) == 2
    assert all("VpccacheSubnet" in str(subnet) for subnet in subnet_ids)
    assert "CacheSubnetGroupName" not in group["Properties"]


def test_only_the_application_reaches_11211(built: Built) -> None:
    (group,) = built.of_type("AWS::EC2::SecurityGroup")
    assert "SecurityGroupIngress" not in group["Properties"]
    assert group["Properties"]["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"
    (ingress,) = built.of_type("AWS::EC2::SecurityGroupIngress")
    props = ingress["Properties"]
    assert (props["IpProtocol"], props["FromPort"], props["ToPort"]) == ("tcp", 11211, 11211)
    assert "AppSecurityGroup" in str(props["SourceSecurityGroupId"])
    assert "CidrIp" not in props
    (egress,) = built.of_type("AWS::EC2::SecurityGroupEgress")
    assert "AppSecurityGroup" in str(egress["Properties"]["GroupId"])


def test_parameter_group_family_memcached_1_6(built: Built) -> None:
    (group,) = built.of_type("AWS::ElastiCache::ParameterGroup")
    assert group["Properties"]["CacheParameterGroupFamily"] == "memcached1.6"


def test_acknowledgments_carry_their_reasons(built: Built) -> None:
    acknowledged = {
        rule: reason
        for construct in built.stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    assert sorted(acknowledged) == [
        "AwsSolutions::AwsSolutions-AEC5",
        "AwsSolutions::AwsSolutions-SNS2",  # the events topic: ElastiCache cannot publish to an encrypted one
        "HIPAA.Security::HIPAA.Security-SNSEncryptedKMS",
        "NIST.800.53.R5::NIST.800.53.R5-SNSEncryptedKMS",
        "PCI.DSS.321::PCI.DSS.321-SNSEncryptedKMS",
    ]
    assert len(acknowledged["AwsSolutions::AwsSolutions-AEC5"].split()) >= 30


def test_needs_exactly_one_of_vpc_and_vpc_id(built: Built) -> None:
    with pytest.raises(ElastiCacheValidationError) as raised:
        MemcachedStack(new_app(), "Neither")
    (issue,) = raised.value.issues
    assert (issue.code, issue.path, issue.prop) == ("EC102", "Neither", "vpc, vpc_id")
    with pytest.raises(ElastiCacheValidationError):
        MemcachedStack(new_app(), "Both", vpc=built.network.vpc, vpc_id="vpc-0a1b2c3d4e5f60718")
