"""Engines, the versions ElastiCache offers, parameter-group families and the version where each
feature starts.

The version list is the one cfn-lint accepts for ``AWS::ElastiCache::CacheCluster`` (its
``engine_version.json`` extension schema, generated from the ElastiCache API; a test compares the
two). Families are those of ``CreateCacheParameterGroup``: redis6.x covers 6.0 and 6.2, redis7
covers 7.0 and 7.1, valkey7 is 7.2, valkey8 covers 8.x. ``valkey9`` is not in that API page's list
yet; it is the family ``DescribeCacheEngineVersions`` reports for Valkey 9 and what
terraform-aws-modules users deploy, and ``elasticache-verify``'s engine check reads the live value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Engine(Enum):
    """The cache engines ElastiCache runs."""

    VALKEY = "valkey"
    REDIS = "redis"
    MEMCACHED = "memcached"

    @property
    def label(self) -> str:
        return {"valkey": "Valkey", "redis": "Redis OSS", "memcached": "Memcached"}[self.value]


Version = tuple[int, ...]


def parse_version(text: str) -> Version:
    """``"7.0.7"`` -> ``(7, 0, 7)``; ignores anything after the numeric parts (``"6.x"`` -> ``(6,)``)."""
    parts: list[int] = []
    for part in text.split("."):
        if not re.fullmatch(r"\d+", part):
            break
        parts.append(int(part))
    return tuple(parts)


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


class EngineVersion(Enum):
    """An engine and one of its versions that ElastiCache offers, with its parameter-group family."""

    REDIS_4_0_10 = ("redis", "4.0.10", "redis4.0")
    REDIS_5_0_6 = ("redis", "5.0.6", "redis5.0")
    REDIS_6_0 = ("redis", "6.0", "redis6.x")
    REDIS_6_2 = ("redis", "6.2", "redis6.x")
    REDIS_7_0 = ("redis", "7.0", "redis7")
    REDIS_7_1 = ("redis", "7.1", "redis7")
    VALKEY_7_2 = ("valkey", "7.2", "valkey7")
    VALKEY_8_0 = ("valkey", "8.0", "valkey8")
    VALKEY_8_1 = ("valkey", "8.1", "valkey8")
    VALKEY_8_2 = ("valkey", "8.2", "valkey8")
    VALKEY_9_0 = ("valkey", "9.0", "valkey9")
    VALKEY_9_1 = ("valkey", "9.1", "valkey9")
    MEMCACHED_1_4_5 = ("memcached", "1.4.5", "memcached1.4")
    MEMCACHED_1_4_14 = ("memcached", "1.4.14", "memcached1.4")
    MEMCACHED_1_4_24 = ("memcached", "1.4.24", "memcached1.4")
    MEMCACHED_1_4_33 = ("memcached", "1.4.33", "memcached1.4")
    MEMCACHED_1_4_34 = ("memcached", "1.4.34", "memcached1.4")
    MEMCACHED_1_5_10 = ("memcached", "1.5.10", "memcached1.5")
    MEMCACHED_1_5_16 = ("memcached", "1.5.16", "memcached1.5")
    MEMCACHED_1_6_6 = ("memcached", "1.6.6", "memcached1.6")
    MEMCACHED_1_6_12 = ("memcached", "1.6.12", "memcached1.6")
    MEMCACHED_1_6_17 = ("memcached", "1.6.17", "memcached1.6")
    MEMCACHED_1_6_22 = ("memcached", "1.6.22", "memcached1.6")

    @property
    def engine(self) -> Engine:
        return Engine(self.value[0])

    @property
    def version(self) -> str:
        """The ``EngineVersion`` string CloudFormation receives."""
        return self.value[1]

    @property
    def parameter_group_family(self) -> str:
        return self.value[2]

    @property
    def label(self) -> str:
        """For messages: ``Valkey 8.2``."""
        return f"{self.engine.label} {self.version}"

    def supports(self, feature: Feature) -> bool:
        return feature.available(self.engine, self.version)

    @classmethod
    def of(cls, engine: str, version: str) -> EngineVersion | None:
        """Look a version up by its engine and version strings, e.g. ``of("valkey", "8.2")``."""
        for member in cls:
            if member.value[:2] == (engine, version):
                return member
        return None

    @classmethod
    def for_engines(cls, *engines: Engine) -> list[EngineVersion]:
        return [member for member in cls if member.engine in engines]


@dataclass(frozen=True)
class Feature:
    """A capability and the first version of each engine that has it (``None``: never)."""

    title: str
    redis: Version | None
    valkey: Version | None
    source: str
    memcached: Version | None = None

    def minimum(self, engine: Engine) -> Version | None:
        return {Engine.REDIS: self.redis, Engine.VALKEY: self.valkey, Engine.MEMCACHED: self.memcached}[engine]

    def available(self, engine: Engine, version: str) -> bool:
        floor = self.minimum(engine)
        return floor is not None and parse_version(version) >= floor

    def requirement(self) -> str:
        """For messages: ``Valkey 7.2+ or Redis OSS 6.0+``."""
        parts = [
            f"{engine.label} {format_version(floor)}+"
            for engine in (Engine.VALKEY, Engine.REDIS, Engine.MEMCACHED)
            if (floor := self.minimum(engine)) is not None
        ]
        return " or ".join(parts)


TLS_MODES = Feature(
    "TransitEncryptionMode (preferred/required)",
    redis=(7, 0),
    valkey=(7, 2),
    source="[S] ReplicationGroup TransitEncryptionMode; [EC:in-transit-encryption]",
)
TLS_NODE_BASED = Feature(
    "TLS on node-based caches",
    redis=(3, 2, 6),
    valkey=(7, 2),
    memcached=(1, 6, 12),
    source="[EC:in-transit-encryption]; Memcached 1.6.12+ per [S] CacheCluster TransitEncryptionEnabled",
)
AUTO_MINOR_VERSION_UPGRADE = Feature(
    "automatic minor version upgrades",
    redis=(6, 0),
    valkey=(7, 2),
    source="[API:CreateReplicationGroup] AutoMinorVersionUpgrade; Security Hub ElastiCache.2",
)
RBAC = Feature(
    "RBAC user groups",
    redis=(6, 0),
    valkey=(7, 2),
    source="[EC:Clusters.RBAC]; [API:CreateUserGroup] MinimumEngineVersion",
)
ACL_CHANNELS = Feature(
    "ACL channel permissions (&pattern)",
    redis=(6, 2),
    valkey=(7, 2),
    source="Redis 6.2 release notes (ACL Pub/Sub channel permissions); Valkey forks 7.2",
)
IAM_AUTH = Feature(
    "IAM authentication",
    redis=(7, 0),
    valkey=(7, 2),
    source="[EC:auth-iam]",
)
DATA_TIERING = Feature(
    "data tiering",
    redis=(6, 2),
    valkey=(7, 2),
    source="[EC:data-tiering]; [EC:SelectEngine]",
)
AUTO_SCALING = Feature(
    "Application Auto Scaling of shards and replicas",
    redis=(6, 0),
    valkey=(7, 2),
    source="[EC:AutoScaling] prerequisites (English page)",
)
AUTO_SCALING_DATA_TIERING = Feature(
    "auto scaling of data-tiering clusters",
    redis=(7, 0, 7),
    valkey=(7, 2),
    source="[EC:AutoScaling] prerequisites (English page)",
)
GLOBAL_DATASTORE = Feature(
    "Global Datastore",
    redis=(5, 0, 6),
    valkey=(7, 2),
    source="[EC:Redis-Global-Datastores-Getting-Started]",
)
CLUSTER_MODE_MIGRATION = Feature(
    "cluster mode compatible/enabled migration",
    redis=(7, 0),
    valkey=(7, 2),
    source="[EC:modify-cluster-mode]",
)
DURABILITY = Feature(
    "Durability (Multi-AZ transaction log)",
    redis=None,
    valkey=(9, 0),
    source="[S] ReplicationGroup Durability; [EC:Durability.Limitations]",
)
SLOW_LOG = Feature(
    "slow-log delivery",
    redis=(6, 0),
    valkey=(7, 2),
    source="[EC:Log_Delivery]",
)
ENGINE_LOG = Feature(
    "engine-log delivery",
    redis=(6, 2),
    valkey=(7, 2),
    source="[EC:Log_Delivery]",
)
AUTH_WITHOUT_TOKEN_RISK = Feature(
    "RBAC instead of an AUTH token (Security Hub ElastiCache.6 applies below this)",
    redis=(6, 0),
    valkey=(7, 2),
    source="Security Hub ElastiCache.6",
)
DEPRECATED_BELOW = Feature(
    "versions ElastiCache does not deprecate",
    redis=(5, 0, 6),
    valkey=(7, 2),
    memcached=(1, 4, 5),
    source="[EC:deprecated-engine-versions]: Redis OSS 5.0.0-5.0.5 are deprecated",
)
