"""One removal policy for a cache and everything it creates.

``RemovalPolicy.RETAIN`` keeps the whole family (a kept cache still needs its subnet, parameter and
security groups, its key, its users and secrets); ``DESTROY`` leaves nothing behind (the KMS key is
scheduled for deletion); ``SNAPSHOT`` takes a final snapshot of the cache, keeps the KMS key the
snapshot is encrypted with, and removes the rest (a cache restored from the snapshot gets new
ones: users, tokens and network settings are not part of a snapshot). Log groups are kept unless
the policy is ``DESTROY``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy


@dataclass(frozen=True)
class FamilyRemoval:
    cache: RemovalPolicy
    key: RemovalPolicy
    others: RemovalPolicy
    logs: RemovalPolicy
    """Log groups: kept unless the policy is ``DESTROY`` (they are the record of what the cache did)."""

    @staticmethod
    def of(policy: RemovalPolicy) -> FamilyRemoval:
        if policy is RemovalPolicy.SNAPSHOT:
            return FamilyRemoval(
                RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN, RemovalPolicy.DESTROY, RemovalPolicy.RETAIN
            )
        if policy is RemovalPolicy.RETAIN or policy is RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE:
            return FamilyRemoval(policy, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN)
        return FamilyRemoval(policy, policy, policy, policy)
