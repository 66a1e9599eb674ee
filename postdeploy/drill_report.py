"""The failover drill's report: per shard, ElastiCache's times; with ``--probe``, what a client saw,
and one timeline of both.

Offsets in the timeline count from the first TestFailover call on this host's clock; ElastiCache's
events keep the times ElastiCache gives them, so the two line up as well as the clocks agree.
"""

from __future__ import annotations

import json
from typing import Any

from postdeploy import drill
from postdeploy.probe.continuous import READ, WRITE, ClientView, LaneView, Window


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _first_call(results: list[drill.ShardResult], view: ClientView) -> float:
    """When the first TestFailover was called (seconds since the epoch), else when the probe started."""
    called = [r.called_at.timestamp() for r in results if r.called_at]
    return min(called) if called else view.started


def render(plan: drill.DrillPlan, results: list[drill.ShardResult], view: ClientView | None, output_format: str) -> str:
    if output_format == "json":
        document: dict[str, Any] = {
            "replication_group": plan.group_id,
            "region": plan.region,
            "shards": [r.as_dict() for r in results],
        }
        if view is not None:
            document["client"] = view.as_dict(_first_call(results, view))
        return json.dumps(document, indent=2) + "\n"
    lines = [f"{'SHARD':<7}{'TIME TO FAILOVER':>18}{'TIME TO RECOVERY':>18}  OUTCOME"]
    lines += [
        f"{r.shard_id:<7}{_seconds(r.failover_seconds):>18}{_seconds(r.recovery_seconds):>18}  {r.outcome}"
        for r in results
    ]
    if view is not None:
        lines += ["", *_client_lines(view), "", *_timeline(results, view, _first_call(results, view))]
    return "\n".join(lines) + "\n"


def _errors(lane: LaneView) -> str:
    parts = [
        f"{operation}: " + ", ".join(f"{kind} {n}" for kind, n in counts.most_common())
        for operation, counts in lane.errors.items()
        if counts
    ]
    return "; ".join(parts) or "none"


def _client_lines(view: ClientView) -> list[str]:
    lines = [
        f"WHAT A CLIENT SAW (a write and a read every {view.interval:g} s per shard at {view.endpoint})",
        f"{'SHARD':<7}{'ACKED WRITES':>14}{'LOST':>6}{'LONGEST WITHOUT WRITES':>24}"
        f"{'LONGEST WITHOUT READS':>23}  ERRORS",
    ]
    for lane in view.lanes:
        lost = "?" if lane.lost is None else str(len(lane.lost))
        lines.append(
            f"{lane.shard:<7}{lane.acknowledged:>14}{lost:>6}{_seconds(lane.longest(WRITE)):>24}"
            f"{_seconds(lane.longest(READ)):>23}  {_errors(lane)}"
        )
        if lane.missed_reads:
            lines.append(f"    {lane.missed_reads} read(s) found an acknowledged write missing")
    lines += [f"    {problem}" for problem in view.problems]
    return lines


def _window_entries(shard: str, operation: str, window: Window) -> list[tuple[float, str]]:
    kinds = ", ".join(f"{kind} {n}" for kind, n in window.errors.most_common())
    after = f"{operation}s succeed again after {window.seconds:.1f}s without ({kinds})"
    if not window.recovered:
        after = f"{operation}s still failing when the probe stopped, {window.seconds:.1f}s without ({kinds})"
    return [
        (window.start, f"[{shard}] client: last {operation} before failures"),
        (window.end, f"[{shard}] client: {after}"),
    ]


def _timeline(results: list[drill.ShardResult], view: ClientView, start: float) -> list[str]:
    entries: list[tuple[float, str]] = []
    for result in results:
        if result.called_at:
            entries.append((result.called_at.timestamp(), f"[{result.shard_id}] TestFailover called"))
        entries += [
            (at.timestamp(), f"[{result.shard_id}] ElastiCache: {message}")
            for at, (_, message) in zip(result.event_dates, result.events, strict=True)
        ]
    for lane in view.lanes:
        for operation in (WRITE, READ):
            for window in lane.windows[operation]:
                entries += _window_entries(lane.shard, operation, window)
    lines = ["TIMELINE (seconds from the first TestFailover call, this host's clock; events at ElastiCache's times)"]
    lines += [f"{at - start:+9.1f}s  {text}" for at, text in sorted(entries, key=lambda entry: entry[0])]
    return lines
