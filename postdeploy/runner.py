"""Which resources to check, and running every applicable check on each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postdeploy.aws import Aws, RequestError
from postdeploy.checks import ALL_CHECKS, Check, Context, Settings
from postdeploy.inventory import CheckError, FetchError, Inventories
from postdeploy.model import CacheResource, ResourceKind, Result, Severity, Status

# CloudFormation resource types and the kind each one is checked as.
STACK_RESOURCE_KINDS = {
    "AWS::ElastiCache::ReplicationGroup": ResourceKind.REPLICATION_GROUP,
    "AWS::ElastiCache::CacheCluster": ResourceKind.CACHE_CLUSTER,
    "AWS::ElastiCache::ServerlessCache": ResourceKind.SERVERLESS_CACHE,
    "AWS::ElastiCache::GlobalReplicationGroup": ResourceKind.GLOBAL_DATASTORE,
}
INVENTORY_CHECK = "inventory"


class TargetError(Exception):
    """The user named something that does not exist (exit code 2)."""


@dataclass(frozen=True)
class Targets:
    regions: tuple[str, ...]
    everything: bool = False
    stack: str | None = None
    ids: tuple[tuple[ResourceKind, str], ...] = ()


def stack_targets(aws: Aws, stack: str, region: str) -> tuple[tuple[ResourceKind, str], ...]:
    """The ElastiCache resources of a CloudFormation stack, by kind and physical id."""
    try:
        resources = aws.stack_resources(stack, region)
    except RequestError as error:
        raise TargetError(str(error)) from error
    return tuple(
        (STACK_RESOURCE_KINDS[r["ResourceType"]], r["PhysicalResourceId"])
        for r in resources
        if r["ResourceType"] in STACK_RESOURCE_KINDS and r.get("PhysicalResourceId")
    )


def collect(inventories: Inventories, targets: Targets) -> tuple[list[CacheResource], list[Result]]:
    """The resources to check, and ERROR results for kinds that could not be listed."""
    wanted_kinds = {kind for kind, _ in targets.ids}
    kinds = list(ResourceKind) if targets.everything else [k for k in ResourceKind if k in wanted_kinds]
    resources: dict[tuple[ResourceKind, str], CacheResource] = {}
    errors: list[Result] = []
    for region in targets.regions:
        for kind in kinds:
            try:
                found = inventories[region].resources(kind)
            except FetchError as error:
                errors.append(_inventory_error(kind, region, str(error)))
                continue
            for resource in found:
                # A Global Datastore shows up in every member region; it is checked once.
                resources.setdefault((resource.kind, resource.id), resource)
    if targets.everything:
        return list(resources.values()), errors
    unlisted = {e.resource_type for e in errors}
    missing = [
        f"{kind.label} {rid}" for kind, rid in targets.ids if (kind, rid) not in resources and kind not in unlisted
    ]
    if missing:
        raise TargetError(f"{', '.join(missing)} not found in {', '.join(targets.regions)}")
    return [resources[key] for key in targets.ids if key in resources], errors


def _inventory_error(kind: ResourceKind, region: str, reason: str) -> Result:
    return Result(
        resource_id="*",
        resource_type=kind,
        region=region,
        check_id=INVENTORY_CHECK,
        title=f"List every {kind.label}",
        severity=Severity.HIGH,
        controls=(),
        status=Status.ERROR,
        message=reason,
    )


def run_checks(
    resources: Iterable[CacheResource], context: Context, checks: Sequence[Check] = ALL_CHECKS
) -> list[Result]:
    results = []
    for resource in resources:
        for check in checks:
            if resource.kind not in check.kinds:
                continue
            try:
                outcome = check.evaluate(resource, context)
                status, message = outcome.status, outcome.message
            except FetchError as error:
                status, message = Status.ERROR, f"{resource.name}: {error}"
            except CheckError as error:
                status, message = Status.ERROR, str(error)
            results.append(
                Result(
                    resource_id=resource.id,
                    resource_type=resource.kind,
                    region=resource.region,
                    check_id=check.id,
                    title=check.title,
                    severity=check.severity,
                    controls=check.controls,
                    status=status,
                    message=message,
                )
            )
    return results


def verify(aws: Aws, targets: Targets, settings: Settings) -> list[Result]:
    """Resolve the targets, fetch what the checks need and run them all."""
    if targets.stack:
        ids = stack_targets(aws, targets.stack, targets.regions[0])
        if not ids:
            raise TargetError(f"stack {targets.stack} in {targets.regions[0]} has no ElastiCache resources")
        targets = Targets(regions=targets.regions[:1], ids=ids)
    inventories = Inventories(aws)
    resources, errors = collect(inventories, targets)
    return errors + run_checks(resources, Context(inventories, settings))
