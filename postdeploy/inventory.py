"""Everything the checks read, fetched once per account, region and kind and shared by all checks.

Each list comes from one paginated describe call; nothing is fetched per resource where a list
call exists. Parameter values are fetched once per parameter group in use, not per cache. A
failed fetch is remembered too: every check that needs it reports the same ERROR, and no call
is repeated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from constructs_lib.facts.scaling import SERVICE_NAMESPACE
from postdeploy.aws import Aws, RequestError, guarded
from postdeploy.model import CacheResource, ResourceKind

T = TypeVar("T")


class CheckError(Exception):
    """A check cannot reach a verdict; the reason becomes an ERROR result."""


class FetchError(CheckError):
    """A describe call failed (for example access denied)."""


class RegionInventory:
    """Lazily fetched, cached descriptions of one account's ElastiCache and network resources in
    one region. Safe to share between threads: each listing is fetched once, under a lock."""

    def __init__(self, aws: Aws, region: str) -> None:
        self.aws = aws
        self.region = region
        self._cache: dict[str, Any] = {}
        # Re-entrant: listing standalone clusters reads the cluster listing under the same lock.
        self._lock = threading.RLock()

    def _once(self, key: str, what: str, fetch: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._cache:
                try:
                    self._cache[key] = guarded(f"{what} in {self.region} failed", fetch)
                except RequestError as error:
                    self._cache[key] = FetchError(str(error))
            value = self._cache[key]
        if isinstance(value, FetchError):
            raise value
        return value  # type: ignore[no-any-return]

    def _elasticache(self, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        return self.aws.paginate("elasticache", self.region, operation, key, **params)

    # --- ElastiCache ---------------------------------------------------------------------------

    def replication_groups(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "replication_groups",
            "DescribeReplicationGroups",
            lambda: {
                g["ReplicationGroupId"]: g
                for g in self._elasticache("describe_replication_groups", "ReplicationGroups")
            },
        )

    def cache_clusters(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "cache_clusters",
            "DescribeCacheClusters",
            lambda: {c["CacheClusterId"]: c for c in self._elasticache("describe_cache_clusters", "CacheClusters")},
        )

    def serverless_caches(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "serverless_caches",
            "DescribeServerlessCaches",
            lambda: {
                c["ServerlessCacheName"]: c for c in self._elasticache("describe_serverless_caches", "ServerlessCaches")
            },
        )

    def global_datastores(self) -> list[dict[str, Any]]:
        return self._once(
            "global_datastores",
            "DescribeGlobalReplicationGroups",
            lambda: self._elasticache(
                "describe_global_replication_groups", "GlobalReplicationGroups", ShowMemberInfo=True
            ),
        )

    def users(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "users",
            "DescribeUsers",
            lambda: {u["UserId"]: u for u in self._elasticache("describe_users", "Users")},
        )

    def user_groups(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "user_groups",
            "DescribeUserGroups",
            lambda: {g["UserGroupId"]: g for g in self._elasticache("describe_user_groups", "UserGroups")},
        )

    def subnet_groups(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "subnet_groups",
            "DescribeCacheSubnetGroups",
            lambda: {
                g["CacheSubnetGroupName"]: g
                for g in self._elasticache("describe_cache_subnet_groups", "CacheSubnetGroups")
            },
        )

    def engine_versions(self) -> list[dict[str, Any]]:
        return self._once(
            "engine_versions",
            "DescribeCacheEngineVersions",
            lambda: self._elasticache("describe_cache_engine_versions", "CacheEngineVersions"),
        )

    def parameters(self, group_name: str) -> dict[str, str | None]:
        return self._once(
            f"parameters:{group_name}",
            f"DescribeCacheParameters for {group_name}",
            lambda: {
                p["ParameterName"]: p.get("ParameterValue")
                for p in self._elasticache(
                    "describe_cache_parameters", "Parameters", CacheParameterGroupName=group_name
                )
            },
        )

    # --- Application Auto Scaling ------------------------------------------------------------

    def scalable_targets(self) -> dict[str, list[dict[str, Any]]]:
        """ElastiCache's scalable targets by resource id (``replication-group/<id>``)."""

        def fetch() -> dict[str, list[dict[str, Any]]]:
            targets: dict[str, list[dict[str, Any]]] = {}
            for target in self.aws.paginate(
                "application-autoscaling",
                self.region,
                "describe_scalable_targets",
                "ScalableTargets",
                ServiceNamespace=SERVICE_NAMESPACE,
            ):
                targets.setdefault(target["ResourceId"], []).append(target)
            return targets

        return self._once("scalable_targets", "Application Auto Scaling DescribeScalableTargets", fetch)

    # --- EC2 -----------------------------------------------------------------------------------

    def security_groups(self) -> dict[str, dict[str, Any]]:
        return self._once(
            "security_groups",
            "DescribeSecurityGroups",
            lambda: {
                g["GroupId"]: g
                for g in self.aws.paginate("ec2", self.region, "describe_security_groups", "SecurityGroups")
            },
        )

    def subnets(self) -> list[dict[str, Any]]:
        return self._once(
            "subnets",
            "DescribeSubnets",
            lambda: self.aws.paginate("ec2", self.region, "describe_subnets", "Subnets"),
        )

    def route_tables(self) -> list[dict[str, Any]]:
        return self._once(
            "route_tables",
            "DescribeRouteTables",
            lambda: self.aws.paginate("ec2", self.region, "describe_route_tables", "RouteTables"),
        )

    def public_subnets(self, vpc_id: str, subnet_ids: Iterable[str]) -> list[str]:
        """The subnets whose route table (explicit, else the VPC's main table) reaches an internet gateway."""
        tables = [t for t in self.route_tables() if t.get("VpcId") == vpc_id]
        explicit = {a["SubnetId"]: t for t in tables for a in t.get("Associations", []) if a.get("SubnetId")}
        main = next((t for t in tables if any(a.get("Main") for a in t.get("Associations", []))), None)
        public = []
        for subnet_id in subnet_ids:
            table = explicit.get(subnet_id, main)
            if table and any(_to_internet_gateway(route) for route in table.get("Routes", [])):
                public.append(subnet_id)
        return public

    # --- resources -----------------------------------------------------------------------------

    def resources(self, kind: ResourceKind) -> list[CacheResource]:
        """All resources of ``kind`` in this region (raises FetchError when they cannot be listed)."""
        account = self.aws.account_id
        if kind is ResourceKind.REPLICATION_GROUP:
            return [
                CacheResource(account, self.region, kind, group_id, data, self.members(data))
                for group_id, data in self.replication_groups().items()
            ]
        listings: dict[ResourceKind, Callable[[], Mapping[str, Mapping[str, Any]]]] = {
            # Members of replication groups name their group; the rest stand alone. This needs no
            # group listing, so standalone clusters are checked even when that listing fails.
            ResourceKind.CACHE_CLUSTER: lambda: {
                cluster_id: data
                for cluster_id, data in self.cache_clusters().items()
                if not data.get("ReplicationGroupId")
            },
            ResourceKind.SERVERLESS_CACHE: self.serverless_caches,
            ResourceKind.GLOBAL_DATASTORE: lambda: {d["GlobalReplicationGroupId"]: d for d in self.global_datastores()},
            ResourceKind.USER: self.users,
            ResourceKind.USER_GROUP: self.user_groups,
        }
        return [CacheResource(account, self.region, kind, rid, data) for rid, data in listings[kind]().items()]

    def members(self, group: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
        """A replication group's member clusters; none when they cannot be listed (the checks
        that need them then report the listing's error)."""
        try:
            clusters = self.cache_clusters()
        except FetchError:
            return ()
        return tuple(clusters[c] for c in group.get("MemberClusters", []) if c in clusters)


def _to_internet_gateway(route: Mapping[str, Any]) -> bool:
    return str(route.get("GatewayId", "")).startswith("igw-") and route.get("State") != "blackhole"


class Inventories:
    """One account's inventory per region, created on first use (by any thread)."""

    def __init__(self, aws: Aws) -> None:
        self.aws = aws
        self._regions: dict[str, RegionInventory] = {}
        self._lock = threading.Lock()

    def __getitem__(self, region: str) -> RegionInventory:
        with self._lock:
            if region not in self._regions:
                self._regions[region] = RegionInventory(self.aws, region)
            return self._regions[region]
