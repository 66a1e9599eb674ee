"""Engines, engine versions and the parameter-group family each version belongs to.

The version list is the one cfn-lint 1.58 accepts for ``AWS::ElastiCache::*`` (its
``engine_version.json`` extension schema, generated from the ElastiCache API); the families are
those of ``CreateCacheParameterGroup``: redis6.x covers 6.0 and 6.2, redis7 covers 7.0 and 7.1,
valkey7 is 7.2, valkey8 covers 8.x and valkey9 covers 9.x.
"""

from __future__ import annotations

from enum import Enum

from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue


class Engine(Enum):
    """The cache engines this toolkit provisions."""

    VALKEY = "valkey"
    REDIS = "redis"


class EngineVersion(Enum):
    """An engine and one of its versions that ElastiCache offers."""

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

    def at_least(self, redis: tuple[int, int] | None, valkey: tuple[int, int] | None) -> bool:
        """True when this version is at least ``redis`` (for Redis OSS) or ``valkey`` (for Valkey).

        ``None`` means the feature is not available on that engine at all.
        """
        floor = redis if self.engine is Engine.REDIS else valkey
        major, minor = (int(part) for part in self.version.split(".")[:2])
        return floor is not None and (major, minor) >= floor

    @classmethod
    def of(cls, engine: str, version: str) -> EngineVersion:
        """Look a version up by its engine and version strings, e.g. ``of("valkey", "8.2")``."""
        for member in cls:
            if member.value[:2] == (engine, version):
                return member
        allowed = ", ".join(f"{m.value[0]} {m.value[1]}" for m in cls)
        raise ElastiCacheValidationError(
            [ValidationIssue("EngineVersion.of", "engine and version", f"one of {allowed}", f"{engine} {version}")]
        )

    @classmethod
    def families(cls) -> list[str]:
        return sorted({m.parameter_group_family for m in cls})
