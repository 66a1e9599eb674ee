"""Every check, each a small unit with a stable id (see ``base.Check``)."""

from __future__ import annotations

from postdeploy.checks.auth import AuthBeforeRedis6, Authentication, ServerlessUserGroup
from postdeploy.checks.availability import AutomaticFailover, GlobalMembers, MultiAz, ShardReplicasAndZones
from postdeploy.checks.backups import BackupRetention, ServerlessBackups
from postdeploy.checks.base import Check, Context, Settings
from postdeploy.checks.encryption import (
    CustomerManagedKey,
    EncryptionAtRest,
    EncryptionInTransit,
    GlobalEncryptionConsistent,
    TlsRequired,
)
from postdeploy.checks.engine import (
    AutoMinorVersionUpgrade,
    EvictionPolicy,
    ServerlessUsageLimits,
    SupportedEngineVersion,
)
from postdeploy.checks.network import DefaultSubnetGroup, OpenSecurityGroups, PrivateSubnets

ALL_CHECKS: tuple[Check, ...] = (
    BackupRetention(),
    AutoMinorVersionUpgrade(),
    AutomaticFailover(),
    EncryptionAtRest(),
    EncryptionInTransit(),
    AuthBeforeRedis6(),
    DefaultSubnetGroup(),
    Authentication(),
    MultiAz(),
    ShardReplicasAndZones(),
    CustomerManagedKey(),
    TlsRequired(),
    SupportedEngineVersion(),
    EvictionPolicy(),
    PrivateSubnets(),
    OpenSecurityGroups(),
    ServerlessBackups(),
    ServerlessUsageLimits(),
    ServerlessUserGroup(),
    GlobalMembers(),
    GlobalEncryptionConsistent(),
)

__all__ = ["ALL_CHECKS", "Check", "Context", "Settings"]
