"""Node-based Memcached clusters: nodes spread over zones, and TLS where the version offers it."""

from __future__ import annotations

from constructs_lib.facts.engines import TLS_NODE_BASED, Engine, format_version
from postdeploy.checks.base import Check, Context, Outcome, failed, guide, passed, skipped
from postdeploy.model import CacheResource, ResourceKind, Severity

MULTIPLE_ZONES = "Multiple"
"""What DescribeCacheClusters reports as PreferredAvailabilityZone for nodes in several zones."""


def _not_memcached(resource: CacheResource) -> Outcome | None:
    if resource.engine == Engine.MEMCACHED.value:
        return None
    return skipped(f"{resource.name}: runs {resource.engine}, not Memcached")


class MemcachedZones(Check):
    id = "memcached-zones"
    title = "Memcached nodes are spread over availability zones"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.CACHE_CLUSTER})
    reference = guide("RegionsAndAZs")
    remediation = "Add nodes with AZMode cross-az (PreferredAvailabilityZones naming two zones or more)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if skip := _not_memcached(resource):
            return skip
        nodes = int(resource.data.get("NumCacheNodes") or 0)
        zone = resource.data.get("PreferredAvailabilityZone")
        if nodes < 2:
            return failed(f"{resource.name}: {nodes} node, so losing zone {zone} loses the whole cache")
        if zone == MULTIPLE_ZONES:
            return passed(f"{resource.name}: {nodes} nodes in several zones")
        return failed(f"{resource.name}: all {nodes} nodes in {zone}")


class MemcachedTls(Check):
    id = "memcached-tls"
    title = "Memcached encrypts connections where the version offers TLS"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.CACHE_CLUSTER})
    reference = guide("in-transit-encryption-mc")
    remediation = "Recreate the cluster with TransitEncryptionEnabled (TLS is set only at creation, Memcached 1.6.12+)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if skip := _not_memcached(resource):
            return skip
        version = context.engine_version(resource)
        if not TLS_NODE_BASED.available(Engine.MEMCACHED, version):
            floor = format_version(TLS_NODE_BASED.minimum(Engine.MEMCACHED) or ())
            return skipped(f"{resource.name}: Memcached {version} offers no TLS (it starts with {floor})")
        if resource.data.get("TransitEncryptionEnabled"):
            return passed(f"{resource.name}: TransitEncryptionEnabled is true")
        return failed(f"{resource.name}: Memcached {version} offers TLS but TransitEncryptionEnabled is false")
