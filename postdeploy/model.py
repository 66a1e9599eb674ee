"""What is checked and what a check says about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ResourceKind(StrEnum):
    REPLICATION_GROUP = "replication-group"
    CACHE_CLUSTER = "cache-cluster"
    SERVERLESS_CACHE = "serverless-cache"
    GLOBAL_DATASTORE = "global-datastore"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    """The check could not run (for example access denied); the message says why."""
    SKIP = "SKIP"
    """The check does not apply to this resource."""


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class CacheResource:
    """One ElastiCache resource as the API describes it.

    ``members`` holds the cache clusters of a replication group (where its engine version,
    subnet group, security groups and parameter group are reported).
    """

    kind: ResourceKind
    id: str
    region: str
    data: Mapping[str, Any]
    members: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.kind.label} {self.id}"

    @property
    def engine(self) -> str:
        engine = self.data.get("Engine") or next((m.get("Engine") for m in self.members if m.get("Engine")), None)
        return str(engine or "redis")

    @property
    def engine_version(self) -> str | None:
        if self.kind is ResourceKind.SERVERLESS_CACHE:
            return self.data.get("FullEngineVersion") or self.data.get("MajorEngineVersion")
        if self.kind in (ResourceKind.CACHE_CLUSTER, ResourceKind.GLOBAL_DATASTORE):
            return self.data.get("EngineVersion")
        return next((m["EngineVersion"] for m in self.members if m.get("EngineVersion")), None)

    @property
    def clusters(self) -> tuple[Mapping[str, Any], ...]:
        """The cache clusters carrying node-level settings: the members, or the cluster itself."""
        return (self.data,) if self.kind is ResourceKind.CACHE_CLUSTER else self.members


@dataclass(frozen=True)
class Result:
    resource_id: str
    resource_type: ResourceKind
    region: str
    check_id: str
    title: str
    severity: Severity
    controls: tuple[str, ...]
    status: Status
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id,
            "resource_type": self.resource_type.value,
            "region": self.region,
            "check_id": self.check_id,
            "title": self.title,
            "severity": self.severity.value,
            "controls": list(self.controls),
            "status": self.status.value,
            "message": self.message,
        }
