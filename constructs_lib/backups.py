"""Backups and maintenance: windows and retention, shared by the cache kinds that snapshot."""

from __future__ import annotations

from aws_cdk import Duration

from constructs_lib import rules
from constructs_lib.facts.limits import MAX_BACKUP_RETENTION_DAYS, MIN_WINDOW_MINUTES
from constructs_lib.facts.windows import (
    DAILY_FORMAT,
    WEEKLY_FORMAT,
    overlaps,
    parse_daily,
    parse_weekly,
    snapshot_window_before,
)
from constructs_lib.validation import Issues, is_token

DEFAULT_MAINTENANCE_WINDOW = "sun:05:00-sun:06:00"
DEFAULT_BACKUP_RETENTION_DAYS = 15
"""15 days: what AWS Config's ``elasticache-redis-cluster-automatic-backup-check`` and the HIPAA /
NIST cdk-nag packs ask for (Security Hub ElastiCache.1 asks for 1)."""


def check_windows(issues: Issues, maintenance_window: object, snapshot_window: object) -> str | None:
    """Validate both windows; returns the snapshot window to use (derived when not given)."""
    maintenance = None
    if issues.text("maintenance_window", maintenance_window, optional=False) and not is_token(maintenance_window):
        assert isinstance(maintenance_window, str)
        maintenance = parse_weekly(maintenance_window)
        if issues.require(
            rules.MAINTENANCE_WINDOW, maintenance is not None, "maintenance_window", WEEKLY_FORMAT, maintenance_window
        ):
            assert maintenance is not None
            if not issues.require(
                rules.WINDOW_LENGTH,
                maintenance.minutes >= MIN_WINDOW_MINUTES,
                "maintenance_window",
                f"at least {MIN_WINDOW_MINUTES} minutes long",
                maintenance_window,
            ):
                maintenance = None
    if snapshot_window is None:
        return snapshot_window_before(maintenance) if maintenance is not None else None
    if not issues.text("snapshot_window", snapshot_window) or is_token(snapshot_window):
        return snapshot_window if isinstance(snapshot_window, str) else None
    assert isinstance(snapshot_window, str)
    snapshot = parse_daily(snapshot_window)
    if not issues.require(
        rules.SNAPSHOT_WINDOW, snapshot is not None, "snapshot_window", DAILY_FORMAT, snapshot_window
    ):
        return None
    assert snapshot is not None
    long_enough = issues.require(
        rules.WINDOW_LENGTH,
        snapshot.minutes >= MIN_WINDOW_MINUTES,
        "snapshot_window",
        f"at least {MIN_WINDOW_MINUTES} minutes long",
        snapshot_window,
    )
    if maintenance is not None and long_enough:
        issues.require(
            rules.WINDOW_OVERLAP,
            not overlaps(maintenance, snapshot),
            "snapshot_window",
            f"outside the maintenance window {maintenance_window} on every day",
            snapshot_window,
        )
    return snapshot_window


def check_retention(issues: Issues, backup_retention: object) -> int:
    """Validate the retention; returns whole days (the default when not given)."""
    if backup_retention is None:
        return DEFAULT_BACKUP_RETENTION_DAYS
    allowed = f"a Duration of whole days from 0 to {MAX_BACKUP_RETENTION_DAYS} (0 turns automatic backups off)"
    if not issues.instance("backup_retention", backup_retention, Duration, allowed):
        return DEFAULT_BACKUP_RETENTION_DAYS
    assert isinstance(backup_retention, Duration)
    if backup_retention.is_unresolved():
        issues.add(rules.DEPLOY_TIME, "backup_retention", "a Duration known at synth", backup_retention)
        return DEFAULT_BACKUP_RETENTION_DAYS
    days = backup_retention.to_days(integral=False)
    issues.require(
        rules.RETENTION,
        days == int(days) and 0 <= days <= MAX_BACKUP_RETENTION_DAYS,
        "backup_retention",
        allowed,
        f"{days:g} days",
    )
    return int(days)
