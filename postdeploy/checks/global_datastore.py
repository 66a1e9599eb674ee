"""Global Datastores: their members, read from each member's own region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from postdeploy.checks.base import Check, Context, Outcome, failed, guide, passed, skipped
from postdeploy.inventory import CheckError
from postdeploy.model import CacheResource, ResourceKind, Severity

GETTING_STARTED = guide("Redis-Global-Datastores-Getting-Started")


def member_groups(resource: CacheResource, context: Context) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(group id, region, group description) of every member, each from its region's listing."""
    found: list[tuple[str, str, Mapping[str, Any]]] = []
    for member in resource.data.get("Members", []):
        region, group_id = member["ReplicationGroupRegion"], member["ReplicationGroupId"]
        group = context.inventories[region].replication_groups().get(group_id)
        if group is None:
            raise CheckError(f"{resource.name}: member {group_id} not found in {region}")
        found.append((group_id, region, group))
    return found


class GlobalMembers(Check):
    id = "global-datastore-members"
    title = "Global Datastore is available with a primary and associated members"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.GLOBAL_DATASTORE})
    reference = GETTING_STARTED
    remediation = "Add a secondary replication group in another region and wait until every member is associated."

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


class GlobalEncryptionConsistent(Check):
    id = "global-datastore-encryption"
    title = "Global Datastore members are encrypted alike in every region"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.GLOBAL_DATASTORE})
    reference = GETTING_STARTED
    remediation = "Create the datastore from a primary with at-rest and in-transit encryption; members inherit both."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if not resource.data.get("Members"):
            return skipped(f"{resource.name}: has no members")
        settings = ("AtRestEncryptionEnabled", "TransitEncryptionEnabled")
        expected = {s: bool(resource.data.get(s)) for s in settings}
        differences = [f"{s} is {v} on the datastore" for s, v in expected.items() if not v]
        for group_id, region, group in member_groups(resource, context):
            differences += [
                f"{s} is {bool(group.get(s))} on {group_id} ({region})"
                for s in settings
                if bool(group.get(s)) != expected[s]
            ]
        if differences:
            return failed(f"{resource.name}: " + "; ".join(differences))
        return passed(
            f"{resource.name}: at-rest and in-transit encryption on in all {len(resource.data['Members'])} members"
        )


class GlobalShape(Check):
    """ElastiCache requires the same node type and number of shards in every member; replica
    counts may differ [EC:Redis-Global-Datastores-Getting-Started]."""

    id = "global-datastore-shape"
    title = "Global Datastore members share the node type and shard count"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.GLOBAL_DATASTORE})
    reference = GETTING_STARTED
    remediation = "Scale every member to the datastore's node type and shard count (ModifyGlobalReplicationGroup)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        groups = member_groups(resource, context)
        if not groups:
            return skipped(f"{resource.name}: has no members")
        node_type = resource.data.get("CacheNodeType")
        global_shards = len(resource.data.get("GlobalNodeGroups", []))
        shard_counts = {group_id: len(group.get("NodeGroups", [])) for group_id, _, group in groups}
        expected_shards = global_shards or max(shard_counts.values())
        problems = [
            f"{group_id} ({region}) runs {group.get('CacheNodeType')}, the datastore {node_type}"
            for group_id, region, group in groups
            if node_type and group.get("CacheNodeType") != node_type
        ]
        problems += [
            f"{group_id} has {count} shard(s), the datastore {expected_shards}"
            for group_id, count in shard_counts.items()
            if count != expected_shards
        ]
        if problems:
            return failed(f"{resource.name}: " + "; ".join(problems))
        shape = f"{node_type or 'one node type'} with {expected_shards} shard(s)"
        return passed(f"{resource.name}: all {len(groups)} members run {shape}")
