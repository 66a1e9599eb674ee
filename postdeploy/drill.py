"""Failover drills: TestFailover one shard at a time, timed from ElastiCache's own events.

ElastiCache reports a drill's progress only as events (kept 14 days), in this order:
"Test Failover API called for node group X", "Failover from primary node A to replica node B
completed" (for the cluster, then the group), "Recovering cache nodes B", "Finished recovery for
cache nodes B". Time to failover runs from the first event to the second; time to recovery from
the first to the last. At most 15 shards may be drilled per rolling 24 hours in an account and
region, so the drill counts the API-called events of the past day before it starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from postdeploy.aws import Aws, RequestError, guarded

SHARDS_PER_DAY = 15
API_CALLED = "test failover api called for node group"
FAILOVER_COMPLETED = "failover from primary node"
RECOVERY_FINISHED = "finished recovery for cache nodes"
NOT_FOUND = "ReplicationGroupNotFoundFault"

Progress = Callable[[str, float, str], None]


class DrillRefusedError(Exception):
    """The drill would be unsafe or cannot run; nothing was started."""


class GroupNotFoundError(Exception):
    """The replication group does not exist in the region (a usage error, as for ``check``)."""


class DrillFailedError(Exception):
    """ElastiCache rejected a TestFailover call."""


@dataclass(frozen=True)
class ShardPlan:
    """One shard and its nodes. ``primary`` is known in cluster mode disabled only: the API
    reports ``CurrentRole`` for that mode alone, and TestFailover picks the primary itself."""

    shard_id: str
    members: tuple[str, ...]
    primary: str | None = None
    slots: str | None = None
    """Cluster mode enabled: the shard's slot ranges, where a probe puts its keys."""

    @property
    def replicas(self) -> tuple[str, ...]:
        return tuple(m for m in self.members if m != self.primary) if self.primary else ()

    def describe(self) -> str:
        if self.primary:
            return f"{self.shard_id} (primary {self.primary}, replicas {', '.join(self.replicas)})"
        return f"{self.shard_id} (nodes {', '.join(self.members)}; roles not reported in cluster mode enabled)"

    def as_dict(self) -> dict[str, Any]:
        return {"shard": self.shard_id, "primary": self.primary, "members": list(self.members)}


@dataclass(frozen=True)
class DrillPlan:
    region: str
    group_id: str
    shards: tuple[ShardPlan, ...]
    used_today: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "replication_group": self.group_id,
            "region": self.region,
            "shards": [shard.as_dict() for shard in self.shards],
            "test_failovers_used_past_24_hours": self.used_today,
            "test_failovers_per_24_hours": SHARDS_PER_DAY,
        }


@dataclass
class ShardResult:
    """One shard's drill. Event offsets count from the "Test Failover API called" event's time
    (ElastiCache's clock), or from ``called_at`` (this host's clock, when TestFailover was accepted)
    until that event arrives; ``event_dates`` are the events' own times."""

    shard_id: str
    failover_seconds: float | None = None
    recovery_seconds: float | None = None
    outcome: str = "timed out"
    events: list[tuple[float, str]] = field(default_factory=list)
    called_at: datetime | None = None
    event_dates: list[datetime] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "shard": self.shard_id,
            "time_to_failover_seconds": self.failover_seconds,
            "time_to_recovery_seconds": self.recovery_seconds,
            "outcome": self.outcome,
            "test_failover_called_at": self.called_at.isoformat() if self.called_at else None,
            "events": [
                {"offset_seconds": offset, "at": at.isoformat(), "message": message}
                for (offset, message), at in zip(self.events, self.event_dates, strict=True)
            ],
        }


def _call(what: str, operation: Callable[..., Any], **params: Any) -> Any:
    try:
        return guarded(what, lambda: operation(**params))
    except RequestError as error:
        raise DrillFailedError(str(error)) from error


def shard_plan(group_name: str, shard: dict[str, Any], cluster_mode: bool) -> ShardPlan:
    """A shard's nodes as the API gives them; refuses a shard without a replica.

    Cluster mode disabled: members carry ``CurrentRole``. Cluster mode enabled: the API documents
    no role per member ("only applicable for ... cluster mode disabled", NodeGroupMember), so a
    second member is what shows there is a replica."""
    shard_id = shard["NodeGroupId"]
    members = tuple(m["CacheClusterId"] for m in shard.get("NodeGroupMembers", []))
    if len(members) < 2:
        raise DrillRefusedError(f"{group_name}: shard {shard_id} has no replica to fail over to")
    if cluster_mode:
        return ShardPlan(shard_id, members, slots=shard.get("Slots"))
    roles = {m["CacheClusterId"]: m.get("CurrentRole") for m in shard["NodeGroupMembers"]}
    primary = next((c for c, role in roles.items() if role == "primary"), None)
    if primary is None or "replica" not in roles.values():
        raise DrillRefusedError(f"{group_name}: shard {shard_id} reports no primary and replica (CurrentRole)")
    return ShardPlan(shard_id, members, primary)


def plan(aws: Aws, region: str, group_id: str, shard: str | None, all_shards: bool, now: datetime) -> DrillPlan:
    """Check that the drill is safe and allowed; refuse with the reason otherwise."""
    client = aws.client("elasticache", region)
    try:
        answer = guarded(
            "DescribeReplicationGroups", lambda: client.describe_replication_groups(ReplicationGroupId=group_id)
        )
    except RequestError as error:
        if isinstance(error.__cause__, ClientError) and error.__cause__.response["Error"]["Code"] == NOT_FOUND:
            raise GroupNotFoundError(f"replication group {group_id} not found in {region}") from error
        raise DrillRefusedError(str(error)) from error
    (group,) = answer["ReplicationGroups"]
    name = f"replication group {group_id}"
    if group.get("AutomaticFailover") != "enabled":
        raise DrillRefusedError(f"{name}: AutomaticFailover is {group.get('AutomaticFailover', 'disabled')}")
    if group.get("Status") != "available":
        raise DrillRefusedError(f"{name}: status is {group.get('Status')}, not available")
    shards = {g["NodeGroupId"]: g for g in group.get("NodeGroups", [])}
    if shard is not None:
        if shard not in shards:
            raise DrillRefusedError(f"{name}: no shard {shard} (shards: {', '.join(sorted(shards))})")
        selected = [shard]
    elif all_shards or len(shards) == 1:
        selected = sorted(shards)
    else:
        raise DrillRefusedError(f"{name} has {len(shards)} shards: pass --shard ID or --all-shards")
    cluster_mode = bool(group.get("ClusterEnabled"))
    planned = [shard_plan(name, shards[shard_id], cluster_mode) for shard_id in selected]
    used = sum(
        1
        for event in _events(aws, region, now - timedelta(hours=24))
        if event["Message"].lower().startswith(API_CALLED)
    )
    if len(planned) > SHARDS_PER_DAY - used:
        raise DrillRefusedError(
            f"{name}: {len(planned)} shard(s) requested, but only {max(SHARDS_PER_DAY - used, 0)} of "
            f"{SHARDS_PER_DAY} test failovers remain in {region} for the past 24 hours"
        )
    return DrillPlan(region, group_id, tuple(planned), used)


def _events(aws: Aws, region: str, start: datetime) -> list[dict[str, Any]]:
    events = _call(
        "DescribeEvents", lambda: aws.paginate("elasticache", region, "describe_events", "Events", StartTime=start)
    )
    return sorted(events, key=lambda e: e["Date"])


@dataclass
class Clock:
    """Wall time and sleeping, replaceable in tests."""

    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    sleep: Callable[[float], None] = time.sleep


def run(
    aws: Aws,
    drill: DrillPlan,
    *,
    progress: Progress,
    timeout: float = 1800,
    poll_interval: float = 15,
    clock: Clock | None = None,
) -> list[ShardResult]:
    """Fail over each planned shard in turn and wait for its recovery before the next."""
    clock = clock or Clock()
    client = aws.client("elasticache", drill.region)
    results = []
    for shard in drill.shards:
        started = clock.now()
        result = ShardResult(shard.shard_id, called_at=started)
        results.append(result)
        _call(
            f"TestFailover of shard {shard.shard_id}",
            client.test_failover,
            ReplicationGroupId=drill.group_id,
            NodeGroupId=shard.shard_id,
        )
        progress(shard.shard_id, 0.0, "TestFailover accepted")
        relevant = {drill.group_id, *shard.members}
        seen: set[tuple[Any, str, str]] = set()
        origin: datetime | None = None
        while result.recovery_seconds is None and (clock.now() - started).total_seconds() < timeout:
            clock.sleep(poll_interval)
            # Events are stamped by ElastiCache; a minute of slack covers clock skew to this host.
            for event in _events(aws, drill.region, started - timedelta(minutes=1)):
                key = (event["Date"], event.get("SourceIdentifier", ""), event["Message"])
                if key in seen or event.get("SourceIdentifier") not in relevant:
                    continue
                seen.add(key)
                message = event["Message"]
                lowered = message.lower()
                if origin is None and lowered.startswith(API_CALLED):
                    origin = event["Date"]
                offset = (event["Date"] - (origin or started)).total_seconds()
                result.events.append((offset, message))
                result.event_dates.append(event["Date"])
                progress(shard.shard_id, offset, message)
                if lowered.startswith(FAILOVER_COMPLETED) and result.failover_seconds is None:
                    result.failover_seconds = offset
                elif lowered.startswith(RECOVERY_FINISHED):
                    result.recovery_seconds = offset
                    result.outcome = "recovered"
        if result.recovery_seconds is None:
            result.outcome = f"timed out after {timeout:.0f} s"
            break
    return results
