"""Failover drills. moto has neither TestFailover nor DescribeEvents, so ElastiCache's answers come
from botocore's Stubber (validated against the service model); the refusal that needs no events
also runs as a process against moto's server."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY
from click.testing import CliRunner

from postdeploy import cli
from postdeploy import drill as drill_module
from postdeploy.aws import Aws
from tests.postdeploy import stubs
from tests.postdeploy.fleet import REGION, cli_env, client, reset

NOW = datetime.now(UTC)


def event(group: str, source: str, message: str, seconds: float) -> dict[str, Any]:
    return {
        "SourceIdentifier": source,
        "SourceType": "replication-group" if source == group else "cache-cluster",
        "Message": message,
        "Date": NOW + timedelta(seconds=seconds),
    }


def drill_events(group: str, shard: str, start: float) -> list[dict[str, Any]]:
    """ElastiCache's events for one shard's drill, in the documented order."""
    primary, replica = f"{group}-{shard}-001", f"{group}-{shard}-002"
    return [
        event(group, group, f"Test Failover API called for node group {shard}", start),
        event(
            group, primary, f"Failover from primary node {primary} to replica node {replica} completed", start + 21.5
        ),
        event(group, group, f"Failover from primary node {primary} to replica node {replica} completed", start + 22),
        event(group, replica, f"Recovering cache nodes {primary}", start + 30),
        event(group, replica, f"Finished recovery for cache nodes {primary}", start + 312.25),
    ]


def quota(stubber: Any, used: int) -> None:
    past = [event("other", "other", "Test Failover API called for node group 0001", -3600 - i) for i in range(used)]
    stubber.add_response("describe_events", {"Events": past}, {"StartTime": ANY})


def test_all_shards_one_at_a_time_with_times(aws: Aws) -> None:
    group = stubs.replication_group("orders", shards=2)
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response(
            "describe_replication_groups", {"ReplicationGroups": [group]}, {"ReplicationGroupId": "orders"}
        )
        quota(stubber, 3)
        for index, shard in enumerate(("0001", "0002")):
            start = 400.0 * index
            events = drill_events("orders", shard, start)
            stubber.add_response(
                "test_failover", {"ReplicationGroup": group}, {"ReplicationGroupId": "orders", "NodeGroupId": shard}
            )
            stubber.add_response("describe_events", {"Events": events[:3]}, {"StartTime": ANY})
            stubber.add_response("describe_events", {"Events": events}, {"StartTime": ANY})
        result = CliRunner().invoke(
            cli.main,
            [
                "failover-drill",
                "--replication-group",
                "orders",
                "--all-shards",
                "--poll-interval",
                "0",
                "--region",
                REGION,
            ],
        )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "SHARD    TIME TO FAILOVER  TIME TO RECOVERY  OUTCOME",
        "0001                21.5s            312.2s  recovered",
        "0002                21.5s            312.2s  recovered",
    ]
    progress = result.stderr.splitlines()
    # Cluster mode enabled: the API reports no CurrentRole, so the drill names the nodes, not roles.
    assert progress[0] == (
        "failing over orders in us-east-1: 0001 (nodes orders-0001-001, orders-0001-002; roles not reported in "
        "cluster mode enabled), 0002 (nodes orders-0002-001, orders-0002-002; roles not reported in cluster mode "
        "enabled); 3 of 15 test failovers used in the past 24 hours"
    )
    assert "[0001] +    0.0s  Test Failover API called for node group 0001" in progress
    assert "[0002] +  312.2s  Finished recovery for cache nodes orders-0002-001" in progress


def test_json_report(aws: Aws) -> None:
    group = stubs.replication_group("orders")
    events = drill_events("orders", "0001", 0)
    for item in events:
        item["SourceIdentifier"] = item["SourceIdentifier"].replace("-0001-", "-")
        item["Message"] = item["Message"].replace("-0001-", "-")
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        quota(stubber, 0)
        stubber.add_response("test_failover", {"ReplicationGroup": group})
        stubber.add_response("describe_events", {"Events": events})
        result = CliRunner().invoke(
            cli.main, ["failover-drill", "--replication-group", "orders", "--poll-interval", "0", "--format", "json"]
        )
    assert result.exit_code == 0, result.output
    (shard,) = json.loads(result.stdout)["shards"]
    assert (shard["shard"], shard["time_to_failover_seconds"], shard["time_to_recovery_seconds"]) == (
        "0001",
        21.5,
        312.25,
    )
    assert [e["message"] for e in shard["events"]][-1] == "Finished recovery for cache nodes orders-001"


def test_dry_run_calls_nothing_that_changes_state(aws: Aws) -> None:
    group = stubs.replication_group("orders")
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        quota(stubber, 14)
        result = CliRunner().invoke(cli.main, ["failover-drill", "--replication-group", "orders", "--dry-run"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "would fail over orders in us-east-1: 0001 (primary orders-001, replicas orders-002); "
        "14 of 15 test failovers used in the past 24 hours\n"
    )
    assert aws.calls == {"elasticache:DescribeReplicationGroups": 1, "elasticache:DescribeEvents": 1}


@pytest.mark.parametrize(
    ("group", "args", "used", "reason"),
    [
        (
            stubs.replication_group("orders", AutomaticFailover="disabled"),
            [],
            None,
            "replication group orders: AutomaticFailover is disabled",
        ),
        (
            stubs.replication_group("orders", Status="modifying"),
            [],
            None,
            "replication group orders: status is modifying, not available",
        ),
        (
            stubs.replication_group("orders", replicas=0),
            [],
            None,
            "replication group orders: shard 0001 has no replica to fail over to",
        ),
        (
            stubs.replication_group("orders", shards=2, replicas=0, AutomaticFailover="enabled"),
            ["--all-shards"],
            None,
            "replication group orders: shard 0001 has no replica to fail over to",
        ),
        (
            stubs.replication_group("orders", shards=3),
            [],
            None,
            "replication group orders has 3 shards: pass --shard ID or --all-shards",
        ),
        (
            stubs.replication_group("orders", shards=3),
            ["--shard", "0009"],
            None,
            "replication group orders: no shard 0009 (shards: 0001, 0002, 0003)",
        ),
        (
            stubs.replication_group("orders", shards=3),
            ["--all-shards"],
            13,
            "replication group orders: 3 shard(s) requested, but only 2 of 15 test failovers remain in us-east-1 "
            "for the past 24 hours",
        ),
    ],
)
def test_refusals(aws: Aws, group: dict[str, Any], args: list[str], used: int | None, reason: str) -> None:
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        if used is not None:  # the drill reaches the 24-hour quota only when all else allows it
            quota(stubber, used)
        result = CliRunner().invoke(cli.main, ["failover-drill", "--replication-group", "orders", *args])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"refused: {reason}\n"


def test_missing_group_is_a_usage_error_as_in_check(aws: Aws) -> None:
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_client_error(
            "describe_replication_groups", "ReplicationGroupNotFoundFault", "ReplicationGroup ghost not found.", 404
        )
        result = CliRunner().invoke(cli.main, ["failover-drill", "--replication-group", "ghost"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: replication group ghost not found in us-east-1\n"


def test_dry_run_as_json_prints_the_plan(aws: Aws) -> None:
    group = stubs.replication_group("orders")
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        quota(stubber, 2)
        result = CliRunner().invoke(
            cli.main, ["failover-drill", "--replication-group", "orders", "--dry-run", "--format", "json"]
        )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "dry_run": True,
        "replication_group": "orders",
        "region": REGION,
        "shards": [{"shard": "0001", "primary": "orders-001", "members": ["orders-001", "orders-002"]}],
        "test_failovers_used_past_24_hours": 2,
        "test_failovers_per_24_hours": 15,
    }


def test_one_region_only(aws: Aws) -> None:
    result = CliRunner().invoke(
        cli.main, ["failover-drill", "--replication-group", "orders", "--region", REGION, "--region", "eu-west-1"]
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: failover-drill acts in one region; got --region us-east-1 --region eu-west-1\n"
    assert aws.calls == {}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("APICallRateForCustomerExceeded", "Test failover quota exceeded"),
        ("InvalidReplicationGroupState", "Replication group is modifying"),
        ("NodeGroupNotFoundFault", "Node group 0001 not found"),
        ("TestFailoverNotAvailableFault", "Failover is blocked during an event"),
    ],
)
def test_rejected_test_failover_stops_the_drill(aws: Aws, code: str, message: str) -> None:
    group = stubs.replication_group("orders")
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        quota(stubber, 0)
        stubber.add_client_error("test_failover", code, message, 400)
        result = CliRunner().invoke(
            cli.main, ["failover-drill", "--replication-group", "orders", "--poll-interval", "0"]
        )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: TestFailover of shard 0001: {code}: {message}"


def test_timeout_stops_before_the_next_shard(aws: Aws) -> None:
    group = stubs.replication_group("orders", shards=2)
    ticks = iter(range(0, 10_000, 10))
    clock = drill_module.Clock(now=lambda: NOW + timedelta(seconds=next(ticks)), sleep=lambda seconds: None)
    plan = drill_module.DrillPlan(
        REGION,
        "orders",
        (
            drill_module.ShardPlan("0001", ("orders-0001-001", "orders-0001-002")),
            drill_module.ShardPlan("0002", ("orders-0002-001", "orders-0002-002")),
        ),
        0,
    )
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response(
            "test_failover", {"ReplicationGroup": group}, {"ReplicationGroupId": "orders", "NodeGroupId": "0001"}
        )
        for _ in range(5):
            stubber.add_response("describe_events", {"Events": drill_events("orders", "0001", 0)[:1]})
        results = drill_module.run(aws, plan, progress=lambda *a: None, timeout=60, poll_interval=10, clock=clock)
    assert [(r.shard_id, r.outcome, r.failover_seconds) for r in results] == [("0001", "timed out after 60 s", None)]


def test_refusal_as_a_process_against_moto(moto_endpoint: str) -> None:
    reset(moto_endpoint)
    client("elasticache", moto_endpoint).create_replication_group(
        ReplicationGroupId="single",
        ReplicationGroupDescription="no failover",
        ReplicasPerNodeGroup=1,
        AutomaticFailoverEnabled=False,
    )
    result = subprocess.run(
        [str(Path(sys.executable).parent / "elasticache-verify"), "failover-drill", "--replication-group", "single"],
        env=cli_env(moto_endpoint),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "refused: replication group single: AutomaticFailover is disabled\n"
