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
    USER = "user"
    USER_GROUP = "user-group"
    ACCOUNT = "account"
    """Not an ElastiCache resource: the account itself, in results that say it could not be checked."""
    ENDPOINT = "endpoint"
    """Not an ElastiCache resource: an address the probe was given without a cache to look up."""

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


CHECKED_KINDS = tuple(kind for kind in ResourceKind if kind not in (ResourceKind.ACCOUNT, ResourceKind.ENDPOINT))
"""The kinds ElastiCache lists and the checks look at."""


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


class Authority(StrEnum):
    """Whose definition a check follows."""

    SECURITY_HUB = "Security Hub"
    CONFIG = "AWS Config"
    OURS = "ours"
    """Control Tower's ElastiCache controls (CT.ELASTICACHE.PR.1-8) are proactive CloudFormation
    hooks with the intent of Security Hub's and Config's; the checks list them as controls."""


INVENTORY_CHECK = "inventory"
ASSUME_ROLE_CHECK = "assume-role"
UNLISTED_CHECKS = frozenset({INVENTORY_CHECK, ASSUME_ROLE_CHECK})
"""Results saying an account, region or kind could not be listed: they fail a run on their own."""


@dataclass(frozen=True)
class CacheResource:
    """One ElastiCache resource as the API describes it, named by account, region, kind and id
    (ids repeat across regions and accounts).

    ``members`` holds the cache clusters of a replication group (where its engine version,
    subnet group, security groups and parameter group are reported).
    """

    account: str
    region: str
    kind: ResourceKind
    id: str
    data: Mapping[str, Any]
    members: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.kind.label} {self.id}"

    @property
    def engine(self) -> str | None:
        """The engine the API names, on the resource or its members; ``None`` when neither does."""
        engine = self.data.get("Engine") or next((m.get("Engine") for m in self.members if m.get("Engine")), None)
        return str(engine) if engine else None

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
    account: str
    region: str
    resource_type: ResourceKind
    resource_id: str
    check_id: str
    title: str
    severity: Severity
    controls: tuple[str, ...]
    status: Status
    message: str
    remediation: str
    reference: str
    unread: bool = False
    """An ERROR because a describe call the check needed failed (throttled past the retries, denied,
    a server error): what the check would have looked at was not seen, so the run fails."""

    @property
    def resource(self) -> str:
        return f"{self.resource_type.value}/{self.resource_id}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "resource_type": self.resource_type.value,
            "resource_id": self.resource_id,
            "check_id": self.check_id,
            "title": self.title,
            "severity": self.severity.value,
            "controls": list(self.controls),
            "status": self.status.value,
            "message": self.message,
            "remediation": self.remediation,
            "reference": self.reference,
        }
