"""ElastiCache Serverless: the engines and major versions it runs, its ports, its snapshot settings.

Sources: **[S]** the ``AWS::ElastiCache::ServerlessCache`` schema cfn-lint ships; **[API:Op]** the
ElastiCache API reference; **[EC:Page]** the ElastiCache user guide; **[alpha]** aws-cdk's
aws-elasticache-alpha ``CacheEngine``. Numeric limits are in ``limits.py`` (``SERVERLESS_*``).

Snapshots are for every serverless engine: automatic snapshots (``SnapshotRetentionLimit``,
``DailySnapshotTime``) and the final snapshot on delete are "available for Valkey, Redis OSS and
Serverless Memcached" [API:CreateServerlessCache][API:DeleteServerlessCache], and the guide's
"Snapshot and restore" page says the same [EC:backups]. (Terraform's and Pulumi's docs still say
Valkey and Redis OSS only; AWS's own pages are newer and agree with each other.)
"""

from __future__ import annotations

import re
from enum import Enum

from constructs_lib.facts.engines import Engine, EngineVersion


class ServerlessEngine(Enum):
    """An engine and the major version a serverless cache runs (``Engine`` and ``MajorEngineVersion``).

    ElastiCache applies minor and patch versions itself; a change of major version, or from Redis OSS
    to Valkey, upgrades in place without downtime; there is no way back down [EC:VersionManagement].
    The majors are those of [alpha] ``CacheEngine`` and the rules of this kit's reference
    (valkey 7, 8, 9; redis 7; memcached 1.6). There is no "latest" member on purpose: a template
    without ``MajorEngineVersion`` gets whatever is newest on the day it is deployed.
    """

    VALKEY_7 = ("valkey", "7", "7.2")
    VALKEY_8 = ("valkey", "8", "8.0")
    VALKEY_9 = ("valkey", "9", "9.0")
    REDIS_7 = ("redis", "7", "7.1")
    MEMCACHED_1_6 = ("memcached", "1.6", None)

    @property
    def engine(self) -> Engine:
        return Engine(self.value[0])

    @property
    def major_version(self) -> str:
        """The ``MajorEngineVersion`` CloudFormation receives."""
        return str(self.value[1])

    @property
    def label(self) -> str:
        """For messages: ``Valkey 8 (serverless)``."""
        return f"{self.engine.label} {self.major_version} (serverless)"

    @property
    def feature_floor(self) -> EngineVersion | None:
        """The lowest node-based version of this major, to decide what its users and access strings
        may use (IAM authentication, ACL channel rules). Serverless Redis OSS 7 runs 7.1
        [EC:engine-versions]. ``None`` for Memcached, which has no users."""
        floor = self.value[2]
        return EngineVersion.of(self.engine.value, floor) if floor is not None else None


PORTS = {Engine.VALKEY: 6379, Engine.REDIS: 6379, Engine.MEMCACHED: 11211}
"""The port of a serverless cache's endpoint ([alpha] imports; [EC:set-up])."""

READER_PORTS = {Engine.VALKEY: 6380, Engine.REDIS: 6380}
"""Valkey and Redis OSS also serve reads from replicas on port 6380 of the same host name, so a
client's security group needs both ports (AWS Database Blog "Get started with Amazon ElastiCache for
Valkey": "uses both ports 6379 and port 6380"; [EC:ReadReplicas]; cloudposse/terraform-aws-elasticache-
redis#250). None is documented for Memcached, so this kit offers it no reader endpoint."""

USER_GROUP_ENGINES = (Engine.VALKEY, Engine.REDIS)
"""``UserGroupId`` is for Valkey and Redis OSS caches only [API:CreateServerlessCache]; a serverless
cache has no AUTH token: access control is RBAC only [EC:Clusters.RBAC]."""

DAILY_SNAPSHOT_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
DAILY_SNAPSHOT_TIME_FORMAT = "a time of day 'HH:MM' in UTC, such as '03:00'"
"""``DailySnapshotTime``: when the daily snapshot starts, ``HH:MM`` UTC [API:CreateServerlessCache]
[alpha] (the schema [S] types it as a plain string)."""

DATA_STORAGE_UNIT = "GB"
"""``CacheUsageLimits.DataStorage.Unit``: ``GB`` is the only unit [CFN] (cfn-lint accepts any case)."""
