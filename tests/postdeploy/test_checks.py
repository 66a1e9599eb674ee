"""Every check's PASS, FAIL, SKIP and ERROR paths: EC2 from moto in-process, ElastiCache answers
from botocore's Stubber where moto has no API or omits fields (see stubs.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from postdeploy.aws import Aws
from postdeploy.checks import Context, Settings
from postdeploy.checks.encryption import CustomerManagedKey
from postdeploy.inventory import Inventories
from postdeploy.model import ResourceKind, Status
from postdeploy.runner import Targets, list_region, run_checks
from tests.postdeploy import stubs
from tests.postdeploy.fleet import SECURE_GROUP, public_and_private_subnets

REGION, OTHER_REGION = "us-east-1", "eu-west-1"
MINIMUMS = Settings(minimum_engine_versions={"memcached": "1.6.6", "redis": "7.2"})


@dataclass
class Network:
    vpc: str
    private_subnet: str
    public_subnet: str
    closed_group: str
    open_group: str
    open_v6_group: str


@pytest.fixture(scope="module")
def network() -> Iterator[Network]:
    """EC2 as moto emulates it, set up once for the module; the tests only read it."""
    with pytest.MonkeyPatch.context() as env, mock_aws():
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc, private, public = public_and_private_subnets(ec2, ("us-east-1a",))

        def group(name: str, permissions: list[dict[str, Any]]) -> str:
            group_id = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"])
            if permissions:
                ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)
            return group_id

        yield Network(
            vpc,
            private[0],
            public[0],
            group("closed", []),
            group(
                "open", [{"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
            ),
            group("open6", [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]),
        )


def subnet_groups(net: Network) -> dict[str, Any]:
    def group(name: str, subnet: str) -> dict[str, Any]:
        return {
            "CacheSubnetGroupName": name,
            "CacheSubnetGroupDescription": name,
            "VpcId": net.vpc,
            "Subnets": [{"SubnetIdentifier": subnet}],
        }

    return {
        "CacheSubnetGroups": [
            group("private-cache", net.private_subnet),
            group("public-cache", net.public_subnet),
            group("default", net.public_subnet),
        ]
    }


def results_of(
    aws: Aws, inventories: Inventories, kinds: set[ResourceKind], settings: Settings | None = None
) -> dict[tuple[str, str], Any]:
    listing = list_region(inventories, REGION, Targets(everything=True))
    resources = [r for r in listing.resources if r.kind in kinds]
    results = run_checks(resources, Context(inventories, settings or Settings()))
    return {(r.resource_id, r.check_id): r for r in [*listing.errors, *results]}


def statuses(results: dict[tuple[str, str], Any], resource_id: str) -> dict[str, Status]:
    return {check: r.status for (rid, check), r in results.items() if rid == resource_id}


def node_based(
    net: Network,
    stubber: Any,
    groups: list[dict[str, Any]],
    clusters: list[dict[str, Any]],
    *,
    versions: dict[str, Any] | None = None,
    params: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Queue the ElastiCache answers of one region, in the order the inventory asks for them."""
    stubber.add_response("describe_replication_groups", {"ReplicationGroups": groups})
    stubber.add_response("describe_cache_clusters", {"CacheClusters": clusters})
    stubber.add_response("describe_serverless_caches", {"ServerlessCaches": []})
    stubber.add_response("describe_global_replication_groups", {"GlobalReplicationGroups": []})
    stubber.add_response("describe_users", {"Users": []})
    stubber.add_response("describe_user_groups", {"UserGroups": []})
    stubber.add_response("describe_cache_subnet_groups", subnet_groups(net))
    stubber.add_response(
        "describe_cache_engine_versions",
        versions
        or stubs.engine_versions(("valkey", "8.0"), ("redis", "7.1"), ("redis", "6.2"), ("memcached", "1.6.22")),
    )
    for values in (params or {"app-params": stubs.parameters(**{"maxmemory-policy": "allkeys-lru"})}).values():
        stubber.add_response("describe_cache_parameters", values)


def warm(inventories: Inventories, params: tuple[str, ...] = ("app-params",)) -> None:
    """Fetch in the stubbed order; the checks then read the cached answers."""
    inventory = inventories[REGION]
    inventory.replication_groups()
    inventory.cache_clusters()
    inventory.serverless_caches()
    inventory.global_datastores()
    inventory.users()
    inventory.user_groups()
    inventory.subnet_groups()
    inventory.engine_versions()
    for name in params:
        inventory.parameters(name)


def test_secure_replication_group_passes_everything(network: Network) -> None:
    aws = Aws()
    group = stubs.replication_group("secure", shards=3, replicas=2)
    clusters = stubs.members_of(group, SecurityGroups=[{"SecurityGroupId": network.closed_group, "Status": "active"}])
    with (
        stubs.stubbed(aws, "elasticache", REGION) as stubber,
        stubs.stubbed(aws, "application-autoscaling", REGION) as scaling,
    ):
        node_based(network, stubber, [group], clusters)
        scaling.add_response("describe_scalable_targets", {"ScalableTargets": []}, {"ServiceNamespace": "elasticache"})
        inventories = Inventories(aws)
        warm(inventories)
        results = results_of(aws, inventories, {ResourceKind.REPLICATION_GROUP})
    assert statuses(results, "secure") == SECURE_GROUP
    assert results[("secure", "shard-replicas-zones")].message == (
        "replication group secure: 3 shard(s), each with a replica in another zone"
    )
    assert results[("secure", "eviction-policy")].message == (
        "replication group secure: maxmemory-policy is accepted (app-params: allkeys-lru)"
    )
    assert (
        results[("secure", "engine-version-supported")].message == "replication group secure: valkey 8.0.1 is offered"
    )


def test_node_level_misconfigurations_fail(network: Network) -> None:
    aws = Aws()
    open_group = stubs.replication_group("open-sg")
    old = stubs.replication_group("old-engine", Engine="redis", AuthTokenEnabled=True, TransitEncryptionMode=None)
    noevict = stubs.replication_group("noevict")
    default = stubs.replication_group("default-net")
    clusters = (
        stubs.members_of(
            open_group,
            SecurityGroups=[
                {"SecurityGroupId": network.open_group, "Status": "active"},
                {"SecurityGroupId": network.open_v6_group, "Status": "active"},
            ],
        )
        + stubs.members_of(
            old, Engine="redis", EngineVersion="5.0.6", SecurityGroups=[{"SecurityGroupId": network.closed_group}]
        )
        + stubs.members_of(
            noevict,
            CacheParameterGroup={"CacheParameterGroupName": "strict"},
            SecurityGroups=[{"SecurityGroupId": network.closed_group}],
        )
        + stubs.members_of(
            default, CacheSubnetGroupName="default", SecurityGroups=[{"SecurityGroupId": network.closed_group}]
        )
    )
    params = {
        "app-params": stubs.parameters(**{"maxmemory-policy": "allkeys-lru"}),
        "strict": stubs.parameters(**{"maxmemory-policy": "noeviction"}),
    }
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        node_based(network, stubber, [open_group, old, noevict, default], clusters, params=params)
        inventories = Inventories(aws)
        warm(inventories, ("app-params", "strict"))
        results = results_of(aws, inventories, {ResourceKind.REPLICATION_GROUP})

    assert results[("open-sg", "security-groups-not-open")].status is Status.FAIL
    prefix, findings = results[("open-sg", "security-groups-not-open")].message.split(": ", 1)
    assert prefix == "replication group open-sg"
    assert set(findings.split("; ")) == {
        f"{network.open_group} admits 0.0.0.0/0 on port 6379",
        f"{network.open_v6_group} admits ::/0 on all traffic",
    }
    assert statuses(results, "old-engine")["engine-version-supported"] is Status.FAIL
    assert results[("old-engine", "engine-version-supported")].message == (
        "replication group old-engine: redis 5.0.6 is no longer offered in us-east-1"
    )
    assert statuses(results, "old-engine")["auth-token-before-redis-6"] is Status.PASS
    # Redis OSS before 7.0 has no TLS modes: TLS on means TLS only.
    assert statuses(results, "old-engine")["tls-required"] is Status.PASS
    assert results[("noevict", "eviction-policy")].message == (
        "replication group noevict: maxmemory-policy of parameter group strict sets noeviction"
    )
    assert statuses(results, "default-net")["default-subnet-group"] is Status.FAIL
    assert results[("default-net", "private-subnets")].message == (
        f"replication group default-net: subnet group default includes public subnets {network.public_subnet}"
    )


def test_settings_tighten_and_loosen_checks(network: Network) -> None:
    aws = Aws()
    group = stubs.replication_group("tuned", SnapshotRetentionLimit=7)
    clusters = stubs.members_of(group, SecurityGroups=[{"SecurityGroupId": network.closed_group}])
    settings = Settings(backup_threshold_days=14, approved_kms_keys=("key-2",), eviction_policies=("volatile-lru",))
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        node_based(network, stubber, [group], clusters)
        inventories = Inventories(aws)
        warm(inventories)
        results = results_of(aws, inventories, {ResourceKind.REPLICATION_GROUP}, settings)
    assert results[("tuned", "backup-retention")].message == (
        "replication group tuned: SnapshotRetentionLimit is 7 days, below the 14-day threshold"
    )
    assert results[("tuned", "customer-managed-key")].message == (
        "replication group tuned: KmsKeyId arn:aws:kms:us-east-1:123456789012:key/key-1 is not one of the approved keys"
    )
    assert results[("tuned", "eviction-policy")].status is Status.FAIL


def test_approved_key_by_id(network: Network) -> None:
    aws = Aws()
    group = stubs.replication_group("approved")
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        stubber.add_response("describe_cache_clusters", {"CacheClusters": stubs.members_of(group)})
        inventories = Inventories(aws)
        inventories[REGION].replication_groups()
        listing = list_region(inventories, REGION, Targets(ids=((ResourceKind.REPLICATION_GROUP, "approved"),)))
        outcome = CustomerManagedKey().evaluate(
            listing.resources[0], Context(inventories, Settings(approved_kms_keys=("key-1",)))
        )
    assert outcome.status is Status.PASS


def test_rbac_counts_as_authentication_and_access_denied_is_an_error(network: Network) -> None:
    aws = Aws()
    group = stubs.replication_group("rbac")
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        stubber.add_client_error(
            "describe_cache_clusters",
            service_error_code="AccessDenied",
            service_message="not authorized",
            http_status_code=403,
        )
        stubber.add_response("describe_serverless_caches", {"ServerlessCaches": []})
        stubber.add_response("describe_global_replication_groups", {"GlobalReplicationGroups": []})
        stubber.add_response("describe_users", {"Users": []})
        stubber.add_response("describe_user_groups", {"UserGroups": []})
        inventories = Inventories(aws)
        inventories[REGION].replication_groups()
        results = results_of(aws, inventories, {ResourceKind.REPLICATION_GROUP})
    assert results[("rbac", "authentication")].message == "replication group rbac: RBAC through user groups app-users"
    denied = "DescribeCacheClusters in us-east-1 failed: AccessDenied: not authorized"
    for check in ("default-subnet-group", "eviction-policy", "security-groups-not-open", "engine-version-supported"):
        assert (results[("rbac", check)].status, results[("rbac", check)].message) == (
            Status.ERROR,
            f"replication group rbac: {denied}",
        )
    # Checks that need no member clusters still reach a verdict.
    assert results[("rbac", "multi-az")].status is Status.PASS
    # Standalone clusters could not be listed either: one inventory error names the kind.
    assert results[("*", "inventory")].message == f"cache clusters not listed: {denied}"


def test_standalone_clusters(network: Network) -> None:
    aws = Aws()
    memcached = stubs.cache_cluster(
        "sessions-mc",
        Engine="memcached",
        EngineVersion="1.6.22",
        NumCacheNodes=3,
        PreferredAvailabilityZone="Multiple",
        TransitEncryptionEnabled=True,
        SnapshotRetentionLimit=0,
        CacheParameterGroup={"CacheParameterGroupName": "default.memcached1.6"},
        SecurityGroups=[{"SecurityGroupId": network.closed_group}],
    )
    one_zone = stubs.cache_cluster(
        "old-mc",
        Engine="memcached",
        EngineVersion="1.6.6",
        NumCacheNodes=2,
        PreferredAvailabilityZone="us-east-1a",
        SnapshotRetentionLimit=0,
        SecurityGroups=[{"SecurityGroupId": network.closed_group}],
    )
    plaintext = stubs.cache_cluster(
        "single-mc",
        Engine="memcached",
        EngineVersion="1.6.12",
        PreferredAvailabilityZone="us-east-1b",
        SnapshotRetentionLimit=0,
        SecurityGroups=[{"SecurityGroupId": network.closed_group}],
    )
    legacy = stubs.cache_cluster(
        "legacy-redis",
        Engine="redis",
        EngineVersion="7.1.0",
        CacheSubnetGroupName="default",
        AutoMinorVersionUpgrade=False,
        SnapshotRetentionLimit=0,
        SecurityGroups=[{"SecurityGroupId": network.open_group}],
    )
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        node_based(network, stubber, [], [memcached, legacy, one_zone, plaintext], params={})
        inventories = Inventories(aws)
        warm(inventories, ())
        results = results_of(aws, inventories, {ResourceKind.CACHE_CLUSTER}, MINIMUMS)
    assert statuses(results, "sessions-mc") == {
        "backup-retention": Status.SKIP,
        # Security Hub's ElastiCache.2 covers Valkey and Redis OSS only.
        "auto-minor-version-upgrade": Status.SKIP,
        "default-subnet-group": Status.PASS,
        "engine-version-minimum": Status.PASS,
        "engine-version-supported": Status.PASS,
        "eviction-policy": Status.SKIP,
        "memcached-tls": Status.PASS,
        "memcached-zones": Status.PASS,
        "private-subnets": Status.PASS,
        "security-groups-not-open": Status.PASS,
    }
    assert statuses(results, "legacy-redis") == {
        "backup-retention": Status.FAIL,
        "auto-minor-version-upgrade": Status.FAIL,
        "default-subnet-group": Status.FAIL,
        "engine-version-minimum": Status.FAIL,
        "engine-version-supported": Status.PASS,
        "eviction-policy": Status.PASS,
        "memcached-tls": Status.SKIP,
        "memcached-zones": Status.SKIP,
        "private-subnets": Status.FAIL,
        "security-groups-not-open": Status.FAIL,
    }
    messages = {key: r.message for key, r in results.items() if key[1].startswith(("memcached", "engine-version-m"))}
    assert messages == {
        ("sessions-mc", "engine-version-minimum"): "cache cluster sessions-mc: memcached 1.6.22 is at least 1.6.6",
        ("sessions-mc", "memcached-tls"): "cache cluster sessions-mc: TransitEncryptionEnabled is true",
        ("sessions-mc", "memcached-zones"): "cache cluster sessions-mc: 3 nodes in several zones",
        ("legacy-redis", "engine-version-minimum"): "cache cluster legacy-redis: redis 7.1.0 is below the minimum 7.2",
        ("legacy-redis", "memcached-tls"): "cache cluster legacy-redis: runs redis, not Memcached",
        ("legacy-redis", "memcached-zones"): "cache cluster legacy-redis: runs redis, not Memcached",
        ("old-mc", "engine-version-minimum"): "cache cluster old-mc: memcached 1.6.6 is at least 1.6.6",
        ("old-mc", "memcached-tls"): "cache cluster old-mc: Memcached 1.6.6 offers no TLS (it starts with 1.6.12)",
        ("old-mc", "memcached-zones"): "cache cluster old-mc: all 2 nodes in us-east-1a",
        ("single-mc", "engine-version-minimum"): "cache cluster single-mc: memcached 1.6.12 is at least 1.6.6",
        ("single-mc", "memcached-tls"): (
            "cache cluster single-mc: Memcached 1.6.12 offers TLS but TransitEncryptionEnabled is false"
        ),
        ("single-mc", "memcached-zones"): (
            "cache cluster single-mc: 1 node, so losing zone us-east-1b loses the whole cache"
        ),
    }
    assert results[("legacy-redis", "backup-retention")].message == (
        "cache cluster legacy-redis: SnapshotRetentionLimit is 0 days, below the 1-day threshold"
    )


def test_serverless_caches(network: Network) -> None:
    aws = Aws()
    good = stubs.serverless_cache("good", SecurityGroupIds=[network.closed_group], SubnetIds=[network.private_subnet])
    bad = stubs.serverless_cache(
        "bad",
        KmsKeyId=None,
        SnapshotRetentionLimit=0,
        UserGroupId=None,
        CacheUsageLimits={"DataStorage": {"Maximum": 10, "Unit": "GB"}},
        SecurityGroupIds=[network.open_group],
        SubnetIds=[network.public_subnet],
    )
    memcached = stubs.serverless_cache(
        "mc",
        Engine="memcached",
        UserGroupId=None,
        SnapshotRetentionLimit=0,
        SecurityGroupIds=[network.closed_group],
        SubnetIds=[network.private_subnet],
    )
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_serverless_caches", {"ServerlessCaches": [good, bad, memcached]})
        inventories = Inventories(aws)
        resources = inventories[REGION].resources(ResourceKind.SERVERLESS_CACHE)
        results = {(r.resource_id, r.check_id): r for r in run_checks(resources, Context(inventories, Settings()))}
    assert statuses(results, "good") == {
        "customer-managed-key": Status.PASS,
        "engine-version-minimum": Status.SKIP,
        "private-subnets": Status.PASS,
        "security-groups-not-open": Status.PASS,
        "serverless-backups": Status.PASS,
        "serverless-usage-limits": Status.PASS,
        "serverless-user-group": Status.PASS,
    }
    assert statuses(results, "bad") == {
        "customer-managed-key": Status.FAIL,
        "engine-version-minimum": Status.SKIP,
        "private-subnets": Status.FAIL,
        "security-groups-not-open": Status.FAIL,
        "serverless-backups": Status.FAIL,
        "serverless-usage-limits": Status.FAIL,
        "serverless-user-group": Status.FAIL,
    }
    assert results[("bad", "serverless-usage-limits")].message == (
        "serverless cache bad: CacheUsageLimits has no ECPUPerSecond.Maximum, so cost is unbounded"
    )
    assert statuses(results, "mc")["serverless-user-group"] is Status.SKIP
    # Serverless Memcached keeps snapshots as well (DescribeServerlessCaches documents it).
    assert results[("mc", "serverless-backups")].message == (
        "serverless cache mc: SnapshotRetentionLimit is 0 days, below the 1-day threshold"
    )


def test_global_datastores_across_regions(network: Network) -> None:
    aws = Aws()
    healthy = stubs.global_datastore(
        "ldgnf-orders", [("orders-use1", REGION, "PRIMARY"), ("orders-euw1", OTHER_REGION, "SECONDARY")]
    )
    degraded = stubs.global_datastore(
        "ldgnf-carts", [("carts-use1", REGION, "PRIMARY"), ("carts-euw1", OTHER_REGION, "SECONDARY")]
    )
    degraded["Members"][1]["Status"] = "associating"
    primary_groups = [stubs.replication_group("orders-use1"), stubs.replication_group("carts-use1")]
    secondary_groups = [
        stubs.replication_group("orders-euw1"),
        stubs.replication_group("carts-euw1", TransitEncryptionEnabled=False, TransitEncryptionMode=None),
    ]
    with stubs.stubbed(aws, "elasticache", REGION) as home, stubs.stubbed(aws, "elasticache", OTHER_REGION) as away:
        home.add_response("describe_global_replication_groups", {"GlobalReplicationGroups": [healthy, degraded]})
        home.add_response("describe_replication_groups", {"ReplicationGroups": primary_groups})
        away.add_response("describe_replication_groups", {"ReplicationGroups": secondary_groups})
        inventories = Inventories(aws)
        resources = inventories[REGION].resources(ResourceKind.GLOBAL_DATASTORE)
        results = {(r.resource_id, r.check_id): r for r in run_checks(resources, Context(inventories, Settings()))}
    assert results[("ldgnf-orders", "global-datastore-members")].message == (
        "global datastore ldgnf-orders: available, 2 associated members in us-east-1, eu-west-1"
    )
    assert results[("ldgnf-orders", "global-datastore-encryption")].status is Status.PASS
    assert results[("ldgnf-carts", "global-datastore-members")].message == (
        "global datastore ldgnf-carts: member carts-euw1 (eu-west-1) is associating"
    )
    assert results[("ldgnf-carts", "global-datastore-encryption")].message == (
        "global datastore ldgnf-carts: TransitEncryptionEnabled is False on carts-euw1 (eu-west-1)"
    )


def test_listings_follow_every_page(network: Network) -> None:
    aws = Aws()
    pages = [[stubs.replication_group(f"g{page}{i}") for i in range(2)] for page in range(3)]
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        for number, page in enumerate(pages):
            response: dict[str, Any] = {"ReplicationGroups": page}
            if number < 2:
                response["Marker"] = f"page-{number + 1}"
            expected = {"Marker": f"page-{number}"} if number else {}
            stubber.add_response("describe_replication_groups", response, expected)
        groups = Inventories(aws)[REGION].replication_groups()
    assert list(groups) == ["g00", "g01", "g10", "g11", "g20", "g21"]
    assert [g["ReplicationGroupId"] for g in groups.values()] == ["g00", "g01", "g10", "g11", "g20", "g21"]
    assert aws.calls["elasticache:DescribeReplicationGroups"] == 3
