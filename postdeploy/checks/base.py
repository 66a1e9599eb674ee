"""The shape of a check: one small unit with an id, a title, a severity and its controls."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from constructs_lib.facts.parameters import EvictionPolicy
from postdeploy.inventory import CheckError, Inventories, RegionInventory
from postdeploy.model import CacheResource, ResourceKind, Severity, Status

DEFAULT_BACKUP_THRESHOLD_DAYS = 1
EVICTION_POLICIES = tuple(policy.value for policy in EvictionPolicy)


@dataclass(frozen=True)
class Settings:
    """What the user can tune.

    :param backup_threshold_days: minimum automatic backup retention (Security Hub default: 1).
    :param approved_kms_keys: when given, customer-managed keys must be one of these (ids or ARNs).
    :param eviction_policies: the acceptable ``maxmemory-policy`` values. Default: every policy
        but ``noeviction``, under which a full cache rejects writes.
    """

    backup_threshold_days: int = DEFAULT_BACKUP_THRESHOLD_DAYS
    approved_kms_keys: tuple[str, ...] = ()
    eviction_policies: tuple[str, ...] = tuple(p for p in EVICTION_POLICIES if p != "noeviction")


@dataclass(frozen=True)
class Context:
    """What a check may read besides the resource itself."""

    inventories: Inventories
    settings: Settings = field(default_factory=Settings)

    def inventory(self, resource: CacheResource) -> RegionInventory:
        return self.inventories[resource.region]

    def clusters(self, resource: CacheResource) -> tuple[Mapping[str, Any], ...]:
        """The cache clusters holding node-level settings; raises CheckError when none are known."""
        if resource.kind is ResourceKind.REPLICATION_GROUP:
            self.inventory(resource).cache_clusters()  # re-raises the listing's error, if any
            if not resource.members:
                raise CheckError(f"{resource.name}: ElastiCache reported none of its member cache clusters")
        return resource.clusters


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str


def passed(message: str) -> Outcome:
    return Outcome(Status.PASS, message)


def failed(message: str) -> Outcome:
    return Outcome(Status.FAIL, message)


def skipped(message: str) -> Outcome:
    return Outcome(Status.SKIP, message)


class Check:
    """Subclasses set the class attributes and implement ``evaluate``.

    ``evaluate`` returns PASS, FAIL or SKIP; raising ``CheckError`` yields ERROR.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    controls: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[frozenset[ResourceKind]]

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        raise NotImplementedError


class SettingCheck(Check):
    """A check that one field of the API's description holds one value."""

    setting: ClassVar[str]
    wanted: ClassVar[object]
    default: ClassVar[object]
    """What ElastiCache means when it leaves the field out."""

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        value = resource.data.get(self.setting, self.default)
        shown = str(value).lower() if isinstance(value, bool) else value
        return (passed if value == self.wanted else failed)(f"{resource.name}: {self.setting} is {shown}")
