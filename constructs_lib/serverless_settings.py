"""The settings of a serverless cache and their checks: usage limits, snapshots, authentication,
description. ``ServerlessCache`` runs every check before it creates anything."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Size, SizeRoundingBehavior
from aws_cdk import aws_elasticache as elasticache

from constructs_lib import rules
from constructs_lib.auth import CacheAuth
from constructs_lib.backups import check_retention
from constructs_lib.facts.limits import (
    SERVERLESS_DATA_STORAGE_GB,
    SERVERLESS_DESCRIPTION_MAX,
    SERVERLESS_ECPU_PER_SECOND,
)
from constructs_lib.facts.names import SNAPSHOT_NAME
from constructs_lib.facts.serverless import (
    DAILY_SNAPSHOT_TIME,
    DAILY_SNAPSHOT_TIME_FORMAT,
    DATA_STORAGE_UNIT,
    USER_GROUP_ENGINES,
    ServerlessEngine,
)
from constructs_lib.validation import Issues, is_token

DEFAULT_MAX_DATA_STORAGE = Size.gibibytes(10)
DEFAULT_MAX_ECPU_PER_SECOND = 100_000
DEFAULT_DAILY_SNAPSHOT_TIME = "03:00"
"""The start of the replication group's default snapshot window (``03:00-04:00``)."""

# A CacheAuth's kind, compared without reaching into auth.py's private enum.
_USER_GROUP = CacheAuth.user_group().kind
_NONE = CacheAuth.none().kind


@dataclass(frozen=True, kw_only=True)
class UsageLimits:
    """Bounds on what a serverless cache may use (``CacheUsageLimits``); ``None`` leaves one unbounded.

    ElastiCache scales within them: at the data storage maximum it evicts keys that have a TTL
    and, when none is left, refuses writes (out of memory); above the ECPU maximum it throttles
    commands (``ThrottledCmds``). A minimum is capacity paid for whether used or not, for a known
    peak.
    The defaults cap cost (what ``elasticache-verify``'s ``serverless-usage-limits`` asks for) at
    about one ``cache.r7g.large`` worth of memory; raise them for production load.
    ``UsageLimits.unbounded()`` is the explicit opt-out.

    :param max_data_storage: whole gigabytes, 1-5,000 (``Size.gibibytes(n)`` is written as ``n`` GB,
        ElastiCache's only unit, as aws-cdk's alpha module writes it). Default: 10 GB.
    :param min_data_storage: Default: none.
    :param max_ecpu_per_second: ElastiCache Processing Units per second, 1,000-15,000,000.
        Default: 100,000.
    :param min_ecpu_per_second: Default: none.
    """

    max_data_storage: Size | None = DEFAULT_MAX_DATA_STORAGE
    min_data_storage: Size | None = None
    max_ecpu_per_second: int | None = DEFAULT_MAX_ECPU_PER_SECOND
    min_ecpu_per_second: int | None = None

    @staticmethod
    def unbounded() -> UsageLimits:
        """No limits at all: the cache grows and bills as far as its load takes it."""
        return UsageLimits(max_data_storage=None, max_ecpu_per_second=None)


def check_usage_limits(
    issues: Issues, limits: object
) -> elasticache.CfnServerlessCache.CacheUsageLimitsProperty | None:
    """Ranges, whole gigabytes and minimum <= maximum; returns what to write (``None``: no limits)."""
    if not issues.instance(
        "usage_limits", limits, UsageLimits, "a UsageLimits (or UsageLimits.unbounded())", optional=False
    ):
        return None
    assert isinstance(limits, UsageLimits)
    low_gb, high_gb = SERVERLESS_DATA_STORAGE_GB
    storage = [
        _gigabytes(issues, f"usage_limits.{name}", size, low_gb, high_gb)
        for name, size in (("min_data_storage", limits.min_data_storage), ("max_data_storage", limits.max_data_storage))
    ]
    low, high = SERVERLESS_ECPU_PER_SECOND
    ecpu = []
    for name, value in (
        ("min_ecpu_per_second", limits.min_ecpu_per_second),
        ("max_ecpu_per_second", limits.max_ecpu_per_second),
    ):
        ok = value is None or issues.whole(
            rules.SERVERLESS_ECPU, f"usage_limits.{name}", value, low, high, what="ECPUs per second", synth=False
        )
        ecpu.append(value if ok else None)
    _check_order(issues, "data_storage", storage[0], storage[1], "GB")
    _check_order(issues, "ecpu_per_second", ecpu[0], ecpu[1], "ECPUs per second")
    property_ = elasticache.CfnServerlessCache
    data_storage = (
        property_.DataStorageProperty(unit=DATA_STORAGE_UNIT, minimum=storage[0], maximum=storage[1])
        if any(bound is not None for bound in storage)
        else None
    )
    ecpu_per_second = (
        property_.ECPUPerSecondProperty(minimum=ecpu[0], maximum=ecpu[1])
        if any(bound is not None for bound in ecpu)
        else None
    )
    if data_storage is None and ecpu_per_second is None:
        return None
    return property_.CacheUsageLimitsProperty(data_storage=data_storage, ecpu_per_second=ecpu_per_second)


def _gigabytes(issues: Issues, prop: str, size: object, low: int, high: int) -> float | None:
    """The size in whole gigabytes (a deploy-time number passes unchecked); ``None`` if unset or wrong."""
    if size is None:
        return None
    allowed = f"a whole number of gigabytes from {low} to {high}, such as Size.gibibytes(10)"
    if not issues.instance(prop, size, Size, f"a Size: {allowed}"):
        return None
    assert isinstance(size, Size)
    if size.is_unresolved():
        return size.to_gibibytes()
    gigabytes = size.to_gibibytes(rounding=SizeRoundingBehavior.NONE)
    ok = gigabytes == int(gigabytes) and low <= gigabytes <= high
    if not issues.require(rules.SERVERLESS_DATA_STORAGE, ok, prop, allowed, f"{gigabytes:g} GB"):
        return None
    return int(gigabytes)


def _check_order(issues: Issues, name: str, minimum: float | None, maximum: float | None, unit: str) -> None:
    if minimum is None or maximum is None or is_token(minimum) or is_token(maximum):
        return
    issues.require(
        rules.SERVERLESS_LIMIT_ORDER,
        minimum <= maximum,
        f"usage_limits.min_{name}",
        f"at most usage_limits.max_{name} ({maximum:g} {unit})",
        minimum,
    )


@dataclass(frozen=True)
class Backups:
    """What the template gets: ``None`` leaves a property out."""

    retention_days: int | None
    daily_snapshot_time: str | None
    final_snapshot_name: str | None


def check_backups(
    issues: Issues,
    *,
    backup_retention: Duration | None,
    daily_snapshot_time: object,
    final_snapshot_name: object,
    removal_policy: object,
    default_final_snapshot_name: str,
) -> Backups:
    """Automatic snapshots and the final snapshot taken on delete.

    Retention 0 leaves both automatic-snapshot properties out (ElastiCache takes none): the API
    accepts 1-35 days [alpha], and a retention removed from the template is left as it is by
    ``ModifyServerlessCache`` (its default is "not modified"), so backups are turned off at creation.
    """
    days = check_retention(issues, backup_retention)
    time: str | None = None
    if issues.text("daily_snapshot_time", daily_snapshot_time) and isinstance(daily_snapshot_time, str):
        time = daily_snapshot_time
        if not is_token(time):
            issues.require(
                rules.SERVERLESS_SNAPSHOT_TIME,
                DAILY_SNAPSHOT_TIME.fullmatch(time) is not None,
                "daily_snapshot_time",
                DAILY_SNAPSHOT_TIME_FORMAT,
                time,
            )
        issues.require(
            rules.EXCLUSIVE,
            days > 0,
            "daily_snapshot_time",
            "unset when backup_retention is 0 days (no automatic snapshots)",
            time,
        )
    final: str | None = None
    if issues.name("final_snapshot_name", final_snapshot_name, SNAPSHOT_NAME) and final_snapshot_name is not None:
        final = str(final_snapshot_name)
        issues.require(
            rules.EXCLUSIVE,
            removal_policy is RemovalPolicy.SNAPSHOT,
            "final_snapshot_name",
            "set only with removal_policy RemovalPolicy.SNAPSHOT (it names the snapshot taken on delete)",
            final,
        )
    if removal_policy is RemovalPolicy.SNAPSHOT:
        final = final or default_final_snapshot_name
    if days == 0:
        return Backups(None, None, final)
    return Backups(days, time or DEFAULT_DAILY_SNAPSHOT_TIME, final)


def check_auth(issues: Issues, engine: ServerlessEngine | None, auth: object) -> CacheAuth:
    """A user group (Valkey and Redis OSS) or none; a serverless cache has no AUTH token.

    Returns the choice to bind: by default a user group with a generated-password application
    user on Valkey and Redis OSS, and none on Memcached (which has no users).
    """
    if auth is not None and not issues.instance(
        "auth", auth, CacheAuth, "a CacheAuth: CacheAuth.user_group() or CacheAuth.none()"
    ):
        return CacheAuth.none()
    if engine is None:
        return CacheAuth.none()
    takes_users = engine.engine in USER_GROUP_ENGINES
    if auth is None:
        return CacheAuth.user_group() if takes_users else CacheAuth.none()
    assert isinstance(auth, CacheAuth)
    if auth.kind not in (_USER_GROUP, _NONE):
        issues.add(
            rules.SERVERLESS_AUTH,
            "auth",
            "CacheAuth.user_group(...) or CacheAuth.none() (a serverless cache has no AUTH token; "
            "access control is RBAC only)",
            auth.describe(),
        )
        return CacheAuth.none()
    if auth.kind is _USER_GROUP and not takes_users:
        issues.add(
            rules.SERVERLESS_AUTH,
            "auth",
            f"unset or CacheAuth.none() on {engine.label} (user groups are for Valkey and Redis OSS only)",
            auth.describe(),
        )
        return CacheAuth.none()
    floor = engine.feature_floor
    assert floor is not None or auth.kind is _NONE
    if floor is not None:
        auth.check(issues, floor, tls=True)  # serverless caches always use TLS
    return auth


def check_description(issues: Issues, description: object) -> None:
    """At most 255 characters, no ``<`` or ``>`` [API:CreateServerlessCache]."""
    if not issues.text("description", description) or description is None or is_token(description):
        return
    assert isinstance(description, str)
    issues.require(
        rules.DESCRIPTION,
        bool(description.strip())
        and len(description) <= SERVERLESS_DESCRIPTION_MAX
        and not set("<>") & set(description),
        "description",
        f"a non-blank text of at most {SERVERLESS_DESCRIPTION_MAX} characters without '<' or '>'",
        description,
    )


def default_description(engine: ServerlessEngine, path: str) -> str:
    """``Valkey 8 (serverless) cache <path>``, made safe for the description's rules."""
    text = f"{engine.label} cache {path}".replace("<", "(").replace(">", ")")
    return text[:SERVERLESS_DESCRIPTION_MAX]
