"""Everything the checks read, fetched once per region and kind and shared by all checks.

Each list comes from one paginated describe call; nothing is fetched per resource where a list
call exists. Parameter values are fetched once per parameter group in use, not per cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from postdeploy.aws import Aws, RequestError, guarded
from postdeploy.model import CacheResource, ResourceKind

T = TypeVar("T")


class CheckError(Exception):
    """A check cannot reach a verdict; the reason becomes an ERROR result."""


class FetchError(CheckError):
    """A describe call failed (for example access denied)."""


class RegionInventory:
    """Lazily fetched, cached descriptions of one region's ElastiCache and network resources."""

    def __init__(self, aws: Aws, region: str) -> None:
        self.aws = aws
        self.region = region
        self._cache: dict[str, Any] = {}

    def _once(self, key: str, what: str, fetch: Callable[[], T]) -> T:
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
        if kind is ResourceKind.REPLICATION_GROUP:
            return [self.replication_group(data) for data in self.replication_groups().values()]
        if kind is ResourceKind.CACHE_CLUSTER:
            grouped = {
                member for group in self.replication_groups().values() for member in group.get("MemberClusters", [])
            }
            return [
                CacheResource(kind, cluster_id, self.region, data)
                for cluster_id, data in self.cache_clusters().items()
                if cluster_id not in grouped and not data.get("ReplicationGroupId")
            ]
        if kind is ResourceKind.SERVERLESS_CACHE:
            return [CacheResource(kind, name, self.region, d) for name, d in self.serverless_caches().items()]
        return [CacheResource(kind, d["GlobalReplicationGroupId"], self.region, d) for d in self.global_datastores()]

    def replication_group(self, data: Mapping[str, Any]) -> CacheResource:
        """A replication group with its member clusters, when they can be listed."""
        try:
            clusters = self.cache_clusters()
        except FetchError:
            clusters = {}
        members = tuple(clusters[c] for c in data.get("MemberClusters", []) if c in clusters)
        return CacheResource(ResourceKind.REPLICATION_GROUP, data["ReplicationGroupId"], self.region, data, members)


def _to_internet_gateway(route: Mapping[str, Any]) -> bool:
    return str(route.get("GatewayId", "")).startswith("igw-") and route.get("State") != "blackhole"


class Inventories:
    """One inventory per region, created on first use."""

    def __init__(self, aws: Aws) -> None:
        self.aws = aws
        self._regions: dict[str, RegionInventory] = {}

    def __getitem__(self, region: str) -> RegionInventory:
        if region not in self._regions:
            self._regions[region] = RegionInventory(self.aws, region)
        return self._regions[region]
