"""Automatic backups."""

from __future__ import annotations

from postdeploy.checks.base import Check, Context, Outcome, failed, passed, skipped
from postdeploy.model import CacheResource, ResourceKind, Severity


def _retention(resource: CacheResource, context: Context) -> Outcome:
    threshold = context.settings.backup_threshold_days
    days = int(resource.data.get("SnapshotRetentionLimit") or 0)
    if days >= threshold:
        return passed(f"{resource.name}: SnapshotRetentionLimit is {days} days (at least {threshold})")
    return failed(f"{resource.name}: SnapshotRetentionLimit is {days} days, below the {threshold}-day threshold")


class BackupRetention(Check):
    id = "backup-retention"
    title = "Automatic backups are kept for at least the threshold"
    severity = Severity.HIGH
    controls = ("ElastiCache.1",)
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: Memcached has no backups")
        return _retention(resource, context)


class ServerlessBackups(Check):
    id = "serverless-backups"
    title = "Serverless cache keeps automatic snapshots"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.SERVERLESS_CACHE})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: serverless Memcached has no snapshots")
        return _retention(resource, context)
