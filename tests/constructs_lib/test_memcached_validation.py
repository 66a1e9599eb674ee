"""One negative test per rule a MemcachedCluster (or its import) checks, keyed on the rule's code.

Each case builds one construct with one bad input and asserts the code, the path, the property,
what is allowed and the value given; that it is the only issue; and that nothing was created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import AzMode, ElastiCacheValidationError, EngineVersion, MemcachedCluster, ParameterGroup
from constructs_lib.encryption import TransitEncryption
from constructs_lib.errors import DEPLOY_TIME_VALUE
from tests.conftest import isolated_vpc, new_app
from tests.constructs_lib.negative import Case, any_value


class Sandbox:
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
        self.memcached_1_5_parameters = ParameterGroup(
            self.stack, "Params15", engine_version=EngineVersion.MEMCACHED_1_5_16
        )
        self.parameter = cdk.CfnParameter(self.stack, "Count", type="Number")
        self._count = 0

    def next_id(self) -> str:
        self._count += 1
        return f"Case{self._count}"


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


def _cluster(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    props: dict[str, Any] = {
        "vpc": s.vpc,
        "engine_version": EngineVersion.MEMCACHED_1_6_22,
        "node_type": "cache.m7g.large",
        **overrides,
    }
    MemcachedCluster(scope, id, **props)


def _imported(scope: Construct, id: str, s: Sandbox, **overrides: Any) -> None:
    MemcachedCluster.from_cluster_attributes(scope, id, **{"cluster_id": "sessions", **overrides})


BUILDERS: dict[str, Callable[..., None]] = {"mc": _cluster, "mc_import": _imported}

CASES = [
    # EC100: wrong types, each reported once
    Case(
        "EC100",
        "mc",
        "engine_version",
        "a Memcached EngineVersion member",
        "memcached 1.6.22",
        lambda s: {"engine_version": "memcached 1.6.22"},
    ),
    Case(
        "EC100",
        "mc",
        "engine_version",
        "a Memcached EngineVersion member",
        EngineVersion.VALKEY_8_2,
        lambda s: {"engine_version": EngineVersion.VALKEY_8_2},
    ),
    Case("EC100", "mc", "nodes", "a whole number from 1 to 40", "2", lambda s: {"nodes": any_value("2")}),
    Case(
        "EC100",
        "mc",
        "transit_encryption",
        "TransitEncryption.REQUIRED",
        "required",
        lambda s: {"transit_encryption": "required"},
    ),
    Case("EC100", "mc", "az_mode", "AzMode.CROSS_AZ", "cross-az", lambda s: {"az_mode": "cross-az"}),
    Case(
        "EC100",
        "mc",
        "preferred_availability_zones",
        "a list of texts",
        "dummy1a",
        lambda s: {"preferred_availability_zones": "dummy1a"},
    ),
    Case("EC100", "mc", "removal_policy", "RemovalPolicy.DESTROY", "destroy", lambda s: {"removal_policy": "destroy"}),
    Case(
        "EC100",
        "mc",
        "parameter_group",
        "a ParameterGroup",
        "default.memcached1.6",
        lambda s: {"parameter_group": "default.memcached1.6"},
    ),
    Case("EC100", "mc", "vpc", "an ec2.IVpc", "vpc-0a1b2c3d4e5f60718", lambda s: {"vpc": "vpc-0a1b2c3d4e5f60718"}),
    Case("EC100", "mc_import", "node_ids", "four digits", ["1"], lambda s: {"node_ids": ["1"]}),
    # EC101: counts the construct is built from must be known at synth
    Case("EC101", "mc", "nodes", "known at synth", DEPLOY_TIME_VALUE, lambda s: {"nodes": s.parameter.value_as_number}),
    # EC102
    Case(
        "EC102",
        "mc",
        "parameters",
        "unset when parameter_group is given",
        {"max_item_size": "2097152"},
        lambda s: {
            "parameter_group": ParameterGroup(s.stack, s.next_id(), engine_version=EngineVersion.MEMCACHED_1_6_22),
            "parameters": {"max_item_size": "2097152"},
        },
    ),
    # EC110: identifiers
    Case("EC110", "mc", "cluster_id", "1-50 letters", "1cache", lambda s: {"cluster_id": "1cache"}),
    Case("EC110", "mc", "cluster_id", "1-50 letters", "c" * 51, lambda s: {"cluster_id": "c" * 51}),
    Case("EC110", "mc", "cluster_id", "without two consecutive hyphens", "a--b", lambda s: {"cluster_id": "a--b"}),
    Case(
        "EC110", "mc", "subnet_group_name", "letters, digits or hyphens", "a_b", lambda s: {"subnet_group_name": "a_b"}
    ),
    Case("EC110", "mc_import", "cluster_id", "1-50 letters", "sessions!", lambda s: {"cluster_id": "sessions!"}),
    # EC206 / EC207: zones listed
    Case(
        "EC206",
        "mc",
        "preferred_availability_zones",
        "one zone per node: 3",
        ["dummy1a", "dummy1b"],
        lambda s: {"nodes": 3, "preferred_availability_zones": ["dummy1a", "dummy1b"]},
    ),
    Case(
        "EC207",
        "mc",
        "preferred_availability_zones",
        "zones of the selected subnets: dummy1a, dummy1b",
        ["us-east-1f"],
        lambda s: {"preferred_availability_zones": ["dummy1a", "us-east-1f"]},
    ),
    # EC220 / EC221: node types
    Case("EC220", "mc", "node_type", "'cache.<family>.<size>'", "m7g.large", lambda s: {"node_type": "m7g.large"}),
    Case(
        "EC221",
        "mc",
        "node_type",
        "a node type ElastiCache offers in us-east-1",
        "cache.m7g.huge",
        lambda s: {"node_type": "cache.m7g.huge"},
    ),
    # EC230: what Memcached (or its version) does not have
    Case(
        "EC230",
        "mc",
        "transit_encryption",
        "Memcached has no TLS mode",
        TransitEncryption.PREFERRED,
        lambda s: {"transit_encryption": TransitEncryption.PREFERRED},
    ),
    Case(
        "EC230",
        "mc",
        "transit_encryption",
        "DISABLED or unset on Memcached 1.6.6 (TLS needs Memcached 1.6.12+)",
        TransitEncryption.REQUIRED,
        lambda s: {"engine_version": EngineVersion.MEMCACHED_1_6_6, "transit_encryption": TransitEncryption.REQUIRED},
    ),
    Case(
        "EC230",
        "mc",
        "removal_policy",
        "Memcached has no snapshots",
        cdk.RemovalPolicy.SNAPSHOT,
        lambda s: {"removal_policy": cdk.RemovalPolicy.SNAPSHOT},
    ),
    # EC400 / EC402: maintenance window
    Case(
        "EC400",
        "mc",
        "maintenance_window",
        "'ddd:hh24:mi-ddd:hh24:mi'",
        "sunday 5am",
        lambda s: {"maintenance_window": "sunday 5am"},
    ),
    Case(
        "EC402",
        "mc",
        "maintenance_window",
        "at least 60 minutes",
        "sun:05:00-sun:05:30",
        lambda s: {"maintenance_window": "sun:05:00-sun:05:30"},
    ),
    # EC500-EC502: parameters
    Case(
        "EC500",
        "mc",
        "parameter_group",
        "family memcached1.6 (Memcached 1.6.22)",
        "memcached1.5",
        lambda s: {"parameter_group": s.memcached_1_5_parameters},
    ),
    Case(
        "EC501",
        "mc",
        "parameters",
        "such as 'max_item_size'",
        "max-item-size",
        lambda s: {"parameters": {"max-item-size": "2097152"}},
    ),
    Case(
        "EC502",
        "mc",
        "parameters['max_item_size']",
        "a string",
        2097152,
        lambda s: {"parameters": {"max_item_size": any_value(2097152)}},
    ),
    # EC600-EC604: network
    Case("EC600", "mc", "vpc", "a VPC with private subnets", "vpc", lambda s: {"vpc": s.public_vpc}, exact=False),
    Case(
        "EC601",
        "mc",
        "vpc_subnets",
        "private subnets only",
        "public",
        lambda s: {"vpc": s.mixed_vpc, "vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)},
        exact=False,
    ),
    Case(
        "EC602",
        "mc",
        "vpc_subnets",
        "a selection of at least one subnet",
        "selection",
        lambda s: {"vpc_subnets": ec2.SubnetSelection(availability_zones=["us-east-1z"])},
        exact=False,
    ),
    Case("EC603", "mc", "security_groups", "at least one", [], lambda s: {"security_groups": []}),
    Case("EC603", "mc_import", "security_groups", "at least one", [], lambda s: {"security_groups": []}),
    Case("EC604", "mc", "port", "a TCP port number from 1 to 65535", 0, lambda s: {"port": 0}),
    Case("EC604", "mc_import", "port", "a TCP port number from 1 to 65535", 70000, lambda s: {"port": 70000}),
    # EC800-EC803: Memcached's own rules
    Case("EC800", "mc", "nodes", "a whole number from 1 to 40", 0, lambda s: {"nodes": 0}),
    Case("EC800", "mc", "nodes", "a whole number from 1 to 40", 41, lambda s: {"nodes": 41}),
    Case(
        "EC801",
        "mc",
        "node_type",
        "outside the r6gd family",
        "cache.r6gd.xlarge",
        lambda s: {"node_type": "cache.r6gd.xlarge"},
    ),
    Case(
        "EC802",
        "mc",
        "az_mode",
        "AzMode.SINGLE_AZ or unset with one node",
        AzMode.CROSS_AZ,
        lambda s: {"nodes": 1, "az_mode": AzMode.CROSS_AZ},
    ),
    Case(
        "EC802",
        "mc",
        "vpc_subnets",
        "subnets in at least two availability zones",
        ["dummy1a"],
        lambda s: {"vpc": s.one_zone_vpc},
    ),
    Case(
        "EC803",
        "mc",
        "preferred_availability_zones",
        "one zone, repeated for every node, with AzMode.SINGLE_AZ",
        ["dummy1a", "dummy1b"],
        lambda s: {"az_mode": AzMode.SINGLE_AZ, "preferred_availability_zones": ["dummy1a", "dummy1b"]},
    ),
    Case(
        "EC803",
        "mc",
        "preferred_availability_zones",
        "at least two different zones with AzMode.CROSS_AZ",
        ["dummy1b", "dummy1b"],
        lambda s: {"az_mode": AzMode.CROSS_AZ, "preferred_availability_zones": ["dummy1b", "dummy1b"]},
    ),
]


def _build_failing(sandbox: Sandbox, case: Case) -> tuple[str, ElastiCacheValidationError]:
    construct_id = sandbox.next_id()
    overrides = case.overrides(sandbox)
    with pytest.raises(ElastiCacheValidationError) as raised:
        BUILDERS[case.target](sandbox.stack, construct_id, sandbox, **overrides)
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
            "mc",
            "",
            "",
            None,
            lambda s: {
                "nodes": 41,
                "port": 0,
                "maintenance_window": "never",
                "removal_policy": cdk.RemovalPolicy.SNAPSHOT,
            },
        ),
    )
    assert error.codes == ["EC604", "EC800", "EC400", "EC230"]


def test_a_deploy_time_zone_list_is_not_counted(sandbox: Sandbox) -> None:
    """Zones from a token (``Fn::GetAZs``) pass unchecked: their count and names are unknowable."""
    zones = cdk.Fn.get_azs()
    MemcachedCluster(
        sandbox.stack,
        sandbox.next_id(),
        vpc=sandbox.vpc,
        engine_version=EngineVersion.MEMCACHED_1_6_22,
        node_type="cache.m7g.large",
        nodes=3,
        preferred_availability_zones=zones,
    )
