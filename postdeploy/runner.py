"""Which resources to check, and running every applicable check on each, one worker thread per
account and region.

Two passes: every (account, region) first lists what it holds, then, once Global Datastores
listed in several regions are folded into one, checks it. Results carry the account, region,
kind and id, so an id reused in another region or account is a resource of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from postdeploy.aws import Aws, RequestError
from postdeploy.checks import ALL_CHECKS, Check, Context, Settings
from postdeploy.inventory import CheckError, FetchError, Inventories
from postdeploy.model import CHECKED_KINDS, INVENTORY_CHECK, CacheResource, ResourceKind, Result, Severity, Status

# CloudFormation resource types and the kind each one is checked as.
STACK_RESOURCE_KINDS = {
    "AWS::ElastiCache::ReplicationGroup": ResourceKind.REPLICATION_GROUP,
    "AWS::ElastiCache::CacheCluster": ResourceKind.CACHE_CLUSTER,
    "AWS::ElastiCache::ServerlessCache": ResourceKind.SERVERLESS_CACHE,
    "AWS::ElastiCache::GlobalReplicationGroup": ResourceKind.GLOBAL_DATASTORE,
    "AWS::ElastiCache::User": ResourceKind.USER,
    "AWS::ElastiCache::UserGroup": ResourceKind.USER_GROUP,
}
DEFAULT_WORKERS = 8
READ_ACCESS = "Give the role read access (README: In CI), or raise --max-attempts when throttled."


class TargetError(Exception):
    """The user named something that does not exist (exit code 2)."""


@dataclass(frozen=True)
class Targets:
    everything: bool = False
    stack: str | None = None
    ids: tuple[tuple[ResourceKind, str], ...] = ()

    @property
    def kinds(self) -> tuple[ResourceKind, ...]:
        wanted = {kind for kind, _ in self.ids}
        return tuple(k for k in CHECKED_KINDS if self.everything or k in wanted)


@dataclass(frozen=True)
class Account:
    """One account to check, in these regions."""

    aws: Aws
    regions: tuple[str, ...]


@dataclass
class Listing:
    """What one account holds in one region, and the kinds it could not list."""

    account: str
    region: str
    resources: list[CacheResource]
    errors: list[Result]


def stack_targets(aws: Aws, stack: str, region: str) -> tuple[tuple[ResourceKind, str], ...]:
    """The ElastiCache resources of a CloudFormation stack, by kind and physical id."""
    try:
        resources = aws.stack_resources(stack, region)
    except RequestError as error:
        raise TargetError(str(error)) from error
    found = tuple(
        (STACK_RESOURCE_KINDS[r["ResourceType"]], r["PhysicalResourceId"])
        for r in resources
        if r["ResourceType"] in STACK_RESOURCE_KINDS and r.get("PhysicalResourceId")
    )
    if not found:
        raise TargetError(f"stack {stack} in {region} has no ElastiCache resources")
    return found


def unlisted(account: str, region: str, kind: ResourceKind, resource_id: str, reason: str) -> Result:
    """An ERROR that names what could not be listed; it fails the run without any flag."""
    return Result(
        account=account,
        region=region,
        resource_type=kind,
        resource_id=resource_id,
        check_id=INVENTORY_CHECK,
        title=f"List every {kind.label}",
        severity=Severity.HIGH,
        controls=(),
        status=Status.ERROR,
        message=reason,
        remediation=READ_ACCESS,
        reference="",
    )


def list_region(inventories: Inventories, region: str, targets: Targets) -> Listing:
    """Every resource of the wanted kinds in one region; a kind that cannot be listed is an ERROR."""
    account = inventories.aws.account_id
    listing = Listing(account, region, [], [])
    wanted = {(kind, rid) for kind, rid in targets.ids}
    for kind in targets.kinds:
        try:
            found = inventories[region].resources(kind)
        except FetchError as error:
            listing.errors.append(unlisted(account, region, kind, "*", f"{kind.label}s not listed: {error}"))
            continue
        listing.resources += [r for r in found if targets.everything or (r.kind, r.id) in wanted]
    return listing


def fold(listings: Iterable[Listing]) -> list[CacheResource]:
    """Every resource once: a Global Datastore appears in each member region's listing."""
    seen_datastores: set[tuple[str, str]] = set()
    resources = []
    for listing in listings:
        for resource in listing.resources:
            if resource.kind is ResourceKind.GLOBAL_DATASTORE:
                if (resource.account, resource.id) in seen_datastores:
                    continue
                seen_datastores.add((resource.account, resource.id))
            resources.append(resource)
    return resources


def missing_targets(listings: Sequence[Listing], targets: Targets) -> list[str]:
    """Named resources found in no region where their kind could be listed."""
    if targets.everything:
        return []
    found = {(r.kind, r.id) for listing in listings for r in listing.resources}
    # Where a kind could not be listed, its absence proves nothing: the ERROR results speak instead.
    unlistable = {e.resource_type for listing in listings for e in listing.errors}
    return [f"{kind.label} {rid}" for kind, rid in targets.ids if (kind, rid) not in found and kind not in unlistable]


def run_checks(
    resources: Iterable[CacheResource], context: Context, checks: Sequence[Check] = ALL_CHECKS
) -> list[Result]:
    results = []
    skipped = context.settings.skipped_checks
    for resource in resources:
        for check in checks:
            if resource.kind not in check.kinds:
                continue
            unread = False
            try:
                if check.id in skipped:
                    status, message = Status.SKIP, f"{resource.name}: not run (--skip-check {check.id})"
                else:
                    outcome = check.evaluate(resource, context)
                    status, message = outcome.status, outcome.message
            except FetchError as error:
                status, message, unread = Status.ERROR, f"{resource.name}: {error}", True
            except CheckError as error:
                status, message = Status.ERROR, str(error)
            results.append(
                Result(
                    account=resource.account,
                    region=resource.region,
                    resource_type=resource.kind,
                    resource_id=resource.id,
                    check_id=check.id,
                    title=check.title,
                    severity=check.severity,
                    controls=check.controls,
                    status=status,
                    message=message,
                    remediation=check.remediation,
                    reference=check.reference,
                    unread=unread,
                )
            )
    return results


Tick = Callable[[int], None]
"""Called once per account and region checked, with the number of resources it held."""


def verify(
    accounts: Sequence[Account],
    targets: Targets,
    settings: Settings,
    *,
    workers: int = DEFAULT_WORKERS,
    tick: Tick | None = None,
) -> list[Result]:
    """List and check every account in every region, ``workers`` (account, region) pairs at a time."""
    inventories = {account.aws.account_id: Inventories(account.aws) for account in accounts}
    units = [(inventories[a.aws.account_id], region) for a in accounts for region in a.regions]
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="verify") as pool:
        listings = list(pool.map(lambda unit: list_region(unit[0], unit[1], targets), units))
        # With no account entered (every role refused) the ERRORs say so; nothing was looked for.
        missing = missing_targets(listings, targets) if listings else []
        if missing:
            where = ", ".join(sorted({listing.region for listing in listings}))
            raise TargetError(f"{', '.join(missing)} not found in {where}")
        by_unit: dict[tuple[str, str], list[CacheResource]] = {(li.account, li.region): [] for li in listings}
        for resource in fold(listings):
            by_unit[(resource.account, resource.region)].append(resource)

        def check_unit(key: tuple[str, str]) -> list[Result]:
            results = run_checks(by_unit[key], Context(inventories[key[0]], settings))
            if tick:
                tick(len(by_unit[key]))
            return results

        checked = pool.map(check_unit, by_unit)
        results = [error for listing in listings for error in listing.errors]
        results += [result for unit_results in checked for result in unit_results]
    return sorted(results, key=_order)


_CHECK_ORDER = {check.id: index for index, check in enumerate(ALL_CHECKS)}


def _order(result: Result) -> tuple[str, str, int, str, int]:
    kind_index = list(ResourceKind).index(result.resource_type)
    return (result.account, result.region, kind_index, result.resource_id, _CHECK_ORDER.get(result.check_id, -1))
