"""Failover readiness."""

from __future__ import annotations

from postdeploy.checks.base import Check, Context, Outcome, SettingCheck, failed, passed
from postdeploy.model import CacheResource, ResourceKind, Severity


class AutomaticFailover(SettingCheck):
    id = "automatic-failover"
    title = "Automatic failover is enabled"
    severity = Severity.MEDIUM
    controls = ("ElastiCache.3",)
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    setting, wanted, default = "AutomaticFailover", "enabled", "disabled"


class MultiAz(SettingCheck):
    id = "multi-az"
    title = "Multi-AZ is enabled"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    setting, wanted, default = "MultiAZ", "enabled", "disabled"


class ShardReplicasAndZones(Check):
    id = "shard-replicas-zones"
    title = "Every shard has a replica and nodes in at least two availability zones"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})

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


class GlobalMembers(Check):
    id = "global-datastore-members"
    title = "Global Datastore is available with a primary and associated members"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.GLOBAL_DATASTORE})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        members = resource.data.get("Members", [])
        status = resource.data.get("Status")
        problems = [] if status == "available" else [f"Status is {status}"]
        if not any(m.get("Role") == "PRIMARY" for m in members):
            problems.append("no PRIMARY member")
        if len(members) < 2:
            problems.append(f"{len(members)} member(s), so no other region holds a copy")
        problems += [
            f"member {m['ReplicationGroupId']} ({m['ReplicationGroupRegion']}) is {m.get('Status')}"
            for m in members
            if m.get("Status") != "associated"
        ]
        if problems:
            return failed(f"{resource.name}: " + "; ".join(problems))
        regions = ", ".join(m["ReplicationGroupRegion"] for m in members)
        return passed(f"{resource.name}: available, {len(members)} associated members in {regions}")
