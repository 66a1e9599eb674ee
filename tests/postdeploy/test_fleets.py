"""Fleets across regions and accounts, and faults on the way, as a user meets them: the command
runs as a process against moto's server (STS, EC2 and ElastiCache), directly or through a proxy
that throttles or fails chosen calls.

Planted: a secure ``orders`` group in us-east-1 and a twin of the same id without backups in
eu-west-1, a standalone Memcached cluster in each, and a ``ledger`` group without TLS or
authentication in account 111111111111, reached by assuming a role there (moto acts in the role's
account for the temporary credentials it hands out).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.postdeploy.fault_proxy import FaultProxy
from tests.postdeploy.fleet import (
    ACCOUNT,
    SKIP_ENGINE_VERSIONS,
    VARIANT,
    build_network,
    cli_env,
    client,
    create_group,
    reset,
    zones_of,
)

VERIFY = Path(sys.executable).parent / "elasticache-verify"
HOME, AWAY = "us-east-1", "eu-west-1"
OTHER_ACCOUNT, EMPTY_ACCOUNT = "111111111111", "222222222222"
ROLE = "arn:aws:iam::{}:role/elasticache-audit"


def plant(endpoint: str) -> None:
    reset(endpoint)
    for region, variant in ((HOME, "secure"), (AWAY, "no-backups")):
        elasticache = client("elasticache", endpoint, region)
        build_network(client("ec2", endpoint, region), elasticache, zones_of(region))
        create_group(elasticache, "orders", VARIANT[variant])
        elasticache.create_cache_cluster(
            CacheClusterId="sessions",
            Engine="memcached",
            EngineVersion="1.6.22",
            CacheNodeType="cache.t4g.small",
            NumCacheNodes=2,
            CacheSubnetGroupName="private-cache",
        )
    sts = client("sts", endpoint)
    credentials = sts.assume_role(RoleArn=ROLE.format(OTHER_ACCOUNT), RoleSessionName="plant")["Credentials"]
    other = boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=HOME,
    )
    elasticache = other.client("elasticache", endpoint_url=endpoint)
    build_network(other.client("ec2", endpoint_url=endpoint), elasticache, zones_of(HOME))
    create_group(elasticache, "ledger", VARIANT["plaintext"])


@pytest.fixture(scope="module")
def endpoint(moto_endpoint: str) -> str:
    plant(moto_endpoint)
    return moto_endpoint


def verify(endpoint: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VERIFY), *args], env={**cli_env(endpoint), **env}, capture_output=True, text=True, timeout=300
    )


def report(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.stderr == ""
    results: list[dict[str, Any]] = json.loads(result.stdout)["results"]
    return results


def statuses(results: list[dict[str, Any]], account: str, region: str, resource_id: str) -> dict[str, str]:
    return {
        r["check_id"]: r["status"]
        for r in results
        if (r["account"], r["region"], r["resource_id"]) == (account, region, resource_id)
    }


def test_the_same_id_in_two_regions_is_two_resources(endpoint: str) -> None:
    result = verify(endpoint, "--replication-group", "orders", "--region", HOME, "--region", AWAY, "--format", "json")
    results = report(result)
    assert statuses(results, ACCOUNT, HOME, "orders") == VARIANT["secure"].statuses()
    assert statuses(results, ACCOUNT, AWAY, "orders") == VARIANT["no-backups"].statuses()
    twin = next(r for r in results if r["region"] == AWAY and r["check_id"] == "backup-retention")
    assert twin["message"] == "replication group orders: SnapshotRetentionLimit is 0 days, below the 1-day threshold"
    assert result.returncode == 1


def test_all_regions_are_the_enabled_ones(endpoint: str) -> None:
    enabled = {r["RegionName"] for r in client("ec2", endpoint).describe_regions()["Regions"]}
    result = verify(endpoint, "--all", "--all-regions", "--format", "json", "--concurrency", "16")
    results = report(result)
    assert {r["region"] for r in results} == enabled
    found = {(r["region"], r["resource_type"], r["resource_id"]) for r in results if r["check_id"] != "inventory"}
    assert {("us-east-1", "replication-group", "orders"), ("eu-west-1", "replication-group", "orders")} <= found
    assert {("us-east-1", "cache-cluster", "sessions"), ("eu-west-1", "cache-cluster", "sessions")} <= found
    assert result.returncode == 1


def test_every_account_behind_a_role(endpoint: str, tmp_path: Path) -> None:
    roles = tmp_path / "roles.txt"
    roles.write_text(f"# audit roles\n{ROLE.format(EMPTY_ACCOUNT)}\n\n")
    args = ("--all", "--region", HOME, "--role-arn", ROLE.format(OTHER_ACCOUNT), "--role-arns-file", str(roles))
    results = report(verify(endpoint, *args, "--format", "json"))
    assert {r["account"] for r in results} == {OTHER_ACCOUNT, EMPTY_ACCOUNT}
    ledger = statuses(results, OTHER_ACCOUNT, HOME, "ledger")
    assert ledger == VARIANT["plaintext"].statuses()
    assert not [r for r in results if r["account"] == EMPTY_ACCOUNT and r["resource_type"] == "replication-group"]
    table = verify(endpoint, *args).stdout.splitlines()
    assert table[0] == f"region {HOME}"
    # Account ids leave too little room for messages beside the columns: they go under each row.
    assert table[1].split() == ["STATUS", "SEVERITY", "ACCOUNT", "RESOURCE", "CHECK"]
    # Only a URL or an ARN, which no line break may cut, runs past the 120 columns of a non-terminal.
    assert [line for line in table if len(line) > 120 and "https://" not in line and "arn:aws:" not in line] == []
    assert table[2:6] == [
        "FAIL    high      111111111111  replication-group/ledger  authentication",
        "    no user group and no AUTH token, so any client that reaches it is in",
        "    fix: Attach an RBAC user group, or set an AUTH token (Redis OSS before 6.0).",
        "    see: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html",
    ]


def test_a_malformed_role_arn_is_a_usage_error(endpoint: str) -> None:
    result = verify(endpoint, "--all", "--region", HOME, "--role-arn", "arn:aws:iam::12345:role/x")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: not an IAM role ARN: arn:aws:iam::12345:role/x (arn:aws:iam::123456789012:role/NAME)\n"
    )


@pytest.fixture(scope="module")
def proxy(endpoint: str) -> Any:
    with FaultProxy(endpoint).running() as running:
        yield running


@pytest.fixture
def faults(proxy: FaultProxy) -> FaultProxy:
    proxy.clear()
    return proxy


def test_throttling_past_the_budget_is_an_error_that_fails_the_run(endpoint: str, faults: FaultProxy) -> None:
    """Before, the region came back empty and the command exited 0."""
    faults.fail(HOME, "DescribeReplicationGroups", 400, "Throttling", "Rate exceeded")
    result = verify(
        faults.endpoint, "--replication-group", "orders", "--region", HOME, "--max-attempts", "2", "--format", "json"
    )
    (error,) = report(result)
    assert (error["status"], error["resource_type"], error["region"], error["check_id"]) == (
        "ERROR",
        "replication-group",
        HOME,
        "inventory",
    )
    assert error["message"] == (
        "replication groups not listed: DescribeReplicationGroups in us-east-1 failed: Throttling: Rate exceeded "
        "(throttled on all 2 attempts; raise --max-attempts)"
    )
    assert faults.requests[(HOME, "DescribeReplicationGroups")] == 2
    assert result.returncode == 1


def test_a_check_that_cannot_read_what_it_looks_at_fails_the_run(endpoint: str, faults: FaultProxy) -> None:
    """Before, a failed describe call behind a check was an ERROR under its id and the run exited 0."""
    # Without engine-version-supported (moto lacks its call) the outcome depends only on the fault.
    args = ("--replication-group", "orders", "--region", HOME, "--max-attempts", "2", "--format", "json")
    healthy = verify(faults.endpoint, *args, *SKIP_ENGINE_VERSIONS)
    assert healthy.returncode == 0, healthy.stdout
    assert statuses(report(healthy), ACCOUNT, HOME, "orders")["engine-version-supported"] == "SKIP"
    faults.fail(HOME, "DescribeCacheSubnetGroups", 503, "ServiceUnavailable", "Service is unavailable")
    result = verify(faults.endpoint, *args, *SKIP_ENGINE_VERSIONS)
    (private,) = [r for r in report(result) if r["check_id"] == "private-subnets"]
    assert private["status"] == "ERROR"
    assert "DescribeCacheSubnetGroups in us-east-1 failed: ServiceUnavailable" in private["message"]
    assert result.returncode == 1


def test_standalone_clusters_are_checked_when_the_group_listing_fails(endpoint: str, faults: FaultProxy) -> None:
    faults.fail(AWAY, "DescribeReplicationGroups", 503, "ServiceUnavailable", "Service is unavailable")
    result = verify(faults.endpoint, "--all", "--region", AWAY, "--max-attempts", "3", "--format", "json")
    results = report(result)
    unlisted = [r for r in results if r["check_id"] == "inventory" and r["resource_type"] == "replication-group"]
    assert [r["message"] for r in unlisted] == [
        "replication groups not listed: DescribeReplicationGroups in eu-west-1 failed: ServiceUnavailable: Service "
        "is unavailable (HTTP 503 on all 3 attempts)"
    ]
    assert statuses(results, ACCOUNT, AWAY, "sessions")["memcached-zones"] in ("PASS", "FAIL")
    assert not [r for r in results if r["resource_type"] == "replication-group" and r["check_id"] != "inventory"]
    assert result.returncode == 1


def test_a_role_that_cannot_be_assumed_fails_the_run_and_the_others_are_checked(
    endpoint: str, faults: FaultProxy
) -> None:
    faults.fail(HOME, "AssumeRole", 403, "AccessDenied", "not authorized to assume the role", times=1)
    args = (
        "--all",
        "--region",
        HOME,
        "--role-arn",
        ROLE.format(EMPTY_ACCOUNT),
        "--role-arn",
        ROLE.format(OTHER_ACCOUNT),
    )
    result = verify(faults.endpoint, *args, "--format", "json")
    results = report(result)
    refused = [r for r in results if r["check_id"] == "assume-role"]
    assert [(r["account"], r["resource_type"], r["resource_id"], r["status"]) for r in refused] == [
        (EMPTY_ACCOUNT, "account", EMPTY_ACCOUNT, "ERROR")
    ]
    assert refused[0]["message"] == (
        f"account {EMPTY_ACCOUNT}: STS AssumeRole {ROLE.format(EMPTY_ACCOUNT)}: AccessDenied: not authorized to "
        "assume the role"
    )
    assert statuses(results, OTHER_ACCOUNT, HOME, "ledger") == VARIANT["plaintext"].statuses()
    assert result.returncode == 1


def test_a_throttling_burst_is_ridden_out(endpoint: str, faults: FaultProxy) -> None:
    faults.fail(HOME, "DescribeReplicationGroups", 400, "Throttling", "Rate exceeded", times=2)
    args = ("--replication-group", "orders", "--region", HOME, "--format", "json")
    result = verify(faults.endpoint, *args, *SKIP_ENGINE_VERSIONS)
    expected = {**VARIANT["secure"].statuses(), "engine-version-supported": "SKIP"}
    assert statuses(report(result), ACCOUNT, HOME, "orders") == expected
    assert faults.requests[(HOME, "DescribeReplicationGroups")] == 3
    assert result.returncode == 0


def test_progress_on_a_terminal_only(endpoint: str) -> None:
    def stderr_on_a_terminal(*args: str) -> str:
        leader, follower = pty.openpty()
        process = subprocess.run(
            [str(VERIFY), *args], env=cli_env(endpoint), stdout=subprocess.PIPE, stderr=follower, timeout=300
        )
        os.close(follower)
        assert process.returncode == 1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        return b"".join(chunks).decode()

    args = ("--replication-group", "orders", "--region", HOME, "--region", AWAY)
    progress = stderr_on_a_terminal(*args)
    assert "\rchecked 1/2 region(s) in 1 account(s), 1 resource(s)" in progress
    assert "\rchecked 2/2 region(s) in 1 account(s), 2 resource(s)" in progress
    assert progress.endswith("\r")
    assert stderr_on_a_terminal(*args, "--format", "json") == ""
