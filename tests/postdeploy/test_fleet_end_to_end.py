"""End to end, as a user runs it: `elasticache-verify` as a process against moto's server."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from postdeploy.aws import Aws
from postdeploy.checks import ALL_CHECKS, Settings
from postdeploy.model import ResourceKind, Status
from postdeploy.runner import Account, Targets, verify
from tests.postdeploy.fleet import (
    ACCOUNT,
    MOTO_GAPS,
    REGION,
    SKIP_ENGINE_VERSIONS,
    Variant,
    cli_env,
    populate,
    reset,
)

FLEET_SIZE = 260
VERIFY = Path(sys.executable).parent / "elasticache-verify"
GROUP_CHECKS = [c.id for c in ALL_CHECKS if ResourceKind.REPLICATION_GROUP in c.kinds]


class Fleet:
    def __init__(self, endpoint: str) -> None:
        reset(endpoint)
        self.endpoint = endpoint
        self.groups: dict[str, Variant] = populate(endpoint, FLEET_SIZE)

    def verify(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(VERIFY), *args], env=cli_env(self.endpoint), capture_output=True, text=True, timeout=600
        )


@pytest.fixture(scope="module")
def fleet(moto_endpoint: str) -> Fleet:
    return Fleet(moto_endpoint)


@pytest.fixture(scope="module")
def everything(fleet: Fleet) -> tuple[int, dict[str, Any]]:
    result = fleet.verify("--all", "--region", REGION, "--format", "json")
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def test_every_group_gets_every_check_with_the_expected_status(
    fleet: Fleet, everything: tuple[int, dict[str, Any]]
) -> None:
    _, report = everything
    by_group: dict[str, dict[str, dict[str, Any]]] = {}
    for result in report["results"]:
        if result["resource_type"] == "replication-group":
            by_group.setdefault(result["resource_id"], {})[result["check_id"]] = result
    assert set(by_group) == set(fleet.groups)
    for group_id, variant in fleet.groups.items():
        results = by_group[group_id]
        assert sorted(results) == sorted(GROUP_CHECKS), group_id
        statuses = {check: Status(r["status"]) for check, r in results.items()}
        assert statuses == variant.statuses(), f"{group_id} ({variant.name})"
        for check, result in results.items():
            assert result["region"] == REGION
            assert result["message"].startswith(f"replication group {group_id}: ")
            if check in MOTO_GAPS:
                assert MOTO_GAPS[check] in result["message"]


def test_results_carry_the_documented_fields(everything: tuple[int, dict[str, Any]]) -> None:
    _, report = everything
    checks = {c.id: c for c in ALL_CHECKS}
    for result in report["results"]:
        assert set(result) == {
            "account",
            "region",
            "resource_type",
            "resource_id",
            "check_id",
            "title",
            "severity",
            "controls",
            "status",
            "message",
            "remediation",
            "reference",
        }
        assert result["account"] == ACCOUNT
        if result["check_id"] in checks:
            check = checks[result["check_id"]]
            assert (result["title"], result["severity"], result["controls"]) == (
                check.title,
                check.severity.value,
                list(check.controls),
            )
            assert (result["remediation"], result["reference"]) == (check.remediation, check.reference)
    assert report["results"][0]["controls"] is not None


def test_summary_counts_and_exit_code(fleet: Fleet, everything: tuple[int, dict[str, Any]]) -> None:
    code, report = everything
    expected: dict[str, int] = {s.value: 0 for s in Status}
    for variant in fleet.groups.values():
        for status in variant.statuses().values():
            expected[status.value] += 1
    # No standalone clusters exist; serverless, Global Datastore and user group listings are not in
    # moto; moto's built-in default user is in no group, so both user checks skip it.
    expected["ERROR"] += 3
    expected["SKIP"] += 2
    assert report["summary"] == expected
    assert code == 1


def test_unlistable_kinds_are_reported_not_hidden(everything: tuple[int, dict[str, Any]]) -> None:
    _, report = everything
    inventory = [r for r in report["results"] if r["check_id"] == "inventory"]
    assert {(r["resource_type"], r["status"]) for r in inventory} == {
        ("serverless-cache", "ERROR"),
        ("global-datastore", "ERROR"),
        ("user-group", "ERROR"),
    }
    unreadable = "failed: the endpoint's answer is not an AWS API response (it could not be parsed)"
    assert {r["message"] for r in inventory} == {
        f"serverless caches not listed: DescribeServerlessCaches in {REGION} {unreadable}",
        f"global datastores not listed: DescribeGlobalReplicationGroups in {REGION} {unreadable}",
        f"user groups not listed: DescribeUserGroups in {REGION} {unreadable}",
    }


def test_one_secure_group_exits_zero_without_strict_errors(fleet: Fleet) -> None:
    secure = next(group for group, variant in fleet.groups.items() if variant.name == "secure")
    # moto has no DescribeCacheEngineVersions: a describe call that fails, which fails the run
    # (nothing unseen passes) ...
    unread = fleet.verify("--replication-group", secure, "--region", REGION)
    assert unread.returncode == 1, unread.stdout
    assert unread.stdout.splitlines()[-1] == "13 PASS, 0 FAIL, 3 ERROR, 3 SKIP (19 results)"
    # ... so it is skipped here; what remains are ERRORs of checks that could not judge what moto
    # returned (no parameter group, no security groups), which fail the run only when asked.
    result = fleet.verify("--replication-group", secure, "--region", REGION, *SKIP_ENGINE_VERSIONS)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == f"account {ACCOUNT}, region {REGION}"
    assert lines[1].split() == ["STATUS", "SEVERITY", "RESOURCE", "CHECK", "MESSAGE"]
    assert lines[-1] == "13 PASS, 0 FAIL, 2 ERROR, 4 SKIP (19 results)"
    strict = fleet.verify("--replication-group", secure, "--region", REGION, *SKIP_ENGINE_VERSIONS, "--fail-on-error")
    assert strict.returncode == 1


def test_junit_to_a_file(fleet: Fleet, tmp_path: Path) -> None:
    broken = next(group for group, variant in fleet.groups.items() if variant.name == "plaintext")
    output = tmp_path / "report.xml"
    result = fleet.verify("--replication-group", broken, "--format", "junit", "--output", str(output))
    # The report goes to the file; the terminal gets the summary.
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == f"9 PASS, 4 FAIL, 3 ERROR, 3 SKIP (19 results); report written to {output}\n"
    root = ET.parse(output).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("19", "4", "3", "3")
    (suite,) = root
    assert suite.get("name") == f"{ACCOUNT}/{REGION}/replication-group/{broken}"
    failures = {str(case.get("name")): case.find("failure") for case in suite if case.find("failure") is not None}
    assert sorted(failures) == ["authentication", "encryption-in-transit", "rbac-auth", "tls-required"]
    tls = failures["encryption-in-transit"]
    assert tls is not None
    assert tls.text == (
        "severity: medium\n"
        "controls: ElastiCache.5, elasticache-repl-grp-encrypted-in-transit, CT.ELASTICACHE.PR.5\n"
        "remediation: Turn on TransitEncryptionEnabled (mode preferred, move clients to TLS, then required).\n"
        "reference: https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-5"
    )


def test_unknown_group_is_a_usage_error(fleet: Fleet) -> None:
    result = fleet.verify("--replication-group", "does-not-exist")
    assert result.returncode == 2
    assert result.stderr == f"error: replication group does-not-exist not found in {REGION}\n"
    assert result.stdout == ""


def test_api_calls_grow_only_by_pages(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    """One paginated listing per kind, 100 items a page; nothing is fetched per group."""
    for key, value in cli_env(fleet.endpoint).items():
        monkeypatch.setenv(key, value)
    aws = Aws()
    results = verify([Account(aws, (REGION,))], Targets(everything=True), Settings())
    assert len(results) == FLEET_SIZE * len(GROUP_CHECKS) + 3 + 2
    clusters = sum(1 + variant.settings.get("ReplicasPerNodeGroup", 1) for variant in fleet.groups.values())
    assert dict(aws.calls) == {
        "sts:GetCallerIdentity": 1,
        "elasticache:DescribeUsers": 1,
        "elasticache:DescribeUserGroups": 1,
        "elasticache:DescribeReplicationGroups": math.ceil(FLEET_SIZE / 100),
        "elasticache:DescribeCacheClusters": math.ceil(clusters / 100),
        "elasticache:DescribeServerlessCaches": 1,
        "elasticache:DescribeGlobalReplicationGroups": 1,
        "elasticache:DescribeCacheSubnetGroups": 1,
        "elasticache:DescribeCacheEngineVersions": 1,
        "ec2:DescribeRouteTables": 1,
    }
