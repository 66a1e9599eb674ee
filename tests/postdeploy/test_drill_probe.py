"""`failover-drill --probe`: a client's view of a failover, against real redis-servers on loopback.

ElastiCache's side (DescribeReplicationGroups, TestFailover, DescribeEvents, the user group) comes
from botocore's Stubber, as moto has neither TestFailover nor DescribeEvents; the secret from moto.
The data plane is a TLS primary and its replica behind a TCP switch that stands for the primary
endpoint's DNS name. When the drill calls TestFailover, the test does what ElastiCache does: the
replica is promoted, the name is switched to it, and the old primary comes back as its replica.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from click.testing import CliRunner, Result
from moto import mock_aws

from postdeploy import cli
from postdeploy.aws import Aws
from tests.postdeploy import stubs
from tests.postdeploy.fleet import REGION
from tests.postdeploy.tcp_switch import TcpSwitch
from tests.redis_server import Server, command, keys_left, promote, redis_server, replicate

PASSWORD = "app-password-0123456789-abcdefghij"
ACCESS = "on ~elasticache-verify:* -@all +@read +@write +ping"


@dataclass
class Group:
    """A primary, its replica and the switch clients reach the primary through."""

    primary: Server
    replica: Server
    endpoint: TcpSwitch

    @property
    def ca(self) -> str:
        assert self.primary.tls is not None
        return str(self.primary.tls.ca)

    def keys_left(self) -> int:
        return keys_left(self.primary, self.replica)


@pytest.fixture
def group(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Group]:
    """Started afresh for each test: a failover changes which server is the primary."""
    directory = tmp_path_factory.mktemp("group")
    with redis_server(directory / "a", tls=True) as primary:
        assert primary.tls is not None
        with redis_server(directory / "b", tls=primary.tls) as replica:
            replicate(replica, primary)
            for server in (primary, replica):
                server.add_user("app", PASSWORD, ACCESS)
            with TcpSwitch(primary.port).running() as endpoint:
                yield Group(primary, replica, endpoint)


@pytest.fixture
def moto(aws: Aws) -> Iterator[Aws]:
    with mock_aws():
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="orders-app", SecretString=json.dumps({"username": "app", "password": PASSWORD})
        )
        yield aws


def clean_failover(group: Group) -> None:
    """The primary goes away; the replica, in sync, is promoted and the name moves to it; the old
    primary comes back as a replica of the new one."""
    time.sleep(0.3)  # writes before the failover
    command(group.primary.admin(), "WAIT", "1", "1000")
    group.endpoint.down = True
    group.endpoint.cut()
    time.sleep(0.4)
    promote(group.replica)
    group.endpoint.switch(group.replica.port)
    group.endpoint.down = False
    replicate(group.primary, group.replica)
    time.sleep(0.3)  # writes after it


def split_brain_failover(group: Group) -> None:
    """The replica is promoted while the old primary still takes writes through the name; once the
    name moves, the old primary resyncs from the new one and drops what it acknowledged alone."""
    time.sleep(0.3)
    promote(group.replica)
    time.sleep(0.3)  # acknowledged by the old primary only
    group.endpoint.switch(group.replica.port)
    replicate(group.primary, group.replica)
    time.sleep(0.3)


def events(at: datetime) -> list[dict[str, Any]]:
    def event(source: str, message: str, seconds: float) -> dict[str, Any]:
        kind = "replication-group" if source == "orders" else "cache-cluster"
        return {
            "SourceIdentifier": source,
            "SourceType": kind,
            "Message": message,
            "Date": at + timedelta(seconds=seconds),
        }

    failover = "Failover from primary node orders-001 to replica node orders-002 completed"
    return [
        event("orders", "Test Failover API called for node group 0001", 0.1),
        event("orders", failover, 0.9),
        event("orders-002", "Recovering cache nodes orders-001", 1.2),
        event("orders-002", "Finished recovery for cache nodes orders-001", 1.6),
    ]


def drill(
    aws: Aws, group: Group, failover: Callable[[Group], None] | None, *arguments: str, secret: str = "orders-app"
) -> Result:
    """Run the drill as a user would, with ElastiCache's answers queued and ``failover`` done to
    the servers when TestFailover is called."""
    described = stubs.replication_group("orders")
    elasticache = aws.client("elasticache", REGION)
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [described]})
        stubber.add_response("describe_events", {"Events": []}, {"StartTime": ANY})
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [described]})
        stubber.add_response(
            "describe_user_groups", {"UserGroups": [stubs.user_group("app-users", ["default-off", "app-id"])]}
        )
        stubber.add_response(
            "describe_users",
            {
                "Users": [
                    stubs.user("default-off", name="default", access="off -@all"),
                    stubs.user("app-id", name="app", access=ACCESS),
                ]
            },
        )
        if failover is not None:
            _queue_failover(stubber, elasticache, group, failover)
        return CliRunner().invoke(
            cli.main,
            [
                "failover-drill", "--replication-group", "orders", "--probe", "--poll-interval", "0",
                "--probe-interval", "0.01", "--socket-timeout", "0.5",
                "--host", "localhost", "--port", str(group.endpoint.port), "--server-name", "localhost",
                "--ca-file", group.ca, "--secret-id", secret, *arguments,
            ],
        )  # fmt: skip


def _queue_failover(stubber: Stubber, elasticache: Any, group: Group, failover: Callable[[Group], None]) -> None:
    stubber.add_response("test_failover", {"ReplicationGroup": stubs.replication_group("orders")})
    stubber.add_response("describe_events", {"Events": events(datetime.now(UTC))}, {"StartTime": ANY})
    # after-call fires for stubbed answers too: the servers fail over while the drill waits.
    elasticache.meta.events.register("after-call.elasticache.TestFailover", lambda **_: failover(group))


def client_view(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    client: dict[str, Any] = document["client"]
    return client


def test_a_clean_failover_costs_a_window_without_writes_and_loses_nothing(moto: Aws, group: Group) -> None:
    result = drill(moto, group, clean_failover, "--format", "json")
    assert result.exit_code == 0, result.output
    client = client_view(result)
    (shard,) = client["shards"]
    assert shard["shard"] == "0001"
    assert (client["lost_writes"], shard["lost_writes"], shard["lost_write_sequence_numbers"]) == (0, 0, [])
    # The primary was away for 0.4 s at least: no write succeeded in that time, then they did again.
    assert client["longest_without_successful_write_seconds"] >= 0.4
    (window, *_) = sorted(shard["windows_without_successful_writes"], key=lambda w: -w["seconds"])
    assert window["recovered"] is True
    assert set(window["errors"]) <= {"ConnectionError", "TimeoutError"}
    assert shard["writes_acknowledged"] > 20
    assert shard["errors_by_kind"]["write"]
    # ElastiCache's events stand beside the client's figures, each with its own time.
    (timed,) = json.loads(result.stdout)["shards"]
    assert timed["events"][0]["message"] == "Test Failover API called for node group 0001"
    moments = [timed["test_failover_called_at"], window["from"], window["to"], client["stopped"]]
    assert [datetime.fromisoformat(m) for m in moments] == sorted(datetime.fromisoformat(m) for m in moments)
    assert result.stderr.splitlines()[1].startswith(
        f"probe: logged in at localhost:{group.endpoint.port}; writing keys under "
    )
    assert PASSWORD not in result.output
    assert group.keys_left() == 0


def test_writes_acknowledged_by_a_primary_that_lost_the_election_are_lost_writes(moto: Aws, group: Group) -> None:
    result = drill(moto, group, split_brain_failover, "--format", "json")
    assert result.exit_code == 1, result.output  # the shard recovered, but writes were lost
    client = client_view(result)
    (shard,) = client["shards"]
    assert client["lost_writes"] == shard["lost_writes"] == len(shard["lost_write_sequence_numbers"]) > 0
    # The open connection reached the old primary, now a replica: it refused writes until the probe reconnected.
    assert "READONLY" in shard["errors_by_kind"]["write"]
    assert group.keys_left() == 0


def test_the_table_puts_the_client_beside_elasticaches_events(moto: Aws, group: Group) -> None:
    result = drill(moto, group, clean_failover)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "SHARD    TIME TO FAILOVER  TIME TO RECOVERY  OUTCOME",
        "0001                 0.8s              1.5s  recovered",
    ]
    assert (
        lines[3] == f"WHAT A CLIENT SAW (a write and a read every 0.01 s per shard at localhost:{group.endpoint.port})"
    )
    assert lines[4] == "SHARD    ACKED WRITES  LOST  LONGEST WITHOUT WRITES  LONGEST WITHOUT READS  ERRORS"
    shard, acknowledged, lost, *_ = lines[5].split()
    assert (shard, lost) == ("0001", "0")
    assert int(acknowledged) > 20
    assert "write: ConnectionError" in lines[5]
    start = lines.index(
        "TIMELINE (seconds from the first TestFailover call, this host's clock; events at ElastiCache's times)"
    )
    entries = [line.split("s  ", 1)[1] for line in lines[start + 1 :]]
    assert entries.index("[0001] TestFailover called") < entries.index("[0001] client: last write before failures")
    assert entries.index("[0001] client: last write before failures") < next(
        i for i, entry in enumerate(entries) if entry.startswith("[0001] client: writes succeed again after ")
    )
    assert "[0001] ElastiCache: Finished recovery for cache nodes orders-001" in entries


def test_a_probe_that_cannot_log_in_refuses_the_drill_before_any_failover(moto: Aws, group: Group) -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="stale", SecretString=json.dumps({"username": "app", "password": "rotated-away-0123456789"})
    )
    result = drill(moto, group, None, secret="stale")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"refused: the probe could not log in to localhost:{group.endpoint.port}: ")
    assert "elasticache:TestFailover" not in moto.calls


def test_a_dry_run_logs_the_probe_in_and_fails_nothing_over(moto: Aws, group: Group) -> None:
    result = drill(moto, group, None, "--dry-run")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines()[1].startswith(
        f"probe: logged in at localhost:{group.endpoint.port}; would write keys under "
    )
    assert "elasticache:TestFailover" not in moto.calls
    assert group.keys_left() == 0


def test_probe_options_without_probe_are_a_usage_error(aws: Aws) -> None:
    arguments = ["failover-drill", "--replication-group", "orders", "--host", "localhost", "--secret-id", "s"]
    result = CliRunner().invoke(cli.main, arguments)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --host, --secret-id: for the probe, with --probe\n"
    assert aws.calls == {}
