"""Engine versions, upgrades, parameters and capacity limits."""

from __future__ import annotations

from constructs_lib.facts.engines import parse_version
from postdeploy.checks.base import (
    Check,
    Context,
    Outcome,
    config_rule,
    failed,
    guide,
    passed,
    security_hub,
    skipped,
)
from postdeploy.inventory import CheckError
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity


class AutoMinorVersionUpgrade(Check):
    """Security Hub's ElastiCache.2 covers Valkey and Redis OSS clusters; Memcached is not in scope."""

    id = "auto-minor-version-upgrade"
    title = "Automatic minor version upgrades are on"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.2", "elasticache-auto-minor-version-upgrade-check", "CT.ELASTICACHE.PR.2")
    reference = security_hub(2)
    remediation = "Set AutoMinorVersionUpgrade to true (ReplicationGroup auto_minor_version_upgrade)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: ElastiCache.2 covers Valkey and Redis OSS, not Memcached")
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
    reference = guide("engine-versions")
    remediation = "Upgrade to an engine version DescribeCacheEngineVersions lists (EngineVersion)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        engine, version = context.engine(resource), context.engine_version(resource)
        offered = {
            v["EngineVersion"] for v in context.inventory(resource).engine_versions() if v.get("Engine") == engine
        }
        # ElastiCache lists 7.1 while clusters report the patch level, 7.1.0.
        if any(version == v or version.startswith(f"{v}.") for v in offered):
            return passed(f"{resource.name}: {engine} {version} is offered")
        return failed(f"{resource.name}: {engine} {version} is no longer offered in {resource.region}")


class MinimumEngineVersion(Check):
    """AWS Config's definition (parameters latestRedisVersion and latestMemcachedVersion), given
    per engine with ``--minimum-engine-version ENGINE=VERSION``; Valkey is our addition."""

    id = "engine-version-minimum"
    title = "The engine version is at least the recommended minimum"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER, ResourceKind.SERVERLESS_CACHE})
    follows = Authority.CONFIG
    controls = ("elasticache-supported-engine-version",)
    reference = config_rule("elasticache-supported-engine-version")
    remediation = "Upgrade the engine to the minimum version or later (EngineVersion)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        engine = context.engine(resource)
        minimum = context.settings.minimum_engine_versions.get(engine)
        if minimum is None:
            return skipped(f"{resource.name}: no minimum version given for {engine}")
        version = context.engine_version(resource)
        width = max(len(parse_version(version)), len(parse_version(minimum)))
        if _padded(version, width) >= _padded(minimum, width):
            return passed(f"{resource.name}: {engine} {version} is at least {minimum}")
        return failed(f"{resource.name}: {engine} {version} is below the minimum {minimum}")


def _padded(version: str, width: int) -> tuple[int, ...]:
    parts = parse_version(version)
    return parts + (0,) * (width - len(parts))


class EvictionPolicy(Check):
    id = "eviction-policy"
    title = "The parameter group's eviction policy is an accepted one"
    severity = Severity.LOW
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})
    reference = guide("ParameterGroups.Engine")
    remediation = (
        "Set maxmemory-policy in the parameter group to an accepted policy (ReplicationGroup eviction_policy)."
    )

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
    reference = guide("Scaling")
    remediation = "Set CacheUsageLimits DataStorage.Maximum and ECPUPerSecond.Maximum on the serverless cache."

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
