"""Failover readiness of replication groups."""

from __future__ import annotations

from postdeploy.checks.base import Check, Context, Outcome, SettingCheck, failed, guide, passed, security_hub
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity


class AutomaticFailover(SettingCheck):
    id = "automatic-failover"
    title = "Automatic failover is enabled"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.3", "elasticache-repl-grp-auto-failover-enabled", "CT.ELASTICACHE.PR.3")
    reference = security_hub(3)
    remediation = "Add a replica per shard and set AutomaticFailoverEnabled (ReplicationGroup automatic_failover)."
    setting, wanted, default = "AutomaticFailover", "enabled", "disabled"


class MultiAz(SettingCheck):
    id = "multi-az"
    title = "Multi-AZ is enabled"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    reference = guide("AutoFailover")
    remediation = "Set MultiAZEnabled with automatic failover and subnets in two zones (ReplicationGroup multi_az)."
    setting, wanted, default = "MultiAZ", "enabled", "disabled"


class ShardReplicasAndZones(Check):
    id = "shard-replicas-zones"
    title = "Every shard has a replica and nodes in at least two availability zones"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    reference = guide("AutoFailover")
    remediation = "Give each shard a replica (replicas >= 1) in a second availability zone."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        problems = []
        shards = resource.data.get("NodeGroups", [])
        for shard in shards:
            members = shard.get("NodeGroupMembers", [])
            zones = {m.get("PreferredAvailabilityZone") for m in members if m.get("PreferredAvailabilityZone")}
            if len(members) < 2:
                problems.append(f"shard {shard['NodeGroupId']} has no replica")
            elif len(zones) < 2:
                problems.append(
                    f"shard {shard['NodeGroupId']} has all {len(members)} nodes in {', '.join(sorted(zones))}"
                )
        if not shards:
            return failed(f"{resource.name}: reports no shards")
        if problems:
            return failed(f"{resource.name}: " + "; ".join(problems))
        return passed(f"{resource.name}: {len(shards)} shard(s), each with a replica in another zone")
