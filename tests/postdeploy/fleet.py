"""A moto server on loopback and fleets of replication groups with known misconfigurations.

Shared by the end-to-end tests and the benchmark. Each variant states the status every check
must report for its groups.

moto 5.2 gaps worked around here, in test data only:
- replication-group members are not listed by DescribeCacheClusters, so each member cluster is
  also created with CreateCacheCluster(ReplicationGroupId=...), as ElastiCache would list it; moto
  keeps that ReplicationGroupId only for engine redis, so members are created as redis (the
  group's own Engine, which the checks read first, stays the variant's);
- cache clusters come back without SecurityGroups and CacheParameterGroup, and
  DescribeCacheEngineVersions, DescribeCacheParameters, DescribeServerlessCaches and
  DescribeGlobalReplicationGroups are not implemented: the checks that need them report ERROR,
  which the expectations below state (Stubber-based tests cover their PASS and FAIL paths).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from postdeploy.checks import ALL_CHECKS
from postdeploy.model import ResourceKind, Status

REGION = "us-east-1"
ACCOUNT = "123456789012"
"""The account moto acts in for the default credentials."""
ZONES = ("us-east-1a", "us-east-1b")
MOTO_SERVER = Path(sys.executable).parent / "moto_server"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# Where moto cannot answer, with the reason the tool must print.
MOTO_GAPS = {
    "engine-version-supported": (
        "DescribeCacheEngineVersions in us-east-1 failed: the endpoint's answer is not an AWS API response"
    ),
    "eviction-policy": "ElastiCache reported no parameter group",
    "security-groups-not-open": "ElastiCache reported no security groups",
}
# moto has no DescribeCacheEngineVersions: that describe call fails, which fails any run by itself
# (nothing unseen passes). Tests whose outcome must depend on something else leave the check out.
SKIP_ENGINE_VERSIONS = ("--skip-check", "engine-version-supported")


@contextmanager
def moto_server() -> Iterator[str]:
    """Start `moto_server` on a free loopback port; yield its endpoint URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def reset(endpoint: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()


def client(service: str, endpoint: str, region: str = REGION) -> Any:
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    ).client(service, endpoint_url=endpoint)  # type: ignore[call-overload]  # the stubs want a literal name


def zones_of(region: str) -> tuple[str, str]:
    return (f"{region}a", f"{region}b")


def cli_env(endpoint: str) -> dict[str, str]:
    """The environment a user would set to point the tool at the server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION}


# What a secure replication group gets where every API answers: valkey, so ElastiCache.6 skips;
# no minimum engine version is asked for; cluster mode disabled, so auto scaling does not apply.
SECURE_GROUP: dict[str, Status] = {
    **{check.id: Status.PASS for check in ALL_CHECKS if ResourceKind.REPLICATION_GROUP in check.kinds},
    "auth-token-before-redis-6": Status.SKIP,
    "engine-version-minimum": Status.SKIP,
    "auto-scaling-targets": Status.SKIP,
}
# ... and on moto, which cannot answer for three checks.
GOOD: dict[str, Status] = {**SECURE_GROUP, **dict.fromkeys(MOTO_GAPS, Status.ERROR)}


@dataclass(frozen=True)
class Variant:
    """Settings that differ from a secure group, and the checks that must fail because of them."""

    name: str
    settings: dict[str, Any] = field(default_factory=dict)
    member: dict[str, Any] = field(default_factory=dict)
    expected: dict[str, Status] = field(default_factory=dict)

    def statuses(self) -> dict[str, Status]:
        return {**GOOD, **self.expected}


F = Status.FAIL
VARIANTS: tuple[Variant, ...] = (
    Variant("secure"),
    Variant("no-backups", {"SnapshotRetentionLimit": 0}, expected={"backup-retention": F}),
    Variant(
        "no-failover",
        {"AutomaticFailoverEnabled": False, "MultiAZEnabled": False},
        expected={"automatic-failover": F, "multi-az": F},
    ),
    Variant(
        "no-replica",
        {"ReplicasPerNodeGroup": 0, "AutomaticFailoverEnabled": False, "MultiAZEnabled": False},
        expected={"automatic-failover": F, "multi-az": F, "shard-replicas-zones": F},
    ),
    Variant("one-zone", {"PreferredCacheClusterAZs": [ZONES[0], ZONES[0]]}, expected={"shard-replicas-zones": F}),
    Variant(
        "plaintext",
        {"TransitEncryptionEnabled": False, "TransitEncryptionMode": None, "UserGroupIds": None},
        expected={"encryption-in-transit": F, "tls-required": F, "authentication": F, "rbac-auth": F},
    ),
    Variant(
        "auth-token",
        {"UserGroupIds": None, "AuthToken": "a-long-enough-token-1234"},
        expected={"rbac-auth": F},
    ),
    Variant("tls-preferred", {"TransitEncryptionMode": "preferred"}, expected={"tls-required": F}),
    Variant(
        "no-at-rest",
        {"AtRestEncryptionEnabled": False, "KmsKeyId": None},
        expected={"encryption-at-rest": F, "customer-managed-key": F},
    ),
    Variant("aws-owned-key", {"KmsKeyId": None}, expected={"customer-managed-key": F}),
    Variant(
        "default-subnets",
        {"CacheSubnetGroupName": "default"},
        {"CacheSubnetGroupName": "default"},
        expected={"default-subnet-group": F, "private-subnets": F},
    ),
    Variant(
        "public-subnets",
        {"CacheSubnetGroupName": "public-cache"},
        {"CacheSubnetGroupName": "public-cache"},
        expected={"private-subnets": F},
    ),
    Variant(
        "old-redis-open",
        {
            "Engine": "redis",
            "EngineVersion": "5.0.6",
            "TransitEncryptionEnabled": False,
            "TransitEncryptionMode": None,
            "UserGroupIds": None,
        },
        {"Engine": "redis", "EngineVersion": "5.0.6"},
        expected={
            "auth-token-before-redis-6": F,
            "authentication": F,
            "encryption-in-transit": F,
            "tls-required": F,
            "rbac-auth": Status.SKIP,
        },
    ),
    Variant("no-minor-upgrades", member={"AutoMinorVersionUpgrade": False}, expected={"auto-minor-version-upgrade": F}),
)


def public_and_private_subnets(ec2: Any, zones: tuple[str, ...] = ZONES) -> tuple[str, list[str], list[str]]:
    """A VPC with a private subnet and a public one (routed to an internet gateway) per zone."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    private, public = [], []
    for i, zone in enumerate(zones):
        private.append(
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        )
        public.append(
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{10 + i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        )
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    for subnet in public:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return vpc, private, public


def populate(endpoint: str, size: int, region: str = REGION) -> dict[str, Variant]:
    """The network and a fleet of ``size`` groups in ``region`` of a moto server; returns id -> variant.

    moto does not check a replication group's zones against its region, so the variants keep
    theirs (us-east-1a/b) wherever they are created; only the subnets need the region's zones."""
    build_network(client("ec2", endpoint, region), client("elasticache", endpoint, region), zones_of(region))
    return create_fleet(client("elasticache", endpoint, region), size)


def build_network(ec2: Any, elasticache: Any, zones: tuple[str, ...] = ZONES) -> None:
    """Private and public subnets and three cache subnet groups: private-cache, public-cache and
    one named default (over the public subnets)."""
    _, private, public = public_and_private_subnets(ec2, zones)
    for name, subnets in (("private-cache", private), ("public-cache", public), ("default", public)):
        elasticache.create_cache_subnet_group(
            CacheSubnetGroupName=name, CacheSubnetGroupDescription=name, SubnetIds=subnets
        )


def create_fleet(elasticache: Any, size: int) -> dict[str, Variant]:
    """``size`` replication groups cycling through the variants; returns id -> variant."""
    fleet = {}
    for index in range(size):
        variant = VARIANTS[index % len(VARIANTS)]
        group_id = f"{variant.name}-{index:04d}"
        create_group(elasticache, group_id, variant)
        fleet[group_id] = variant
    return fleet


def create_group(elasticache: Any, group_id: str, variant: Variant) -> None:
    """One replication group of ``variant`` and its member clusters."""
    settings: dict[str, Any] = {
        "ReplicationGroupId": group_id,
        "ReplicationGroupDescription": f"{variant.name} group",
        "Engine": "valkey",
        "EngineVersion": "8.0",
        "CacheNodeType": "cache.r7g.large",
        # moto builds members from ReplicasPerNodeGroup only; NumCacheClusters is ignored.
        "ReplicasPerNodeGroup": 1,
        "PreferredCacheClusterAZs": list(ZONES),
        "AutomaticFailoverEnabled": True,
        "MultiAZEnabled": True,
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": KMS_KEY,
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "UserGroupIds": ["app-users"],
        "SnapshotRetentionLimit": 7,
        "CacheSubnetGroupName": "private-cache",
        **variant.settings,
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    group = elasticache.create_replication_group(**settings)["ReplicationGroup"]
    member: dict[str, Any] = {
        "Engine": "redis",
        "EngineVersion": settings["EngineVersion"],
        "CacheNodeType": settings["CacheNodeType"],
        "CacheSubnetGroupName": settings["CacheSubnetGroupName"],
        "AutoMinorVersionUpgrade": True,
        **variant.member,
    }
    for cluster_id in group["MemberClusters"]:
        elasticache.create_cache_cluster(CacheClusterId=cluster_id, ReplicationGroupId=group_id, **member)


VARIANT = {variant.name: variant for variant in VARIANTS}
