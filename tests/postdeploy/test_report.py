"""What a user reads: the table's columns, order and width, JSON and JUnit details, exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

from postdeploy import report
from postdeploy.checks import ALL_CHECKS
from postdeploy.model import ResourceKind, Result, Status
from postdeploy.runner import unlisted

CHECKS = {check.id: check for check in ALL_CHECKS}
ACCOUNT = "123456789012"


def result(
    check_id: str, status: Status, message: str, resource_id: str = "app-redis", region: str = "us-east-1"
) -> Result:
    check = CHECKS[check_id]
    return Result(
        account=ACCOUNT,
        region=region,
        resource_type=ResourceKind.REPLICATION_GROUP,
        resource_id=resource_id,
        check_id=check.id,
        title=check.title,
        severity=check.severity,
        controls=check.controls,
        status=status,
        message=f"replication group {resource_id}: {message}",
        remediation=check.remediation,
        reference=check.reference,
    )


RESULTS = [
    result("eviction-policy", Status.FAIL, "maxmemory-policy of parameter group strict sets noeviction"),
    result("multi-az", Status.PASS, "MultiAZ is enabled"),
    result("security-groups-not-open", Status.FAIL, "sg-0123456789abcdef0 admits 0.0.0.0/0 on port 6379"),
    result("backup-retention", Status.FAIL, "SnapshotRetentionLimit is 0 days, below the 1-day threshold", "orders"),
    result("auth-token-before-redis-6", Status.SKIP, "Valkey has RBAC; the control covers Redis OSS before 6.0"),
    result("engine-version-supported", Status.ERROR, "DescribeCacheEngineVersions in us-east-1 failed: AccessDenied"),
]


def test_table_names_the_resource_and_puts_the_worst_first() -> None:
    lines = report.to_table(RESULTS).splitlines()
    assert lines[:4] == [
        f"account {ACCOUNT}, region us-east-1",
        "STATUS  SEVERITY  RESOURCE                     CHECK                      MESSAGE",
        "FAIL    critical  replication-group/app-redis  security-groups-not-open   "
        "sg-0123456789abcdef0 admits 0.0.0.0/0 on port",
        " " * 74 + "6379",
    ]
    rows = [line.split()[:4] for line in lines if line.split() and line.split()[0] in Status.__members__]
    assert rows == [
        ["FAIL", "critical", "replication-group/app-redis", "security-groups-not-open"],
        ["FAIL", "high", "replication-group/orders", "backup-retention"],
        ["FAIL", "low", "replication-group/app-redis", "eviction-policy"],
        ["ERROR", "medium", "replication-group/app-redis", "engine-version-supported"],
        ["PASS", "medium", "replication-group/app-redis", "multi-az"],
        ["SKIP", "medium", "replication-group/app-redis", "auth-token-before-redis-6"],
    ]
    assert lines[4:6] == [
        "    fix: Replace open ingress rules with rules from the application's security group only.",
        "    see: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/elasticache-vpc-accessing.html",
    ]
    assert lines[-1] == "1 PASS, 3 FAIL, 1 ERROR, 1 SKIP (6 results)"
    assert max(len(line) for line in lines) <= report.DEFAULT_WIDTH
    # An ERROR says why the check could not judge; the resource's remediation would mislead under it.
    error_row = next(i for i, line in enumerate(lines) if line.startswith("ERROR"))
    next_row = next(i for i, line in enumerate(lines) if i > error_row and line.startswith(("PASS", "SKIP")))
    assert not [line for line in lines[error_row:next_row] if line.strip().startswith(("fix:", "see:"))]


def test_a_narrow_terminal_gets_messages_under_their_rows() -> None:
    lines = report.to_table(RESULTS, width=100).splitlines()
    assert [line for line in lines if len(line) > 100 and "https://" not in line] == []
    assert lines[1:4] == [
        "STATUS  SEVERITY  RESOURCE                     CHECK",
        "FAIL    critical  replication-group/app-redis  security-groups-not-open",
        "    sg-0123456789abcdef0 admits 0.0.0.0/0 on port 6379",
    ]


def test_json_carries_account_remediation_and_reference() -> None:
    (entry,) = json.loads(report.to_json(RESULTS[3:4]))["results"]
    assert entry == {
        "account": ACCOUNT,
        "region": "us-east-1",
        "resource_type": "replication-group",
        "resource_id": "orders",
        "check_id": "backup-retention",
        "title": "Automatic backups are kept for at least the threshold",
        "severity": "high",
        "controls": ["ElastiCache.1", "elasticache-redis-cluster-automatic-backup-check", "CT.ELASTICACHE.PR.1"],
        "status": "FAIL",
        "message": "replication group orders: SnapshotRetentionLimit is 0 days, below the 1-day threshold",
        "remediation": "Set SnapshotRetentionLimit to at least the threshold (ReplicationGroup backup_retention).",
        "reference": "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-1",
    }


def test_junit_errors_say_what_to_do() -> None:
    root = ET.fromstring(report.to_junit(RESULTS).split("\n", 1)[1])
    error = root.find(".//testcase[@name='engine-version-supported']/error")
    assert error is not None
    assert error.get("message") == (
        "replication group app-redis: DescribeCacheEngineVersions in us-east-1 failed: AccessDenied"
    )
    assert error.text == (
        "severity: medium\ncontrols: -\n"
        "remediation: Upgrade to an engine version DescribeCacheEngineVersions lists (EngineVersion).\n"
        "reference: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html"
    )


def test_exit_codes() -> None:
    passing = [r for r in RESULTS if r.status is not Status.FAIL]
    assert report.exit_code(RESULTS, fail_on_error=False) == 1
    assert report.exit_code(passing, fail_on_error=False) == 0
    assert report.exit_code(passing, fail_on_error=True) == 1
    # Something that could not be listed fails the run with no flag: nothing unseen passes.
    unlistable = unlisted(ACCOUNT, "eu-west-1", ResourceKind.SERVERLESS_CACHE, "*", "serverless caches not listed")
    assert report.exit_code([*passing, unlistable], fail_on_error=False) == 1
    # So does a check that could not read what it looks at (a describe call failed) ...
    unread = replace(result("private-subnets", Status.ERROR, "DescribeCacheSubnetGroups failed"), unread=True)
    assert report.exit_code([*passing, unread], fail_on_error=False) == 1
    # ... while one that could not judge what it read (an ERROR of its own) needs --fail-on-error.
    unjudged = result("security-groups-not-open", Status.ERROR, "ElastiCache reported no security groups")
    assert report.exit_code([*passing, unjudged], fail_on_error=False) == 0
    assert report.exit_code([*passing, unjudged], fail_on_error=True) == 1
