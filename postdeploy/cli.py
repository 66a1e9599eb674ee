"""elasticache-verify: post-deploy checks, the data-plane probe, failover drills, drift and the
replacement guard.

Exit codes: 0 nothing failed; 1 a check or probe finding failed, something could not be listed,
drift was found, the guard found a replacement, or a drill failed, was refused or lost writes;
2 usage, credential or connection errors (one line on stderr, no traceback).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from constructs_lib.facts.engines import Engine
from postdeploy import report
from postdeploy.checks import ALL_CHECKS, Settings
from postdeploy.checks.base import BACKUP_THRESHOLD_RANGE, DEFAULT_BACKUP_THRESHOLD_DAYS, EVICTION_POLICIES
from postdeploy.cli_common import (
    UsageError,
    fatal_errors,
    output_option,
    profile_option,
    region_option,
    retry_options,
    session,
    writable,
    write_report,
)
from postdeploy.cli_ops import drift_command, failover_drill, guard_command
from postdeploy.cli_probe import probe_command
from postdeploy.model import Authority, ResourceKind
from postdeploy.progress import Progress
from postdeploy.runner import DEFAULT_WORKERS, Targets, stack_targets, verify
from postdeploy.scope import check_regions, read_role_arns, resolve

ENGINE_VERSION = re.compile(rf"^({'|'.join(e.value for e in Engine)})=(\d+(\.\d+){{0,2}})$")


class _Cli(click.Group):
    """`elasticache-verify --stack X` means `elasticache-verify check --stack X`; usage errors are
    one line (``error: ...``) and exit code 2, as every other error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.ClickException as error:
            click.echo(f"error: {' '.join(error.format_message().split())}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="elasticache-cdk-kit")
def main() -> None:
    """Verify deployed ElastiCache: checks (the default command), drills, drift and a replacement guard."""


def _minimum_versions(given: tuple[str, ...]) -> dict[str, str]:
    versions = {}
    for item in given:
        match = ENGINE_VERSION.match(item)
        if not match:
            raise click.BadParameter(
                f"{item!r} is not ENGINE=VERSION, e.g. redis=7.1.0", param_hint="--minimum-engine-version"
            )
        versions[match.group(1)] = match.group(2)
    return versions


@main.command()
@click.option("--stack", help="Check the ElastiCache resources of this CloudFormation stack.")
@click.option("--replication-group", "replication_groups", multiple=True, help="A replication group id.")
@click.option("--serverless-cache", "serverless_caches", multiple=True, help="A serverless cache name.")
@click.option("--global-datastore", "global_datastores", multiple=True, help="A Global Datastore id.")
@click.option("--all", "everything", is_flag=True, help="Everything in the given regions and accounts.")
@region_option("AWS region; repeat for several (default: AWS_REGION).")
@click.option("--all-regions", is_flag=True, help="Every region enabled for the account (EC2 DescribeRegions).")
@click.option("--role-arn", "role_arns", multiple=True, help="Assume this role and check its account; repeatable.")
@click.option(
    "--role-arns-file",
    "role_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file of role ARNs, one a line (# comments allowed).",
)
@profile_option
@click.option(
    "--format", "output_format", type=click.Choice(sorted(report.RENDERERS)), default="table", show_default=True
)
@output_option
@click.option(
    "--backup-threshold-days",
    type=click.IntRange(*BACKUP_THRESHOLD_RANGE),
    default=DEFAULT_BACKUP_THRESHOLD_DAYS,
    show_default=True,
    help="Minimum automatic backup retention (Security Hub ElastiCache.1: 1-35; AWS Config uses 15).",
)
@click.option("--approved-kms-key", "approved_kms_keys", multiple=True, help="Accept only these KMS keys (id or ARN).")
@click.option(
    "--eviction-policy",
    "eviction_policies",
    multiple=True,
    type=click.Choice(EVICTION_POLICIES),
    help="Accepted maxmemory-policy values (default: all but noeviction).",
)
@click.option(
    "--allowed-user-group", "allowed_user_groups", multiple=True, help="Accepted RBAC user group ids (rbac-auth)."
)
@click.option(
    "--minimum-engine-version",
    "minimum_versions",
    multiple=True,
    help="ENGINE=VERSION, e.g. redis=7.1.0 (engine-version-minimum); repeat per engine.",
)
@click.option(
    "--skip-check",
    "skipped_checks",
    multiple=True,
    type=click.Choice(sorted(c.id for c in ALL_CHECKS)),
    help="Do not run this check (repeatable); its results say SKIP and why.",
)
@click.option(
    "--fail-on-error",
    is_flag=True,
    help="Exit 1 also when a check could not run for a reason other than a failed API call (ERROR).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Regions (and accounts) checked at once.",
)
@retry_options
def check(
    stack: str | None,
    replication_groups: tuple[str, ...],
    serverless_caches: tuple[str, ...],
    global_datastores: tuple[str, ...],
    everything: bool,
    regions: tuple[str, ...],
    all_regions: bool,
    role_arns: tuple[str, ...],
    role_files: tuple[Path, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
    backup_threshold_days: int,
    approved_kms_keys: tuple[str, ...],
    eviction_policies: tuple[str, ...],
    allowed_user_groups: tuple[str, ...],
    minimum_versions: tuple[str, ...],
    skipped_checks: tuple[str, ...],
    fail_on_error: bool,
    concurrency: int,
    retry_mode: str,
    max_attempts: int,
) -> None:
    """Run every check on the chosen resources."""
    ids = (
        [(ResourceKind.REPLICATION_GROUP, i) for i in replication_groups]
        + [(ResourceKind.SERVERLESS_CACHE, i) for i in serverless_caches]
        + [(ResourceKind.GLOBAL_DATASTORE, i) for i in global_datastores]
    )
    if sum([bool(stack), bool(ids), everything]) != 1:
        raise click.UsageError(
            "choose what to check: --stack NAME, --replication-group / --serverless-cache / --global-datastore ID, "
            "or --all"
        )
    if all_regions and regions:
        raise click.UsageError("--region and --all-regions exclude each other")
    if stack and (all_regions or role_arns or role_files or len(regions) > 1):
        raise click.UsageError("--stack checks one stack: one --region, no --all-regions or --role-arn")
    settings = Settings(
        backup_threshold_days=backup_threshold_days,
        approved_kms_keys=approved_kms_keys,
        allowed_user_groups=allowed_user_groups,
        minimum_engine_versions=_minimum_versions(minimum_versions),
        skipped_checks=frozenset(skipped_checks),
        **({"eviction_policies": eviction_policies} if eviction_policies else {}),
    )
    with fatal_errors():
        writable(output)
        arns = read_role_arns(role_arns, role_files)
        base = session(profile, retry_mode, max_attempts)
        regions = check_regions(regions)
        targets = Targets(everything=everything, ids=tuple(ids))
        if stack:
            region = regions[0] if regions else base.default_region
            if region is None:
                raise UsageError("--stack needs a region: pass --region or set AWS_REGION")
            regions = check_regions([region])
            targets = Targets(ids=stack_targets(base, stack, region))
        scope = resolve(base, regions=regions, all_regions=all_regions, role_arns=arns)
        progress = Progress(
            sys.stderr,
            enabled=output_format == "table" and sys.stderr.isatty(),
            accounts=len(scope.accounts),
            units=sum(len(account.regions) for account in scope.accounts),
        )
        try:
            results = list(scope.errors) + verify(
                scope.accounts, targets, settings, workers=concurrency, tick=progress.tick
            )
        finally:
            progress.finish()
    write_report(results, output_format, output)
    sys.exit(report.exit_code(results, fail_on_error=fail_on_error))


@main.command("checks")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_checks(output_format: str) -> None:
    """List every check: id, severity, kinds, controls, whose definition it follows and where."""
    if output_format == "json":
        entries = [
            {
                "id": c.id,
                "title": c.title,
                "severity": c.severity.value,
                "kinds": sorted(k.value for k in c.kinds),
                "controls": list(c.controls),
                "follows": c.follows.value,
                "reference": c.reference,
                "remediation": c.remediation,
            }
            for c in ALL_CHECKS
        ]
        click.echo(json.dumps({"checks": entries}, indent=2))
        return
    click.echo(f"{'CHECK':<28}  {'SEVERITY':<8}  {'FOLLOWS':<13}  APPLIES TO")
    for c in ALL_CHECKS:
        kinds = ", ".join(sorted(k.value for k in c.kinds))
        click.echo(f"{c.id:<28}  {c.severity.value:<8}  {c.follows.value:<13}  {kinds}")
        if c.controls:
            click.echo(f"    controls: {', '.join(c.controls)}")
        click.echo(f"    see: {c.reference}")
    counts = {a.value: sum(1 for c in ALL_CHECKS if c.follows is a) for a in Authority}
    click.echo(f"\n{len(ALL_CHECKS)} checks: " + ", ".join(f"{n} follow {a}" for a, n in counts.items() if n))


main.add_command(failover_drill)
main.add_command(drift_command)
main.add_command(guard_command)
main.add_command(probe_command)
