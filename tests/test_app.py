"""app.py: context keys, their errors, the user's own VPC and the cdk-nag switch."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

import app as cdk_app
from constructs_lib import ElastiCacheValidationError, ValidationIssue
from constructs_lib.facts.names import REPLICATION_GROUP_ID, SUBNET_GROUP_NAME
from tests.conftest import new_app

LOOKUP = {"vpcId": "vpc-0a1b2c3d4e5f60718", "account": "123456789012", "region": "eu-west-1"}


def issues_of(**context: Any) -> tuple[ValidationIssue, ...]:
    with pytest.raises(ElastiCacheValidationError) as raised:
        cdk_app.build(new_app(**context))
    return raised.value.issues


CIDR_RANGE = "an IPv4 network from /16 to /27 (a /28 subnet in each of 2 zones), such as 10.0.0.0/16"
REPLICAS_RANGE = "a whole number from 1 to 5 (the reference deployment is Multi-AZ, which needs a replica)"
CONTEXT_CASES = [
    ("EC900", "maxAzs", "two", "a whole number from 2 to 6"),
    ("EC900", "maxAzs", True, "a whole number from 2 to 6"),
    ("EC900", "maxAzs", "1", "a whole number from 2 to 6"),
    ("EC900", "maxAzs", "7", "a whole number from 2 to 6"),
    ("EC900", "nag", "maybe", "true or false"),
    ("EC900", "vpcCidr", "bogus", CIDR_RANGE),
    ("EC900", "vpcCidr", "10.0.0.0/8", CIDR_RANGE),
    ("EC900", "vpcCidr", "10.0.0.1/16", CIDR_RANGE),
    ("EC900", "vpcCidr", "10.0.0.0/28", CIDR_RANGE),
    ("EC900", "account", "12345", "a 12-digit AWS account id"),
    ("EC900", "region", "mars-north-1x", "an AWS region name such as eu-west-1"),
    (
        "EC900",
        "stackPrefix",
        "9lives",
        "1-100 letters, digits or hyphens, starting with a letter (CloudFormation stack names)",
    ),
    ("EC900", "vpcId", "my-vpc", "a VPC id such as vpc-0a1b2c3d4e5f60718"),
    ("EC900", "replicas", "6", REPLICAS_RANGE),
    ("EC900", "replicas", "0", REPLICAS_RANGE),
    ("EC900", "replicas", "one", REPLICAS_RANGE),
    ("EC900", "replicationGroupId", "app_redis", REPLICATION_GROUP_ID.allowed),
    ("EC900", "subnetGroupName", "subnets!", SUBNET_GROUP_NAME.allowed),
    ("EC900", "globalDatastore", "yes", "true or false"),
    ("EC900", "secondaryRegion", "us-east-1", "a region other than us-east-1 that offers Global Datastore"),
    ("EC900", "secondaryRegion", "moon-1", "an AWS region name such as us-west-2"),
]


def test_a_misspelt_key_is_named() -> None:
    (issue,) = issues_of(replica="3")
    assert (issue.code, issue.prop, issue.given) == ("EC900", "replica", "3")
    assert issue.allowed.endswith("(did you mean replicas?)")


@pytest.mark.parametrize("cidr", ["10.0.0.0/24", "10.0.0.0/27"])
def test_small_vpcs_get_smaller_subnets(cidr: str) -> None:
    app = cdk_app.build(new_app(vpcCidr=cidr, nag=False, globalDatastore="false"))
    network = app.node.find_child("ElastiCacheKit-Network")
    subnets = [
        r["Properties"]["CidrBlock"]
        for r in Template.from_stack(network).to_json()["Resources"].values()  # type: ignore[arg-type]
        if r["Type"] == "AWS::EC2::Subnet"
    ]
    assert len(subnets) == 2


def test_global_datastore_needs_a_known_prefix() -> None:
    (issue,) = issues_of(region="af-south-1")
    assert (issue.code, issue.prop, issue.given) == ("EC900", "region", "af-south-1")
    assert issue.allowed.endswith("or -c globalDatastore=false")
    app = cdk_app.build(new_app(region="af-south-1", globalDatastore="false", nag=False))
    assert "ElastiCacheKit-GlobalPrimary" not in {c.node.id for c in app.node.children}


@pytest.mark.parametrize(("code", "key", "value", "allowed"), CONTEXT_CASES)
def test_malformed_context_values(code: str, key: str, value: object, allowed: str) -> None:
    assert issues_of(**{key: value}) == (ValidationIssue(code, "context", key, allowed, value),)


def test_client_group_id_must_look_like_one() -> None:
    (issue,) = issues_of(**LOOKUP, clientSecurityGroupId="app-sg")
    assert (issue.code, issue.prop) == ("EC900", "clientSecurityGroupId")


def test_vpc_lookup_needs_an_account() -> None:
    assert issues_of(vpcId="vpc-0a1b2c3d4e5f60718") == (
        ValidationIssue("EC900", "context", "account", "set when vpcId is set (a VPC lookup needs it)", None),
    )


def test_client_group_only_with_vpc_id() -> None:
    assert issues_of(clientSecurityGroupId="sg-0123456789abcdef0") == (
        ValidationIssue(
            "EC900", "context", "clientSecurityGroupId", "set only together with vpcId", "sg-0123456789abcdef0"
        ),
    )


def test_names_and_environment_from_context() -> None:
    app = cdk_app.build(
        new_app(
            stackPrefix="Team",
            replicationGroupId="orders",
            subnetGroupName="orders-net",
            region="ap-south-1",
            nag="false",
        )
    )
    stacks = {child.node.id: child for child in app.node.children if isinstance(child, cdk.Stack)}
    assert set(stacks) == {
        "Team-Network",
        "Team-ReplicationGroup",
        "Team-Sharded",
        "Team-Serverless",
        "Team-Memcached",
        "Team-GlobalPrimary",
        "Team-SecondaryNetwork",
        "Team-GlobalSecondary",
    }
    assert stacks["Team-SecondaryNetwork"].region == "us-west-2"
    assert stacks["Team-Network"].region == "ap-south-1"
    assert stacks["Team-Memcached"].region == "ap-south-1"
    resources = Template.from_stack(stacks["Team-ReplicationGroup"]).to_json()["Resources"]
    by_type = {r["Type"]: r.get("Properties", {}) for r in resources.values()}
    assert by_type["AWS::ElastiCache::ReplicationGroup"]["ReplicationGroupId"] == "orders"
    assert by_type["AWS::ElastiCache::ReplicationGroup"]["Tags"] == [{"Key": "Name", "Value": "orders"}]
    assert by_type["AWS::ElastiCache::SubnetGroup"]["CacheSubnetGroupName"] == "orders-net"


def test_users_own_vpc_from_the_committed_lookup() -> None:
    """The lookup result for this example VPC is committed in cdk.context.json, as CDK requires
    for synthesizing offline; its private subnets are chosen, its public ones never."""
    app = cdk_app.build(new_app(**LOOKUP, clientSecurityGroupId="sg-0123456789abcdef0"))
    names = [child.node.id for child in app.node.children if isinstance(child, cdk.Stack)]
    assert "ElastiCacheKit-Network" not in names, "the user's VPC replaces the network stack"
    assert {"ElastiCacheKit-ReplicationGroup", "ElastiCacheKit-Sharded", "ElastiCacheKit-Memcached"} <= set(names)
    stack = app.node.find_child("ElastiCacheKit-ReplicationGroup")
    assert isinstance(stack, cdk.Stack)
    resources = Template.from_stack(stack).to_json()["Resources"]
    by_type = {r["Type"]: r.get("Properties", {}) for r in resources.values()}
    assert by_type["AWS::ElastiCache::SubnetGroup"]["SubnetIds"] == [
        "subnet-0b000000000000000",
        "subnet-0b100000000000000",
        "subnet-0b200000000000000",
    ]
    assert "PreferredCacheClusterAZs" not in by_type["AWS::ElastiCache::ReplicationGroup"]
    assert by_type["AWS::EC2::SecurityGroup"]["VpcId"] == "vpc-0a1b2c3d4e5f60718"
    assert by_type["AWS::EC2::SecurityGroupIngress"]["SourceSecurityGroupId"] == "sg-0123456789abcdef0"
    memcached = app.node.find_child("ElastiCacheKit-Memcached")
    assert isinstance(memcached, cdk.Stack)
    memcached_by_type = {
        r["Type"]: r.get("Properties", {}) for r in Template.from_stack(memcached).to_json()["Resources"].values()
    }
    assert (
        memcached_by_type["AWS::ElastiCache::SubnetGroup"]["SubnetIds"]
        == by_type["AWS::ElastiCache::SubnetGroup"]["SubnetIds"]
    )
    assert memcached_by_type["AWS::EC2::SecurityGroupIngress"]["SourceSecurityGroupId"] == "sg-0123456789abcdef0"


@pytest.mark.parametrize("nag", [True, False])
def test_nag_switch(nag: bool) -> None:
    """With the packs on, an unacknowledged finding fails synthesis in all four packs; off, it does not."""
    app = cdk_app.build(new_app(nag=nag))
    stack = app.node.find_child("ElastiCacheKit-ReplicationGroup")
    assert isinstance(stack, cdk.Stack)
    ec2.Vpc(stack, "NoFlowLogs", max_azs=2, nat_gateways=0, restrict_default_security_group=False)
    if not nag:
        assert "ElastiCacheKit-ReplicationGroup" in {s.stack_name for s in app.synth().stacks}
        return
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    report_path = re.search(r"found in: (\S+validation-report\.json)", str(raised.value))
    assert report_path is not None
    report = json.loads(Path(report_path.group(1)).read_text())
    flagged = {
        (plugin["pluginName"], violation["ruleName"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        if any(c["constructPath"].endswith("NoFlowLogs/Resource") for c in violation["violatingConstructs"])
    }
    assert {
        ("AwsSolutions", "AwsSolutions-VPC7"),
        ("HIPAA.Security", "HIPAA.Security-VPCFlowLogsEnabled"),
        ("NIST.800.53.R5", "NIST.800.53.R5-VPCFlowLogsEnabled"),
        ("PCI.DSS.321", "PCI.DSS.321-VPCFlowLogsEnabled"),
    } <= flagged
