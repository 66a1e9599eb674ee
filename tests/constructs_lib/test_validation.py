"""One negative test per validation rule: each asserts the construct path, the property, what is
allowed and the value given, and that nothing was added to the tree before the error."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms

from constructs_lib import (
    CacheAuth,
    ElastiCacheValidationError,
    EngineVersion,
    EvictionPolicy,
    ParameterGroup,
    ReplicationGroup,
    TransitEncryption,
    ValidationIssue,
)
from tests.conftest import Sandbox


def build(sandbox: Sandbox, **overrides: Any) -> tuple[str, ElastiCacheValidationError]:
    """Build a replication group expected to fail; returns its path and the error."""
    props: dict[str, Any] = {
        "vpc": sandbox.vpc,
        "engine_version": EngineVersion.VALKEY_8_2,
        "node_type": "cache.r7g.large",
        **overrides,
    }
    construct_id = sandbox.next_id()
    with pytest.raises(ElastiCacheValidationError) as raised:
        ReplicationGroup(sandbox.stack, construct_id, **props)
    failed = sandbox.stack.node.find_child(construct_id)
    assert failed.node.children == [], "validation must fail before any resource is created"
    return f"Sandbox/{construct_id}", raised.value


def expect(sandbox: Sandbox, prop: str, allowed: str, given: object, **overrides: Any) -> None:
    path, error = build(sandbox, **overrides)
    assert ValidationIssue(path, prop, allowed, given) in error.issues, str(error)
    assert f"{path}: {prop} must be {allowed}; got {given!r}" in str(error)


# --- replicas, failover, Multi-AZ -------------------------------------------------------------


@pytest.mark.parametrize("replicas", [-1, 6, "1", 1.0])
def test_replica_count_range(sandbox: Sandbox, replicas: object) -> None:
    expect(sandbox, "replicas", "a whole number from 0 to 5 (NumCacheClusters 1-6)", replicas, replicas=replicas)


def test_failover_needs_a_replica(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "automatic_failover",
        "False when there is no replica (failover promotes a replica)",
        True,
        replicas=0,
        automatic_failover=True,
    )


def test_multi_az_needs_failover(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "multi_az",
        "False unless automatic_failover is True (Multi-AZ needs automatic failover)",
        True,
        automatic_failover=False,
        multi_az=True,
    )


@pytest.mark.parametrize("node_type", ["cache.t2.micro", "cache.t1.micro"])
def test_failover_not_on_t1_t2_without_cluster_mode(sandbox: Sandbox, node_type: str) -> None:
    expect(
        sandbox,
        "automatic_failover",
        "False on T1 and T2 node types, which support failover only with cluster mode enabled",
        f"True with {node_type}",
        node_type=node_type,
    )


def test_multi_az_needs_two_zones(sandbox: Sandbox) -> None:
    one_zone = ec2.SubnetSelection(subnets=[sandbox.vpc.isolated_subnets[0]])
    zone = sandbox.vpc.isolated_subnets[0].availability_zone
    expect(
        sandbox, "vpc_subnets", "subnets in at least two availability zones for Multi-AZ", [zone], vpc_subnets=one_zone
    )


def test_preferred_zones_one_per_node(sandbox: Sandbox) -> None:
    zones = [s.availability_zone for s in sandbox.vpc.isolated_subnets]
    expect(
        sandbox,
        "preferred_availability_zones",
        "one zone per node: 2 (replicas + 1)",
        zones[:1],
        preferred_availability_zones=zones[:1],
    )


def test_preferred_zones_must_be_subnet_zones(sandbox: Sandbox) -> None:
    zones = [s.availability_zone for s in sandbox.vpc.isolated_subnets]
    expect(
        sandbox,
        "preferred_availability_zones",
        f"zones of the selected subnets: {zones}",
        ["us-east-1f"],
        preferred_availability_zones=[zones[0], "us-east-1f"],
    )


# --- node types and data tiering --------------------------------------------------------------


@pytest.mark.parametrize("node_type", ["r7g.large", "cache.r7g", "cache.R7G.large", "", 7])
def test_node_type_format(sandbox: Sandbox, node_type: object) -> None:
    expect(
        sandbox, "node_type", "'cache.<family>.<size>', for example 'cache.r7g.large'", node_type, node_type=node_type
    )


def test_r6gd_requires_data_tiering(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "data_tiering",
        "True for cache.r6gd.xlarge: r6gd nodes require data tiering",
        False,
        node_type="cache.r6gd.xlarge",
        data_tiering=False,
    )


def test_data_tiering_only_on_r6gd(sandbox: Sandbox) -> None:
    expect(sandbox, "data_tiering", "True only with r6gd node types", "True with cache.r7g.large", data_tiering=True)


def test_data_tiering_needs_redis_6_2(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "engine_version",
        "Redis OSS 6.2 or later, or Valkey, for data tiering",
        "REDIS_6_0",
        engine_version=EngineVersion.REDIS_6_0,
        node_type="cache.r6gd.xlarge",
    )


# --- encryption and auth ----------------------------------------------------------------------


def test_auth_token_needs_tls(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "auth",
        "CacheAuth.none() when transit_encryption is DISABLED (an AUTH token needs TLS)",
        "generated",
        transit_encryption=TransitEncryption.DISABLED,
    )


@pytest.mark.parametrize("length", [15, 129])
def test_generated_token_length(sandbox: Sandbox, length: int) -> None:
    expect(
        sandbox,
        "auth.length",
        "a whole number from 16 to 128",
        length,
        auth=CacheAuth.generated_token(length=length),
    )


def test_kms_key_needs_at_rest_encryption(sandbox: Sandbox) -> None:
    key = kms.Key(sandbox.stack, sandbox.next_id())
    expect(
        sandbox,
        "encryption_key",
        "unset when at_rest_encryption is False (a KMS key needs at-rest encryption)",
        key.node.path,
        at_rest_encryption=False,
        encryption_key=key,
    )


def test_preferred_transit_needs_redis_7(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "transit_encryption",
        "REQUIRED or DISABLED before Redis OSS 7.0 (PREFERRED mode needs 7.0 or later)",
        "PREFERRED with REDIS_6_2",
        engine_version=EngineVersion.REDIS_6_2,
        transit_encryption=TransitEncryption.PREFERRED,
    )


def test_minor_upgrades_need_redis_6(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "auto_minor_version_upgrade",
        "unset or False before Redis OSS 6.0 (automatic minor upgrades start with 6.0)",
        "True with REDIS_5_0_6",
        engine_version=EngineVersion.REDIS_5_0_6,
        auto_minor_version_upgrade=True,
    )


# --- windows and backups ----------------------------------------------------------------------

WEEKLY = "'ddd:hh24:mi-ddd:hh24:mi' in UTC with ddd one of sun, mon, tue, wed, thu, fri, sat"


@pytest.mark.parametrize(
    "window", ["Sun:05:00-Sun:06:00", "sunday:05:00-sunday:06:00", "sun:24:00-mon:01:00", "05:00-06:00"]
)
def test_maintenance_window_format(sandbox: Sandbox, window: str) -> None:
    expect(sandbox, "maintenance_window", WEEKLY, window, maintenance_window=window)


@pytest.mark.parametrize("window", ["sun:05:00-sun:05:59", "sun:05:00-sun:05:00"])
def test_maintenance_window_length(sandbox: Sandbox, window: str) -> None:
    expect(sandbox, "maintenance_window", "at least 60 minutes long", window, maintenance_window=window)


@pytest.mark.parametrize("window", ["3:00-4:00", "03:00 - 04:00", "sun:03:00-sun:04:00"])
def test_snapshot_window_format(sandbox: Sandbox, window: str) -> None:
    expect(sandbox, "snapshot_window", "'hh24:mi-hh24:mi' in UTC", window, snapshot_window=window)


def test_snapshot_window_length(sandbox: Sandbox) -> None:
    expect(sandbox, "snapshot_window", "at least 60 minutes long", "01:00-01:30", snapshot_window="01:00-01:30")


@pytest.mark.parametrize(
    ("maintenance", "snapshot"),
    [
        ("sun:03:00-sun:04:00", "03:30-04:30"),
        ("sat:23:30-sun:00:30", "00:00-01:00"),  # maintenance wraps the week
        ("wed:22:00-wed:23:00", "22:30-00:30"),  # snapshot wraps midnight
    ],
)
def test_windows_must_not_overlap(sandbox: Sandbox, maintenance: str, snapshot: str) -> None:
    expect(
        sandbox,
        "snapshot_window",
        f"outside the maintenance window {maintenance} on every day",
        snapshot,
        maintenance_window=maintenance,
        snapshot_window=snapshot,
    )


def test_default_snapshot_window_cannot_fit_a_day_long_maintenance(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "snapshot_window",
        "outside the maintenance window mon:00:00-mon:23:30 on every day",
        "22:00-23:00",
        maintenance_window="mon:00:00-mon:23:30",
    )


def test_backup_retention_at_most_35_days(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "backup_retention",
        "a Duration of whole days from 0 to 35 (0 turns automatic backups off)",
        "36 days",
        backup_retention=cdk.Duration.days(36),
    )


def test_backup_retention_whole_days(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "backup_retention",
        "a Duration of whole days from 0 to 35 (0 turns automatic backups off)",
        "1.5 days",
        backup_retention=cdk.Duration.hours(36),
    )


# --- names, description, port -----------------------------------------------------------------

ID_RULE = (
    "1-40 letters, digits or hyphens, starting with a letter, not ending with a hyphen "
    "and without two consecutive hyphens"
)


@pytest.mark.parametrize("name", ["1cache", "cache-", "my--cache", "a" * 41, "cache_1", ""])
def test_replication_group_id_format(sandbox: Sandbox, name: str) -> None:
    expect(sandbox, "replication_group_id", ID_RULE, name, replication_group_id=name)


def test_description_not_blank(sandbox: Sandbox) -> None:
    expect(sandbox, "description", "a non-empty text", "  ", description="  ")


@pytest.mark.parametrize("port", [0, 65536, "6379"])
def test_port_range(sandbox: Sandbox, port: object) -> None:
    expect(sandbox, "port", "a TCP port number from 1 to 65535", port, port=port)


def test_subnet_group_name_format(sandbox: Sandbox) -> None:
    expect(
        sandbox, "subnet_group_name", "1-255 letters, digits or hyphens", "my subnets", subnet_group_name="my subnets"
    )


# --- parameter groups -------------------------------------------------------------------------


def test_parameter_group_family_must_match_engine(sandbox: Sandbox) -> None:
    group = ParameterGroup(sandbox.stack, sandbox.next_id(), engine_version=EngineVersion.VALKEY_7_2)
    expect(
        sandbox,
        "parameter_group",
        "a parameter group of family valkey8 (engine valkey 8.2)",
        "valkey7",
        parameter_group=group,
    )


def test_parameter_group_excludes_inline_parameters(sandbox: Sandbox) -> None:
    group = ParameterGroup(sandbox.stack, sandbox.next_id(), engine_version=EngineVersion.VALKEY_8_2)
    expect(
        sandbox,
        "eviction_policy",
        "unset when parameter_group is given (set it on that parameter group)",
        EvictionPolicy.ALLKEYS_LRU,
        parameter_group=group,
        eviction_policy=EvictionPolicy.ALLKEYS_LRU,
    )


def test_cluster_mode_parameter_refused(sandbox: Sandbox) -> None:
    expect(
        sandbox,
        "parameters['cluster-enabled']",
        "'no' or unset for a replication group with cluster mode disabled",
        "yes",
        parameters={"cluster-enabled": "yes"},
    )


# --- network ----------------------------------------------------------------------------------


def test_public_subnets_refused() -> None:
    sandbox = Sandbox()
    vpc = ec2.Vpc(sandbox.stack, "Public", max_azs=2, nat_gateways=0, restrict_default_security_group=False)
    path, error = build(sandbox, vpc=vpc, vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC))
    (issue,) = [i for i in error.issues if i.prop == "vpc_subnets"]
    assert issue.path == path
    assert issue.allowed == "private subnets only (no route to an internet gateway)"
    assert issue.given == [s.subnet_id for s in vpc.public_subnets]


def test_vpc_without_private_subnets_refused() -> None:
    sandbox = Sandbox()
    vpc = ec2.Vpc(
        sandbox.stack,
        "OnlyPublic",
        max_azs=2,
        nat_gateways=0,
        restrict_default_security_group=False,
        subnet_configuration=[ec2.SubnetConfiguration(name="web", subnet_type=ec2.SubnetType.PUBLIC)],
    )
    expect(sandbox, "vpc", "a VPC with private subnets (isolated or with egress)", "Sandbox/OnlyPublic", vpc=vpc)


def test_security_groups_not_empty(sandbox: Sandbox) -> None:
    expect(sandbox, "security_groups", "at least one security group", [], security_groups=[])


# --- closed choices must be our enums, never bare strings ------------------------------------


def test_engine_version_must_be_enum(sandbox: Sandbox) -> None:
    path, error = build(sandbox, engine_version="valkey 8.2")
    (issue,) = error.issues
    assert (issue.path, issue.prop, issue.given) == (path, "engine_version", "valkey 8.2")
    assert issue.allowed.startswith("an EngineVersion member: REDIS_4_0_10, ")


@pytest.mark.parametrize(
    ("prop", "value", "allowed"),
    [
        ("transit_encryption", "required", "a TransitEncryption member: REQUIRED, PREFERRED, DISABLED"),
        (
            "auth",
            "token",
            "a CacheAuth: CacheAuth.generated_token(), CacheAuth.token_from_secret(secret) or CacheAuth.none()",
        ),
        ("removal_policy", "snapshot", "a RemovalPolicy"),
        (
            "eviction_policy",
            "allkeys-lru",
            "an EvictionPolicy member: VOLATILE_LRU, ALLKEYS_LRU, VOLATILE_LFU, ALLKEYS_LFU, VOLATILE_RANDOM, "
            "ALLKEYS_RANDOM, VOLATILE_TTL, NOEVICTION",
        ),
    ],
)
def test_closed_choices_are_typed(sandbox: Sandbox, prop: str, value: str, allowed: str) -> None:
    expect(sandbox, prop, allowed, value, **{prop: value})


@pytest.mark.parametrize(
    "prop", ["at_rest_encryption", "multi_az", "automatic_failover", "data_tiering", "auto_minor_version_upgrade"]
)
def test_switches_are_booleans(sandbox: Sandbox, prop: str) -> None:
    expect(sandbox, prop, "True or False", "yes", **{prop: "yes"})


def test_every_problem_reported_at_once(sandbox: Sandbox) -> None:
    path, error = build(
        sandbox, replicas=9, port=0, maintenance_window="sun:05:00-sun:05:10", replication_group_id="9lives"
    )
    assert [issue.prop for issue in error.issues] == ["replicas", "maintenance_window", "replication_group_id", "port"]
    assert all(issue.path == path for issue in error.issues)


def test_grant_read_token_needs_a_token(sandbox: Sandbox) -> None:
    construct_id = sandbox.next_id()
    cache = ReplicationGroup(
        sandbox.stack,
        construct_id,
        vpc=sandbox.vpc,
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        auth=CacheAuth.none(),
    )
    role = ec2.SecurityGroup  # any grantee would do; the check fires before it is used
    with pytest.raises(ElastiCacheValidationError) as raised:
        cache.grant_read_auth_token(role)  # type: ignore[arg-type]
    (issue,) = raised.value.issues
    assert issue == ValidationIssue(
        f"Sandbox/{construct_id}",
        "auth",
        "token authentication (CacheAuth.generated_token or token_from_secret) to grant reading its token",
        "no AUTH token",
    )
