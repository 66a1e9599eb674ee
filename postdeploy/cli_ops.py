"""The commands that act on one stack or group in one region: failover-drill, drift and guard."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from postdeploy import drift, drill, drill_report, guard, templates
from postdeploy.aws import Aws
from postdeploy.cli_common import (
    UsageError,
    fatal_errors,
    one_region,
    output_option,
    profile_option,
    region_option,
    retry_options,
    session,
    writable,
    write,
)
from postdeploy.cli_probe import ConnectionOptions, connection_options, resolve_target
from postdeploy.probe import continuous
from postdeploy.probe.target import describe_replication_group

format_option = click.option(
    "--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True
)


@click.command("failover-drill")
@click.option("--replication-group", "group_id", required=True, help="The replication group to drill.")
@click.option("--shard", help="The shard (node group id, e.g. 0001) to fail over.")
@click.option("--all-shards", is_flag=True, help="Fail over every shard, one after another.")
@click.option("--dry-run", is_flag=True, help="Show the plan; call nothing that changes state.")
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
@click.option("--probe", is_flag=True, help="Write and read as a client throughout the drill; report what it saw.")
@click.option(
    "--probe-interval",
    type=click.FloatRange(min=0.01),
    default=0.1,
    show_default=True,
    help="Seconds between the probe's rounds (a write and a read per drilled shard).",
)
@connection_options
@region_option("The group's region (one).")
@profile_option
@format_option
@output_option
@retry_options
def failover_drill(
    group_id: str,
    shard: str | None,
    all_shards: bool,
    dry_run: bool,
    timeout: float,
    poll_interval: float,
    probe: bool,
    probe_interval: float,
    connection: ConnectionOptions,
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
    retry_mode: str,
    max_attempts: int,
) -> None:
    """Test failover, one shard at a time, and time failover and recovery from ElastiCache's events;
    with --probe, also what a client saw."""
    if shard and all_shards:
        raise click.UsageError("--shard and --all-shards exclude each other")
    if connection.given() and not probe:
        raise click.UsageError(f"{', '.join(connection.given())}: for the probe, with --probe")
    with fatal_errors():
        writable(output)
        aws = session(profile, retry_mode, max_attempts)
        region = one_region(aws, regions, "failover-drill")
        try:
            plan = drill.plan(aws, region, group_id, shard, all_shards, datetime.now(UTC))
            client_probe = _prepare_probe(aws, region, plan, connection, timeout, probe_interval) if probe else None
        except (drill.DrillRefusedError, drill.DrillFailedError, continuous.ProbeNotReadyError) as error:
            click.echo(f"refused: {error}", err=True)
            sys.exit(1)
        click.echo(
            f"{'would fail over' if dry_run else 'failing over'} {group_id} in {region}: "
            f"{', '.join(s.describe() for s in plan.shards)}; "
            f"{plan.used_today} of {drill.SHARDS_PER_DAY} test failovers used in the past 24 hours",
            err=True,
        )
        if client_probe:
            doing = "would write" if dry_run else "writing"
            click.echo(
                f"probe: logged in at {client_probe.endpoint}; {doing} keys under {client_probe.prefix}", err=True
            )
        if dry_run:
            if output_format == "json":
                write(json.dumps({"dry_run": True, **plan.as_dict()}, indent=2) + "\n", output)
            return

        def progress(shard_id: str, offset: float, message: str) -> None:
            click.echo(f"[{shard_id}] +{offset:7.1f}s  {message}", err=True)

        if client_probe:
            client_probe.start()
        try:
            results = drill.run(aws, plan, progress=progress, timeout=timeout, poll_interval=poll_interval)
        except drill.DrillFailedError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        finally:
            # Stopped on every way out, so that the probe's keys are deleted.
            view = client_probe.stop() if client_probe else None
    recovered = sum(1 for r in results if r.outcome == "recovered")
    summary = f"{recovered} of {len(results)} shard(s) recovered"
    if view is not None:
        summary += f"; {'unknown' if view.lost_writes is None else view.lost_writes} lost write(s)"
    write(drill_report.render(plan, results, view, output_format), output, summary)
    lost_nothing = view is None or view.lost_writes == 0
    sys.exit(0 if all(r.outcome == "recovered" for r in results) and lost_nothing else 1)


def _prepare_probe(
    aws: Aws,
    region: str,
    plan: drill.DrillPlan,
    connection: ConnectionOptions,
    timeout: float,
    interval: float,
) -> continuous.ContinuousProbe:
    """A probe that has logged in and is ready to start (raises ProbeNotReadyError); its keys live
    longer than the whole drill may take."""
    described = describe_replication_group(aws, region, plan.group_id)
    target = resolve_target(connection, described, cluster_mode=False, aws=aws, region=region)
    if target.cluster_mode:
        lanes = [continuous.lane_for(s.shard_id, s.slots) for s in plan.shards]
        if any(lane.tag is None for lane in lanes):
            raise UsageError(f"replication group {plan.group_id} reports no slots for its shards")
    else:
        lanes = [continuous.Lane(s.shard_id) for s in plan.shards]
    return continuous.ContinuousProbe(
        continuous.connector(target, connection.ca_file, connection.socket_timeout),
        lanes,
        endpoint=str(target.endpoint),
        key_prefix=connection.key_prefix,
        interval=interval,
        ttl_ms=int((timeout * len(plan.shards) + 600) * 1000),
    )


@click.command("drift")
@click.option("--stack", required=True, help="The CloudFormation stack to compare.")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Compare with this template file (JSON or YAML); default: the one the stack was deployed with.",
)
@region_option("The stack's region (one).")
@profile_option
@format_option
@output_option
@retry_options
def drift_command(
    stack: str,
    template: Path | None,
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
    retry_mode: str,
    max_attempts: int,
) -> None:
    """List every difference between a template and what the API reports."""
    with fatal_errors():
        writable(output)
        aws = session(profile, retry_mode, max_attempts)
        region = one_region(aws, regions, "drift")
        document = templates.from_file(template) if template else templates.deployed(aws, stack, region)
        differences = drift.compare(aws, region, stack, document)
    summary = f"{len(differences)} difference(s) in stack {stack}"
    write(_drift_report(stack, differences, output_format), output, summary)
    sys.exit(1 if differences else 0)


def _drift_report(stack: str, differences: list[drift.Difference], output_format: str) -> str:
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


@click.command("guard")
@click.option(
    "--template",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The template about to be deployed, e.g. cdk.out/NAME.template.json.",
)
@click.option("--stack", help="Compare with what this stack was deployed with (CloudFormation GetTemplate).")
@click.option(
    "--previous", type=click.Path(dir_okay=False, path_type=Path), help="Compare with this earlier template file."
)
@click.option("--allow", "allowed", multiple=True, help="Accept the findings on this logical id; repeatable.")
@region_option("The stack's region (one), with --stack.")
@profile_option
@format_option
@output_option
@retry_options
def guard_command(
    template: Path,
    stack: str | None,
    previous: Path | None,
    allowed: tuple[str, ...],
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
    retry_mode: str,
    max_attempts: int,
) -> None:
    """Fail when deploying the template would replace or delete a stateful cache."""
    if (stack is None) == (previous is None):
        raise click.UsageError("compare with one of --stack NAME (deployed) or --previous FILE")
    with fatal_errors():
        writable(output)
        after = templates.from_file(template)
        if previous:
            before, against = templates.from_file(previous), str(previous)
        else:
            aws = session(profile, retry_mode, max_attempts)
            region = one_region(aws, regions, "guard")
            before, against = templates.deployed(aws, str(stack), region), f"stack {stack} in {region}"
        findings = guard.replacements(before, after, frozenset(allowed))
    blocking = [f for f in findings if not f.allowed]
    unused = sorted(set(allowed) - {f.logical_id for f in findings})
    summary = f"{len(blocking)} blocking, {len(findings) - len(blocking)} allowed finding(s) against {against}"
    write(_guard_report(findings, against, unused, output_format), output, summary)
    sys.exit(1 if blocking else 0)


def _guard_report(findings: list[guard.Finding], against: str, unused: list[str], output_format: str) -> str:
    if output_format == "json":
        document = {"against": against, "findings": [f.as_dict() for f in findings], "unused_allow": unused}
        return json.dumps(document, indent=2, default=str) + "\n"
    lines = [f"{'ALLOWED' if f.allowed else 'BLOCKED'}  {f.describe()}" for f in findings]
    lines += [f"note: --allow {logical_id} matched no finding" for logical_id in unused]
    blocking = sum(1 for f in findings if not f.allowed)
    allowed = len(findings) - blocking
    verdict = (
        f"{blocking} change(s) would replace or delete a stateful cache, or make the update fail"
        if blocking
        else "no stateful cache would be replaced or deleted"
    )
    if allowed:
        verdict += f" ({allowed} allowed with --allow)" if not blocking else f"; {allowed} allowed with --allow"
    lines.append(f"guard against {against}: {verdict}")
    return "\n".join(lines) + "\n"
