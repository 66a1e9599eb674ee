"""Automatic backups."""

from __future__ import annotations

from postdeploy.checks.base import Check, Context, Outcome, failed, guide, passed, security_hub, skipped
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity


def _retention(resource: CacheResource, context: Context) -> Outcome:
    threshold = context.settings.backup_threshold_days
    days = int(resource.data.get("SnapshotRetentionLimit") or 0)
    if days >= threshold:
        return passed(f"{resource.name}: SnapshotRetentionLimit is {days} days (at least {threshold})")
    return failed(f"{resource.name}: SnapshotRetentionLimit is {days} days, below the {threshold}-day threshold")


class BackupRetention(Check):
    """Security Hub's definition: the threshold defaults to 1 day and may be 1-35. AWS Config's
    rule defaults to 15 days, Prowler to 7; ``--backup-threshold-days`` picks yours."""

    id = "backup-retention"
    title = "Automatic backups are kept for at least the threshold"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.1", "elasticache-redis-cluster-automatic-backup-check", "CT.ELASTICACHE.PR.1")
    reference = security_hub(1)
    remediation = "Set SnapshotRetentionLimit to at least the threshold (ReplicationGroup backup_retention)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: node-based Memcached has no backups")
        return _retention(resource, context)


class ServerlessBackups(Check):
    """Serverless Memcached keeps snapshots too (DescribeServerlessCaches: "Available for Valkey,
    Redis OSS and Serverless Memcached"), so no engine is skipped."""

    id = "serverless-backups"
    title = "Serverless cache keeps automatic snapshots"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.SERVERLESS_CACHE})
    reference = guide("backups-automatic")
    remediation = "Set SnapshotRetentionLimit (1-35 days) and DailySnapshotTime on the serverless cache."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        return _retention(resource, context)
