"""What every command shares: AWS options, one-line fatal errors, checked regions, output files and
the report of results."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from shutil import get_terminal_size
from typing import Any, TypeVar, cast

import click

from postdeploy import drift, drill, report, schemas, templates
from postdeploy.aws import DEFAULT_MAX_ATTEMPTS, RETRY_MODES, Aws, FatalAwsError, RetryBudget, RetryMode
from postdeploy.model import Result
from postdeploy.probe.connect import UnreachableError
from postdeploy.probe.target import TargetError as ProbeTargetError
from postdeploy.runner import TargetError
from postdeploy.scope import ScopeError, check_regions

USAGE_ERROR = 2
F = TypeVar("F", bound=Callable[..., Any])


def _new_aws(profile: str | None, retries: RetryBudget) -> Aws:
    return Aws(profile, retries=retries)


# Tests replace this to hand the commands clients wired to botocore's Stubber.
aws_factory: Callable[[str | None, RetryBudget], Aws] = _new_aws


class UsageError(Exception):
    """Something the user gave cannot work (exit code 2)."""


@contextmanager
def fatal_errors() -> Iterator[None]:
    """Set-up problems end the command with one line and exit code 2, never a traceback."""
    try:
        yield
    except (
        FatalAwsError,
        TargetError,
        ScopeError,
        UsageError,
        drift.DriftError,
        drill.GroupNotFoundError,
        templates.TemplateError,
        schemas.SchemasUnavailableError,
        ProbeTargetError,
        UnreachableError,
    ) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)


def session(profile: str | None, retry_mode: str, max_attempts: int) -> Aws:
    return aws_factory(profile, RetryBudget(cast(RetryMode, retry_mode), max_attempts))


def one_region(aws: Aws, given: tuple[str, ...], command: str) -> str:
    """The single region of a command that acts in one (drill, drift, guard)."""
    if len(given) > 1:
        raise UsageError(f"{command} acts in one region; got --region {' --region '.join(given)}")
    region = given[0] if given else aws.default_region
    if region is None:
        raise FatalAwsError("no AWS region: pass --region or set AWS_REGION")
    return check_regions([region])[0]


def writable(output: Path | None) -> None:
    """Refuse an --output that cannot be written before any AWS call is made."""
    if output is None:
        return
    parent = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        raise UsageError(f"cannot write --output {output}: it is a directory")
    if not parent.is_dir():
        raise UsageError(f"cannot write --output {output}: no directory {parent}")
    if not os.access(output if output.exists() else parent, os.W_OK):
        raise UsageError(f"cannot write --output {output}: permission denied")


def write(text: str, output: Path | None, summary: str | None = None) -> None:
    """The report on stdout, or into ``output`` with ``summary`` on the terminal."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text)
    except OSError as error:
        click.echo(f"error: cannot write --output {output}: {error.strerror or error}", err=True)
        sys.exit(USAGE_ERROR)
    if summary:
        click.echo(f"{summary}; report written to {output}")


def profile_option(command: F) -> F:
    return click.option("--profile", help="AWS profile (default: the standard AWS environment).")(command)


def retry_options(command: F) -> F:
    command = click.option(
        "--max-attempts",
        type=click.IntRange(1, 50),
        default=DEFAULT_MAX_ATTEMPTS,
        show_default=True,
        envvar="AWS_MAX_ATTEMPTS",
        help="Attempts per API call, first included, before throttling or a 5xx is reported as ERROR.",
    )(command)
    return click.option(
        "--retry-mode",
        type=click.Choice(RETRY_MODES),
        default="standard",
        show_default=True,
        envvar="AWS_RETRY_MODE",
        help="botocore retry mode; adaptive also slows the client down after throttling.",
    )(command)


def region_option(help_text: str) -> Callable[[F], F]:
    return click.option("--region", "regions", multiple=True, help=help_text)


def output_option(command: F) -> F:
    return click.option(
        "--output", type=click.Path(dir_okay=True, path_type=Path), help="Write the report here, not to stdout."
    )(command)


def write_report(results: Sequence[Result], output_format: str, output: Path | None) -> None:
    """Results as a table (as wide as the terminal), JSON or JUnit, on stdout or into ``output``."""
    renderer = report.RENDERERS[output_format]
    if output_format == "table" and output is None:
        renderer = partial(report.to_table, width=max(80, get_terminal_size((report.DEFAULT_WIDTH, 24)).columns))
    write(renderer(results), output, report.summary_line(results))
