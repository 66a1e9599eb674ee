"""The network stack: private subnets only, flow logs encrypted, no inline IAM policy."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from constructs_lib import ElastiCacheValidationError, ValidationIssue
from stacks.network_stack import NetworkStack
from tests.conftest import new_app


class Built:
    def __init__(self) -> None:
        self.stack = NetworkStack(
            new_app(),
            "Net",
            cidr="10.42.0.0/16",
            max_azs=3,
            env=cdk.Environment(account="111111111111", region="eu-west-1"),
        )
        self.template = Template.from_stack(self.stack)
        self.resources: dict[str, Any] = self.template.to_json()["Resources"]

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [r for r in self.resources.values() if r["Type"] == type_name]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_vpc_has_only_isolated_subnets(built: Built) -> None:
    (vpc,) = built.of_type("AWS::EC2::VPC")
    assert vpc["Properties"]["CidrBlock"] == "10.42.0.0/16"
    subnets = built.of_type("AWS::EC2::Subnet")
    assert len(subnets) == 3
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets)
    assert len({str(s["Properties"]["AvailabilityZone"]) for s in subnets}) == 3
    for absent in ("AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::Route"):
        assert built.of_type(absent) == []


def test_default_security_group_is_stripped(built: Built) -> None:
    assert len(built.template.find_resources("Custom::VpcRestrictDefaultSG")) == 1


def test_flow_logs_all_traffic_to_encrypted_log_group(built: Built) -> None:
    (flow_log,) = built.of_type("AWS::EC2::FlowLog")
    assert flow_log["Properties"]["TrafficType"] == "ALL"
    assert flow_log["Properties"]["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["Properties"]["MaxAggregationInterval"] == 60
    (log_group,) = built.of_type("AWS::Logs::LogGroup")
    assert log_group["Properties"]["RetentionInDays"] == 365
    assert "KmsKeyId" in log_group["Properties"]
    (key,) = built.of_type("AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    logs_statement = key["Properties"]["KeyPolicy"]["Statement"][-1]
    assert logs_statement["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert logs_statement["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:*"}
    }


def test_flow_log_role_has_a_managed_policy_only(built: Built) -> None:
    assert built.of_type("AWS::IAM::Policy") == []
    (policy,) = built.of_type("AWS::IAM::ManagedPolicy")
    actions = [s["Action"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert actions == [["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], "iam:PassRole"]


def test_app_security_group_starts_closed(built: Built) -> None:
    groups = [
        g
        for g in built.of_type("AWS::EC2::SecurityGroup")
        if g["Properties"]["GroupDescription"] == "Application clients of the cache"
    ]
    (group,) = groups
    assert "SecurityGroupIngress" not in group["Properties"]
    assert group["Properties"]["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"


def test_needs_two_zones() -> None:
    with pytest.raises(ElastiCacheValidationError) as raised:
        NetworkStack(new_app(), "OneZone", max_azs=1)
    assert raised.value.issues == (
        ValidationIssue("EC204", "OneZone", "max_azs", "zones (Multi-AZ needs two) from 2 to 6", 1),
    )
