"""The shape of a check: one small class with an id, a title, a severity, the controls it maps
to, whose definition it follows (with a link) and a remediation line. Defining such a class
registers it; ids must be unique.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from constructs_lib.facts.engines import Engine, EngineVersion, Feature
from constructs_lib.facts.parameters import EvictionPolicy
from postdeploy.inventory import CheckError, Inventories, RegionInventory
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity, Status

DEFAULT_BACKUP_THRESHOLD_DAYS = 1
BACKUP_THRESHOLD_RANGE = (1, 35)
"""Security Hub ElastiCache.1's ``snapshotRetentionPeriod`` parameter: 1 to 35 days, default 1."""
EVICTION_POLICIES = tuple(policy.value for policy in EvictionPolicy)


def security_hub(number: int) -> str:
    return f"https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-{number}"


def config_rule(name: str) -> str:
    return f"https://docs.aws.amazon.com/config/latest/developerguide/{name}.html"


def guide(page: str) -> str:
    """A page of the ElastiCache user guide, for the checks whose definition is ours."""
    return f"https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/{page}.html"


@dataclass(frozen=True)
class Settings:
    """What the user can tune.

    :param backup_threshold_days: minimum automatic backup retention (Security Hub: 1 to 35, default 1).
    :param approved_kms_keys: when given, customer-managed keys must be one of these (ids or ARNs).
    :param eviction_policies: the acceptable ``maxmemory-policy`` values. Default: every policy
        but ``noeviction``, under which a full cache rejects writes.
    :param allowed_user_groups: when given, a replication group's user groups must be among these
        (AWS Config ``elasticache-rbac-auth-enabled``'s ``allowedUserGroupIDs``).
    :param minimum_engine_versions: engine -> lowest acceptable version (AWS Config
        ``elasticache-supported-engine-version``'s ``latestRedisVersion`` and ``latestMemcachedVersion``).
    :param skipped_checks: ids of checks not to run; their results say SKIP and why.
    """

    backup_threshold_days: int = DEFAULT_BACKUP_THRESHOLD_DAYS
    approved_kms_keys: tuple[str, ...] = ()
    eviction_policies: tuple[str, ...] = tuple(p for p in EVICTION_POLICIES if p != "noeviction")
    allowed_user_groups: tuple[str, ...] = ()
    minimum_engine_versions: Mapping[str, str] = field(default_factory=dict)
    skipped_checks: frozenset[str] = frozenset()


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

    def engine(self, resource: CacheResource) -> str:
        """The resource's engine, from its own description or else its member clusters."""
        if resource.engine is None:
            self.clusters(resource)
            raise CheckError(f"{resource.name}: ElastiCache reported no engine")
        return resource.engine

    def engine_version(self, resource: CacheResource) -> str:
        if resource.engine_version is None:
            self.clusters(resource)
            raise CheckError(f"{resource.name}: ElastiCache reported no engine version")
        return resource.engine_version


def has_feature(feature: Feature, resource: CacheResource, context: Context) -> tuple[bool, str]:
    """Whether the resource's engine version has ``feature``, and the engine and version as shown.

    When every version ElastiCache offers of the engine has it (Valkey and RBAC), the engine alone
    decides, so no member cluster needs to be known."""
    name = context.engine(resource)
    try:
        engine = Engine(name)
    except ValueError:
        raise CheckError(f"{resource.name}: unknown engine {name}") from None
    if all(version.supports(feature) for version in EngineVersion.for_engines(engine)):
        return True, engine.label
    version = context.engine_version(resource)
    return feature.available(engine, version), f"{engine.label} {version}"


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


REGISTRY: dict[str, type[Check]] = {}
"""Every check class by id, in the order they were defined."""


class Check:
    """Subclasses set the class attributes and implement ``evaluate``; defining one registers it.

    ``evaluate`` returns PASS, FAIL or SKIP; raising ``CheckError`` yields ERROR.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    kinds: ClassVar[frozenset[ResourceKind]]
    follows: ClassVar[Authority] = Authority.OURS
    controls: ClassVar[tuple[str, ...]] = ()
    """Security Hub controls, AWS Config rules and Control Tower controls with the same intent."""
    reference: ClassVar[str]
    """A link to the definition the check follows."""
    remediation: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" not in cls.__dict__:
            return  # a shared base such as SettingCheck
        missing = [
            name for name in ("title", "severity", "kinds", "reference", "remediation") if not hasattr(cls, name)
        ]
        if missing:
            raise TypeError(f"check {cls.id} ({cls.__qualname__}) lacks {', '.join(missing)}")
        if cls.id in REGISTRY:
            raise ValueError(
                f"check id {cls.id} is taken by {REGISTRY[cls.id].__qualname__}, not free for {cls.__qualname__}"
            )
        REGISTRY[cls.id] = cls

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
