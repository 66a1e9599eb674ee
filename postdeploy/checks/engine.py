"""Engine versions, upgrades, parameters and capacity limits."""

from __future__ import annotations

from postdeploy.checks.base import Check, Context, Outcome, failed, passed, skipped
from postdeploy.inventory import CheckError
from postdeploy.model import CacheResource, ResourceKind, Severity


class AutoMinorVersionUpgrade(Check):
    id = "auto-minor-version-upgrade"
    title = "Automatic minor version upgrades are on"
    severity = Severity.HIGH
    controls = ("ElastiCache.2",)
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.kind is ResourceKind.REPLICATION_GROUP and "AutoMinorVersionUpgrade" in resource.data:
            enabled = bool(resource.data["AutoMinorVersionUpgrade"])
        else:
            enabled = all(c.get("AutoMinorVersionUpgrade") for c in context.clusters(resource))
        if enabled:
            return passed(f"{resource.name}: AutoMinorVersionUpgrade is true")
        return failed(f"{resource.name}: AutoMinorVersionUpgrade is false")


class SupportedEngineVersion(Check):
    id = "engine-version-supported"
    title = "The engine version is one ElastiCache still offers"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        context.clusters(resource)
        version = resource.engine_version
        if version is None:
            raise CheckError(f"{resource.name}: no engine version reported")
        offered = {
            v["EngineVersion"]
            for v in context.inventory(resource).engine_versions()
            if v.get("Engine") == resource.engine
        }
        # ElastiCache lists 7.1 while clusters report the patch level, 7.1.0.
        if any(version == v or version.startswith(f"{v}.") for v in offered):
            return passed(f"{resource.name}: {resource.engine} {version} is offered")
        return failed(f"{resource.name}: {resource.engine} {version} is no longer offered in {resource.region}")


class EvictionPolicy(Check):
    id = "eviction-policy"
    title = "The parameter group's eviction policy is an accepted one"
    severity = Severity.LOW
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: Memcached has no maxmemory-policy")
        groups = sorted(
            {
                c["CacheParameterGroup"]["CacheParameterGroupName"]
                for c in context.clusters(resource)
                if c.get("CacheParameterGroup", {}).get("CacheParameterGroupName")
            }
        )
        if not groups:
            raise CheckError(f"{resource.name}: ElastiCache reported no parameter group")
        allowed = context.settings.eviction_policies
        policies = {g: context.inventory(resource).parameters(g).get("maxmemory-policy") for g in groups}
        wrong = [f"{g} sets {p}" for g, p in policies.items() if p not in allowed]
        if wrong:
            return failed(f"{resource.name}: maxmemory-policy of parameter group " + "; ".join(wrong))
        described = ", ".join(f"{g}: {p}" for g, p in policies.items())
        return passed(f"{resource.name}: maxmemory-policy is accepted ({described})")


class ServerlessUsageLimits(Check):
    id = "serverless-usage-limits"
    title = "Serverless cache caps data storage and ECPUs"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.SERVERLESS_CACHE})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        limits = resource.data.get("CacheUsageLimits", {})
        storage = limits.get("DataStorage", {}).get("Maximum")
        ecpu = limits.get("ECPUPerSecond", {}).get("Maximum")
        missing = [
            name for name, value in (("DataStorage.Maximum", storage), ("ECPUPerSecond.Maximum", ecpu)) if not value
        ]
        if missing:
            return failed(f"{resource.name}: CacheUsageLimits has no {' and no '.join(missing)}, so cost is unbounded")
        unit = limits["DataStorage"].get("Unit", "GB")
        return passed(f"{resource.name}: at most {storage} {unit} and {ecpu} ECPU/s")
