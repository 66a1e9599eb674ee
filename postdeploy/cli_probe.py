"""`elasticache-verify probe`, and the options that say where and as whom the probe connects,
which `failover-drill --probe` shares."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from postdeploy import report
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
    write_report,
)
from postdeploy.model import ResourceKind
from postdeploy.probe import checks
from postdeploy.probe.target import (
    DEFAULT_USER,
    Access,
    Described,
    Endpoint,
    Target,
    describe_replication_group,
    describe_serverless_cache,
    read_credentials,
    user_access,
)

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_PORT = 6379


def _key_prefix(ctx: click.Context, param: click.Parameter, value: str) -> str:
    # Braces would make a hash tag of the prefix and put every key in one slot.
    if "{" in value or "}" in value:
        raise click.BadParameter("must not contain { or }")
    return value


@dataclass(frozen=True)
class ConnectionOptions:
    """Where and as whom the probe connects, beyond what ElastiCache says."""

    host: str | None
    port: int | None
    reader_host: str | None
    reader_port: int | None
    server_name: str | None
    ca_file: Path | None
    secret_id: str | None
    secret_field: str | None
    access_string: str | None
    key_prefix: str
    socket_timeout: float

    def given(self) -> list[str]:
        """The options set on the command line, by their names there."""
        defaults = {"key_prefix": checks.DEFAULT_KEY_PREFIX, "socket_timeout": checks.DEFAULT_TIMEOUT}
        return [f"--{f.name.replace('_', '-')}" for f in fields(self) if getattr(self, f.name) != defaults.get(f.name)]


_OPTIONS = (
    click.option("--host", help="Connect here instead (a tunnel); the certificate must still carry the cache's name."),
    click.option(
        "--port", type=click.IntRange(1, 65535), help="With --host: the port (default: the cache's, or 6379)."
    ),
    click.option("--reader-host", help="A reader endpoint to measure replica lag on (through a tunnel, or no cache)."),
    click.option("--reader-port", type=click.IntRange(1, 65535), help="The reader's port (default: --port's)."),
    click.option("--server-name", help="The name the certificate must carry (default: the endpoint's name)."),
    click.option(
        "--ca-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Trust only this CA bundle (default: the system's trust store, which has Amazon's roots).",
    ),
    click.option("--secret-id", help="The cache's Secrets Manager secret (name or ARN): user JSON or AUTH token."),
    click.option("--secret-field", help="The JSON field of the secret that holds the AUTH token."),
    click.option(
        "--access-string",
        help="The user's access string, when ElastiCache cannot be asked (--host without a cache).",
    ),
    click.option(
        "--key-prefix",
        default=checks.DEFAULT_KEY_PREFIX,
        show_default=True,
        callback=_key_prefix,
        help="Prefix of the keys the probe writes (each with a TTL, deleted afterwards).",
    ),
    click.option(
        "--socket-timeout",
        type=click.FloatRange(min=0.05),
        default=checks.DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds to connect or to wait for one reply.",
    ),
)
_NAMES = tuple(f.name for f in fields(ConnectionOptions))


def connection_options(command: F) -> F:
    """Add the options; the command receives them as one ``connection: ConnectionOptions``."""

    @functools.wraps(command)
    def gathered(*args: Any, **kwargs: Any) -> Any:
        kwargs["connection"] = ConnectionOptions(**{name: kwargs.pop(name) for name in _NAMES})
        return command(*args, **kwargs)

    decorated: Callable[..., Any] = gathered
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return cast(F, decorated)


def resolve_target(
    options: ConnectionOptions,
    described: Described | None,
    *,
    cluster_mode: bool,
    aws: Aws | None,
    region: str | None,
) -> Target:
    """The probe's target from ElastiCache's description (if any) and the options."""
    if described is None:
        if options.host is None:
            raise UsageError("choose what to probe: --replication-group ID, --serverless-cache NAME or --host HOST")
        port = options.port or DEFAULT_PORT
        endpoint = Endpoint(options.host, port, options.host)
        reader = (
            Endpoint(options.reader_host, options.reader_port or port, options.reader_host)
            if options.reader_host
            else None
        )
        kind, resource_id = ResourceKind.ENDPOINT, str(endpoint)
    else:
        if cluster_mode:
            raise UsageError("--cluster-mode is for --host alone: ElastiCache says which mode a cache runs in")
        cluster_mode = described.cluster_mode
        endpoint = described.endpoint.through(options.host, options.port)
        reader = described.reader
        if options.reader_host:
            base = reader or replace(endpoint, server_name=options.reader_host)
            reader = base.through(options.reader_host, options.reader_port or endpoint.port)
        elif options.host:
            reader = None  # the reader's own address is out of a tunnel's reach
        kind, resource_id = described.kind, described.id
    if options.server_name:
        endpoint = replace(endpoint, server_name=options.server_name)
        reader = replace(reader, server_name=options.server_name) if reader else None
    if cluster_mode and endpoint.server_name != endpoint.host:
        raise UsageError(
            "cluster mode through another address or name: the cluster announces each node by its own name, "
            "which the probe dials; connect where those names resolve"
        )
    credentials = (
        read_credentials(aws, str(region), options.secret_id, options.secret_field)
        if aws and options.secret_id
        else None
    )
    if options.access_string is not None:
        access = Access(options.access_string, "given with --access-string")
    elif described is not None and aws is not None:
        access = user_access(aws, str(region), described, credentials.user if credentials else DEFAULT_USER)
    else:
        access = Access(None, "ElastiCache was not asked (--host without a cache): pass --access-string")
    return Target(
        account=aws.account_id if aws else "-",
        region=region or "-",
        kind=kind,
        id=resource_id,
        endpoint=endpoint,
        reader=reader,
        cluster_mode=cluster_mode,
        credentials=credentials,
        access=access,
        transit_encryption=described.transit_encryption if described else None,
    )


def describe(aws: Aws, region: str, replication_group: str | None, serverless_cache: str | None) -> Described | None:
    if replication_group:
        return describe_replication_group(aws, region, replication_group)
    if serverless_cache:
        return describe_serverless_cache(aws, region, serverless_cache)
    return None


@click.command("probe")
@click.option("--replication-group", help="Probe this replication group (its primary or configuration endpoint).")
@click.option("--serverless-cache", help="Probe this serverless cache.")
@click.option("--cluster-mode", is_flag=True, help="With --host alone: use a cluster client.")
@connection_options
@click.option(
    "--pings",
    type=click.IntRange(1, 100_000),
    default=checks.DEFAULT_PINGS,
    show_default=True,
    help="Round trips timed for the latency percentiles.",
)
@click.option(
    "--p99-limit-ms",
    type=click.FloatRange(min=0, min_open=True),
    default=checks.DEFAULT_P99_LIMIT_MS,
    show_default=True,
    help="Fail probe-latency when the 99th percentile is above this.",
)
@click.option(
    "--replica-lag-limit-ms",
    type=click.FloatRange(min=0, min_open=True),
    default=checks.DEFAULT_REPLICA_LAG_LIMIT_MS,
    show_default=True,
    help="Fail probe-replica-lag when the reader has not seen a write after this long.",
)
@region_option("The cache's region (one); also where the secret is read.")
@profile_option
@click.option(
    "--format", "output_format", type=click.Choice(sorted(report.RENDERERS)), default="table", show_default=True
)
@output_option
@click.option("--fail-on-error", is_flag=True, help="Exit 1 also when a single check could not run (ERROR).")
@retry_options
def probe_command(
    replication_group: str | None,
    serverless_cache: str | None,
    cluster_mode: bool,
    connection: ConnectionOptions,
    pings: int,
    p99_limit_ms: float,
    replica_lag_limit_ms: float,
    regions: tuple[str, ...],
    profile: str | None,
    output_format: str,
    output: Path | None,
    fail_on_error: bool,
    retry_mode: str,
    max_attempts: int,
) -> None:
    """Connect as a client would and report TLS, authentication, ACLs, latency and reads after writes."""
    if replication_group and serverless_cache:
        raise click.UsageError("--replication-group and --serverless-cache exclude each other")
    with fatal_errors():
        writable(output)
        aws, region = None, None
        if replication_group or serverless_cache or connection.secret_id:
            aws = session(profile, retry_mode, max_attempts)
            region = one_region(aws, regions, "probe")
        described = describe(aws, region, replication_group, serverless_cache) if aws and region else None
        target = resolve_target(connection, described, cluster_mode=cluster_mode, aws=aws, region=region)
        settings = checks.ProbeSettings(
            ca_file=connection.ca_file,
            key_prefix=connection.key_prefix,
            pings=pings,
            p99_limit_ms=p99_limit_ms,
            replica_lag_limit_ms=replica_lag_limit_ms,
            timeout=connection.socket_timeout,
        )
        results = checks.run(target, settings)
    write_report(results, output_format, output)
    sys.exit(report.exit_code(results, fail_on_error=fail_on_error))
