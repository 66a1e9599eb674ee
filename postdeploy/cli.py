"""elasticache-verify: post-deploy checks, failover drills and drift, from a terminal or CI.

Exit codes: 0 nothing failed, 1 a check failed (or drift was found, or a drill failed or was
refused), 2 usage, credential or connection errors (one line on stderr, no traceback).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from postdeploy import drift as drift_module
from postdeploy import drill as drill_module
from postdeploy.aws import Aws, FatalAwsError
from postdeploy.checks import ALL_CHECKS, Settings
from postdeploy.checks.base import EVICTION_POLICIES
from postdeploy.model import ResourceKind
from postdeploy.report import RENDERERS, exit_code
from postdeploy.runner import TargetError, Targets, verify

USAGE_ERROR = 2

# Tests replace this to hand the commands clients wired to botocore's Stubber.
aws_factory: Callable[[str | None], Aws] = Aws


class _DefaultToCheck(click.Group):
    """`elasticache-verify --stack X` means `elasticache-verify check --stack X`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@contextmanager
def _fatal_errors() -> Iterator[None]:
    """AWS set-up problems end the command with one line and exit code 2."""
    try:
        yield
    except (FatalAwsError, TargetError, drift_module.DriftError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)


def _regions(aws: Aws, given: tuple[str, ...]) -> tuple[str, ...]:
    regions = given or ((aws.default_region,) if aws.default_region else ())
    if not regions:
        raise FatalAwsError("no AWS region: pass --region or set AWS_REGION")
    return regions


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text)


profile_option = click.option("--profile", help="AWS profile (default: the standard AWS environment).")
region_option = click.option("--region", "regions", multiple=True, help="AWS region; repeat for several.")
format_option = click.option(
    "--format", "output_format", type=click.Choice(sorted(RENDERERS)), default="table", show_default=True
)
output_option = click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="elasticache-cdk-kit")
def main() -> None:
    """Verify deployed ElastiCache resources: checks (the default command), failover drills, drift."""


@main.command()
@click.option("--stack", help="Check the ElastiCache resources of this CloudFormation stack.")
@click.option("--replication-group", "replication_groups", multiple=True, help="A replication group id.")
@click.option("--serverless-cache", "serverless_caches", multiple=True, help="A serverless cache name.")
@click.option("--global-datastore", "global_datastores", multiple=True, help="A Global Datastore id.")
@click.option("--all", "everything", is_flag=True, help="Everything in the given regions.")
@region_option
@profile_option
@format_option
@output_option
@click.option(
    "--backup-threshold-days",
    type=click.IntRange(0, 35),
    default=1,
    show_default=True,
    help="Minimum automatic backup retention (ElastiCache.1).",
)
@click.option("--approved-kms-key", "approved_kms_keys", multiple=True, help="Accept only these KMS keys (id or ARN).")
@click.option(
    "--eviction-policy",
    "eviction_policies",
    multiple=True,
    type=click.Choice(EVICTION_POLICIES),
    help="Accepted maxmemory-policy values (default: all but noeviction).",
)
@click.option("--fail-on-error", is_flag=True, help="Exit 1 also when a check could not run (ERROR).")
def check(
    stack: str | None,
    replication_groups: tuple[str, ...],
    serverless_caches: tuple[str, ...],
    global_datastores: tuple[str, ...],
    everything: bool,
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
    backup_threshold_days: int,
    approved_kms_keys: tuple[str, ...],
    eviction_policies: tuple[str, ...],
    fail_on_error: bool,
) -> None:
    """Run every check on the chosen resources."""
    ids = (
        [(ResourceKind.REPLICATION_GROUP, i) for i in replication_groups]
        + [(ResourceKind.SERVERLESS_CACHE, i) for i in serverless_caches]
        + [(ResourceKind.GLOBAL_DATASTORE, i) for i in global_datastores]
    )
    chosen = sum([bool(stack), bool(ids), everything])
    if chosen != 1:
        raise click.UsageError(
            "choose what to check: --stack NAME, --replication-group / --serverless-cache / --global-datastore ID, "
            "or --all"
        )
    settings = Settings(
        backup_threshold_days=backup_threshold_days,
        approved_kms_keys=approved_kms_keys,
        **({"eviction_policies": eviction_policies} if eviction_policies else {}),
    )
    with _fatal_errors():
        aws = aws_factory(profile)
        targets = Targets(regions=_regions(aws, regions), everything=everything, stack=stack, ids=tuple(ids))
        results = verify(aws, targets, settings)
    _write(RENDERERS[output_format](results), output)
    sys.exit(exit_code(results, fail_on_error=fail_on_error))


@main.command("list-checks")
def list_checks() -> None:
    """List every check with its id, severity, Security Hub controls and resource types."""
    for item in ALL_CHECKS:
        kinds = ",".join(sorted(k.value for k in item.kinds))
        click.echo(
            f"{item.id:<28} {item.severity.value:<8} {','.join(item.controls) or '-':<14} {kinds:<48} {item.title}"
        )


@main.command("failover-drill")
@click.option("--replication-group", "group_id", required=True, help="The replication group to drill.")
@click.option("--shard", help="The shard (node group id, e.g. 0001) to fail over.")
@click.option("--all-shards", is_flag=True, help="Fail over every shard, one after another.")
@click.option("--dry-run", is_flag=True, help="Show what would happen; call nothing that changes state.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=1800,
    show_default=True,
    help="Seconds to wait for each shard's recovery.",
)
@click.option(
    "--poll-interval", type=click.FloatRange(min=0), default=15, show_default=True, help="Seconds between event polls."
)
@region_option
@profile_option
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@output_option
def failover_drill(
    group_id: str,
    shard: str | None,
    all_shards: bool,
    dry_run: bool,
    timeout: float,
    poll_interval: float,
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Test failover, one shard at a time, and time failover and recovery from ElastiCache's events."""
    if shard and all_shards:
        raise click.UsageError("--shard and --all-shards exclude each other")
    with _fatal_errors():
        aws = aws_factory(profile)
        region = _regions(aws, regions[:1])[0]
        try:
            plan = drill_module.plan(aws, region, group_id, shard, all_shards, datetime.now(UTC))
        except (drill_module.DrillRefusedError, drill_module.DrillFailedError) as error:
            click.echo(f"refused: {error}", err=True)
            sys.exit(1)
        shards = ", ".join(f"{s.shard_id} (primary {s.primary}, replicas {', '.join(s.replicas)})" for s in plan.shards)
        click.echo(
            f"{'would fail over' if dry_run else 'failing over'} {group_id} in {region}: {shards}; "
            f"{plan.used_today} of {drill_module.SHARDS_PER_DAY} test failovers used in the past 24 hours",
            err=True,
        )
        if dry_run:
            return

        def progress(shard_id: str, offset: float, message: str) -> None:
            click.echo(f"[{shard_id}] +{offset:7.1f}s  {message}", err=True)

        try:
            results = drill_module.run(aws, plan, progress=progress, timeout=timeout, poll_interval=poll_interval)
        except drill_module.DrillFailedError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
    _write(_drill_report(group_id, results, output_format), output)
    sys.exit(0 if all(r.outcome == "recovered" for r in results) else 1)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _drill_report(group_id: str, results: list[drill_module.ShardResult], output_format: str) -> str:
    if output_format == "json":
        return json.dumps({"replication_group": group_id, "shards": [r.as_dict() for r in results]}, indent=2) + "\n"
    lines = [f"{'SHARD':<7}{'TIME TO FAILOVER':>18}{'TIME TO RECOVERY':>18}  OUTCOME"]
    lines += [
        f"{r.shard_id:<7}{_seconds(r.failover_seconds):>18}{_seconds(r.recovery_seconds):>18}  {r.outcome}"
        for r in results
    ]
    return "\n".join(lines) + "\n"


@main.command()
@click.option("--stack", required=True, help="The deployed CloudFormation stack.")
@click.option(
    "--template",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Its synthesized template, e.g. cdk.out/NAME.template.json.",
)
@region_option
@profile_option
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@output_option
def drift(
    stack: str,
    template: Path,
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    """List every difference between the synthesized template and what the API reports."""
    with _fatal_errors():
        aws = aws_factory(profile)
        region = _regions(aws, regions[:1])[0]
        differences = drift_module.compare(aws, region, stack, template)
    _write(_drift_report(stack, differences, output_format), output)
    sys.exit(1 if differences else 0)


def _drift_report(stack: str, differences: list[drift_module.Difference], output_format: str) -> str:
    if output_format == "json":
        document: dict[str, Any] = {"stack": stack, "differences": [d.as_dict() for d in differences]}
        return json.dumps(document, indent=2, default=str) + "\n"
    if not differences:
        return f"no drift: stack {stack} matches its template\n"
    lines = [f"{len(differences)} difference(s) in stack {stack}:"]
    lines += [
        f"  {d.logical_id} ({d.physical_id or 'no physical id'}): "
        f"{d.setting} is {d.deployed!r}, template says {d.template!r}"
        for d in differences
    ]
    return "\n".join(lines) + "\n"
