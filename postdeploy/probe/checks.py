"""The one-shot probe: what a client sees of TLS, authentication, ACLs, latency and reads after
writes, as results in the report model (same table, JSON, JUnit and exit codes as ``check``).

The checks run in order and later ones depend on earlier ones: credentials are sent only after TLS
verified, and the checks that need a logged-in client say why they did not run when none exists.
Keys the probe writes live under the key prefix, carry a TTL and are deleted straight away.
"""

from __future__ import annotations

import math
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from redis.exceptions import (
    AuthenticationError,
    NoPermissionError,
    ReadOnlyError,
    RedisClusterException,
    RedisError,
    ResponseError,
)

from constructs_lib.facts.acl_effect import grants_everything, permits
from postdeploy.checks.base import Outcome, failed, guide, passed, skipped
from postdeploy.model import Result, Severity, Status
from postdeploy.probe.commands import BY_NAME, PROBE_COMMANDS
from postdeploy.probe.connect import (
    Client,
    Tls,
    TlsState,
    Transport,
    client,
    examine_tls,
    exchange,
    node_client,
    transport_for,
)
from postdeploy.probe.target import DEFAULT_USER, Credentials, Target

DEFAULT_KEY_PREFIX = "elasticache-verify:probe:"
DEFAULT_PINGS = 100
DEFAULT_P99_LIMIT_MS = 10.0
DEFAULT_REPLICA_LAG_LIMIT_MS = 1000.0
DEFAULT_TIMEOUT = 2.0
"""Seconds to connect or wait for a reply: long enough for TLS through a tunnel, short enough that
a failover drill sees when writes stop."""
KEY_TTL_MS = 60_000
"""Keys outlive a probe that dies between writing and deleting them by one minute at most."""


@dataclass(frozen=True)
class ProbeSettings:
    ca_file: Path | None = None
    key_prefix: str = DEFAULT_KEY_PREFIX
    pings: int = DEFAULT_PINGS
    p99_limit_ms: float = DEFAULT_P99_LIMIT_MS
    replica_lag_limit_ms: float = DEFAULT_REPLICA_LAG_LIMIT_MS
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class ProbeCheck:
    """A probe finding's id, title, severity, remediation and reference, as a check declares them."""

    id: str
    title: str
    severity: Severity
    remediation: str
    reference: str


TLS = ProbeCheck(
    "probe-tls",
    "TLS is on and the certificate is valid for the endpoint's name",
    Severity.HIGH,
    "Turn on in-transit encryption (TransitEncryptionEnabled, mode required); connect by the endpoint's name, "
    "or pass --server-name through a tunnel and --ca-file for a private CA.",
    guide("in-transit-encryption"),
)
NO_CREDENTIALS = ProbeCheck(
    "probe-no-credentials-refused",
    "A client without credentials can run no command",
    Severity.HIGH,
    "Use RBAC with a default user that is off (constructs_lib UserGroup) or an AUTH token.",
    guide("Clusters.RBAC"),
)
WRONG_PASSWORD = ProbeCheck(
    "probe-wrong-password-refused",
    "A wrong password is refused and leaves the client unauthenticated",
    Severity.HIGH,
    "Give the users passwords (or IAM authentication) and the cache an AUTH token or a user group.",
    guide("auth"),
)
LOGIN = ProbeCheck(
    "probe-login",
    "The credentials in the cache's secret log in",
    Severity.HIGH,
    "Point --secret-id at the secret the application uses; after a rotation, check that ElastiCache took the "
    "new password (ModifyUser / ModifyReplicationGroup completed).",
    guide("Clusters.RBAC"),
)
ACL = ProbeCheck(
    "probe-acl-enforced",
    "Commands outside the user's access string are refused",
    Severity.MEDIUM,
    "Connect the application as an RBAC user whose access string grants only what it needs, e.g. "
    "'on ~app:* -@all +@read +@write -@dangerous'.",
    guide("Clusters.RBAC"),
)
LATENCY = ProbeCheck(
    "probe-latency",
    "Round-trip latency percentiles stay within the limit",
    Severity.LOW,
    "Run the client in the cache's Availability Zone and VPC; look for slow commands, swapping and "
    "network limits; raise --p99-limit-ms when probing through a tunnel.",
    "https://repost.aws/knowledge-center/elasticache-redis-correct-high-latency",
)
READ_AFTER_WRITE = ProbeCheck(
    "probe-read-after-write",
    "A read from the primary returns the write just acknowledged",
    Severity.HIGH,
    "Check that the endpoint leads to the primary (the primary or configuration endpoint, not a node's).",
    guide("ReadReplicas"),
)
REPLICA_LAG = ProbeCheck(
    "probe-replica-lag",
    "A write reaches the reader endpoint within the limit",
    Severity.LOW,
    "Look at ReplicationLag and the replicas' load; keep reads that must see their writes on the primary.",
    guide("ReadReplicas"),
)
PROBE_CHECKS = (TLS, NO_CREDENTIALS, WRONG_PASSWORD, LOGIN, ACL, LATENCY, READ_AFTER_WRITE, REPLICA_LAG)


def errored(message: str) -> Outcome:
    return Outcome(Status.ERROR, message)


@dataclass
class Session:
    """A client logged in as the probe's user (or unauthenticated, where the server allows it)."""

    node: redis.Redis
    """The endpoint itself: the primary, or one node behind a configuration endpoint."""
    credentials: Credentials | None
    cluster: Client | RedisClusterException | None = None
    """Cluster mode: the cluster client, or the error that kept it from connecting."""

    @property
    def data(self) -> Client:
        """What an application uses for keys: the cluster client, or the endpoint's client."""
        if isinstance(self.cluster, RedisClusterException):
            raise self.cluster
        return self.node if self.cluster is None else self.cluster

    def close(self) -> None:
        self.node.close()
        if self.cluster is not None and not isinstance(self.cluster, RedisClusterException):
            self.cluster.close()


# redis-py leaves its connection's methods (send_command, read_response ...) untyped.
Connection = Any


@contextmanager
def _connection(node: redis.Redis) -> Iterator[Connection]:
    """One connection of ``node``'s pool, for commands whose effect lasts on that connection
    (READONLY) or whose round trips are timed; closed afterwards."""
    connection: Connection = node.connection_pool.get_connection()
    try:
        yield connection
    finally:
        connection.disconnect()
        node.connection_pool.release(connection)


def _call(connection: Connection, *command: str) -> Any:
    connection.send_command(*command)
    return connection.read_response()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".rstrip(": ")


def tls_outcome(tls: Tls, target: Target) -> Outcome:
    said = (
        f" (ElastiCache reports in-transit encryption {target.transit_encryption})" if target.transit_encryption else ""
    )
    if tls.state is TlsState.VERIFIED and tls.plaintext_too:
        return failed(f"{tls.detail}, but the endpoint also answers PING in plaintext{said}")
    if tls.state is TlsState.VERIFIED:
        return passed(f"{tls.detail}; plaintext refused")
    if tls.state is TlsState.PLAINTEXT and target.transit_encryption in ("required", "preferred"):
        # The cache speaks TLS, so something on the way (a tunnel, a proxy) ends it.
        return failed(f"TLS off: {tls.detail}{said}, so TLS ends before the cache")
    if tls.state is TlsState.PLAINTEXT:
        return failed(f"TLS off: {tls.detail}{said}")
    return failed(tls.detail)


def no_credentials(target: Target, transport: Transport) -> tuple[Outcome, bool]:
    """The outcome, and whether the server let an unauthenticated client in."""
    try:
        (reply,) = exchange(target.endpoint, transport, ("PING",))
    except OSError as error:
        return errored(f"PING without credentials failed: {error}"), False
    if reply.startswith(("-NOAUTH", "-NOPERM")):
        return passed(f"PING without credentials is refused ({reply[1:]})"), False
    if reply.startswith("+"):
        return failed("a client without credentials ran PING: anyone who reaches the endpoint can use the cache"), True
    return errored(f"PING without credentials answered {reply!r}"), False


def wrong_password(target: Target, transport: Transport) -> Outcome:
    """AUTH with a random password, then PING on the same connection: both must be refused."""
    credentials = target.credentials
    user = credentials.user if credentials else DEFAULT_USER
    guess = secrets.token_urlsafe(24)  # not a secret: a password nobody has
    auth = ("AUTH", user, guess) if credentials and credentials.username else ("AUTH", guess)
    try:
        auth_reply, ping_reply = exchange(target.endpoint, transport, auth, ("PING",))
    except OSError as error:
        return errored(f"AUTH with a wrong password failed: {error}")
    if not auth_reply.startswith("-"):
        return failed(f"AUTH with a wrong password for {user} succeeded")
    if ping_reply.startswith(("-NOAUTH", "-NOPERM")):
        return passed(f"a wrong password for {user} is refused ({auth_reply[1:]})")
    return failed(f"the server checks no password ({auth_reply[1:]}); the client ran PING after a wrong one")


def login(target: Target, transport: Transport, open_server: bool) -> tuple[Outcome, Session | None, str]:
    """The login outcome, the session for the checks that follow (or ``None``) and, without one, why."""
    credentials = target.credentials
    if credentials is None:
        if open_server:
            session = _session(target, transport, node_client(target.endpoint, transport, None), None)
            return skipped("no --secret-id: the probe runs unauthenticated, as the server lets it"), session, ""
        return errored("no --secret-id: the probe cannot log in"), None, "not run: no credentials (--secret-id)"
    who = f"user {credentials.username}" if credentials.username else "the AUTH token"
    if not transport.carries_secrets:
        reason = "TLS is off" if not transport.tls else "the certificate did not verify"
        return errored(f"the secret was not sent: {reason}"), None, f"not run: {reason}, so the probe did not log in"
    node = node_client(target.endpoint, transport, credentials)
    try:
        node.ping()
    except AuthenticationError as error:
        node.close()
        return failed(f"{who} is refused: {_describe(error)}"), None, "not run: the secret's credentials are refused"
    except NoPermissionError:
        pass  # logged in; the user may not PING
    except RedisError as error:
        node.close()
        return errored(f"login as {who} failed: {_describe(error)}"), None, "not run: the probe could not log in"
    return passed(f"logged in as {who}"), _session(target, transport, node, credentials), ""


def _session(target: Target, transport: Transport, node: redis.Redis, credentials: Credentials | None) -> Session:
    session = Session(node, credentials)
    if target.cluster_mode:
        # A cluster client connects at once; its error belongs to the checks that need it.
        try:
            session.cluster = client(target.endpoint, transport, credentials, cluster_mode=True)
        except (RedisError, RedisClusterException) as error:
            session.cluster = _why_no_cluster(node, error)
    return session


def _why_no_cluster(node: redis.Redis, error: RedisError | RedisClusterException) -> RedisClusterException:
    """redis-py reports a refused CLUSTER SLOTS as "cluster mode is not enabled": say what it is."""
    try:
        with _connection(node) as connection:
            _call(connection, "CLUSTER", "SLOTS")
    except NoPermissionError as refusal:
        return RedisClusterException(
            f"the user may not run CLUSTER SLOTS ({refusal}), which a cluster client needs to find the shards"
        )
    except RedisError:
        pass
    return error if isinstance(error, RedisClusterException) else RedisClusterException(str(error))


def acl_enforced(target: Target, session: Session, key: str) -> Outcome:
    access = target.access
    if access.access_string is None:
        return errored(f"the access string is unknown: {access.source}")
    rules = access.access_string
    if grants_everything(rules):
        return failed(
            f"{access.source}: access string '{rules}' allows every command, so there is no limit to test "
            "and an application's bug or attacker may run any command"
        )
    denied = [command for command in PROBE_COMMANDS if not permits(rules, command.name, command.categories)]
    if not denied:
        return skipped(f"'{rules}' denies none of the commands the probe may safely send")
    refused: list[str] = []
    ran: list[str] = []
    unknown: list[str] = []
    try:
        with _connection(session.node) as connection:
            for command in denied:
                try:
                    _call(connection, *command.call(key))
                    ran.append(command.name)
                except NoPermissionError:
                    refused.append(command.name)
                except ResponseError as error:
                    # ElastiCache disables some commands outright; that proves nothing about the ACL.
                    (unknown if "unknown command" in str(error).lower() else ran).append(command.name)
    except RedisError as error:
        return errored(f"sending the commands '{rules}' denies failed: {_describe(error)}")
    finally:
        if "set" in ran:
            with suppress(RedisError):  # the key's TTL removes it otherwise
                session.node.delete(key)
    if ran:
        return failed(f"{access.source}: '{rules}' denies them, yet the server ran {', '.join(ran)}")
    if not refused:
        return errored(f"the server knows none of the commands '{rules}' denies ({', '.join(unknown)})")
    return passed(f"{access.source}: {len(refused)} command(s) '{rules}' denies were refused: {', '.join(refused)}")


def may_run(target: Target, *commands: str) -> bool:
    """Whether the access string (when known) lets the user run every one of ``commands``."""
    rules = target.access.access_string
    return rules is None or all(permits(rules, c, BY_NAME[c].categories) for c in commands)


def percentile(sorted_samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least ``fraction`` of them at or below it."""
    return sorted_samples[max(0, math.ceil(fraction * len(sorted_samples)) - 1)]


def latency(target: Target, session: Session, settings: ProbeSettings, key: str) -> Outcome:
    if may_run(target, "ping"):
        command: tuple[str, ...] = ("PING",)
    elif may_run(target, "get"):
        command = ("GET", key)
    else:
        return skipped("the user may run neither PING nor GET, which the probe times")
    samples = []
    try:
        with _connection(session.node) as connection:
            _call(connection, *command)  # the connection's set-up is not a round trip
            for _ in range(settings.pings):
                started = time.perf_counter()
                _call(connection, *command)
                samples.append((time.perf_counter() - started) * 1000)
    except RedisError as error:
        return errored(f"{command[0]} failed: {_describe(error)}")
    samples.sort()
    p50, p90, p99 = (percentile(samples, q) for q in (0.5, 0.9, 0.99))
    figures = (
        f"p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, max {samples[-1]:.2f} ms "
        f"over {len(samples)} {command[0]}s to {target.endpoint}"
    )
    if p99 > settings.p99_limit_ms:
        return failed(f"{figures}: p99 above the {settings.p99_limit_ms:g} ms limit")
    return passed(figures)


def read_after_write(target: Target, session: Session, key: str) -> Outcome:
    if not may_run(target, "set", "get", "del"):
        return skipped("the user may not SET, GET and DEL, which the probe needs")
    value = uuid.uuid4().hex
    try:
        try:
            session.data.set(key, value, px=KEY_TTL_MS)
            seen = session.data.get(key)
        finally:
            session.data.delete(key)
    except ReadOnlyError as error:
        return failed(f"SET {key} was refused ({_describe(error)}): the endpoint leads to a replica")
    except NoPermissionError as error:
        return errored(f"the user may not write {key}: {_describe(error)}; pass a --key-prefix its keys allow")
    except (RedisError, RedisClusterException) as error:
        return errored(f"SET and GET of {key} failed: {_describe(error)}")
    if seen != value:
        return failed(f"GET {key} right after SET returned {'nothing' if seen is None else 'another value'}")
    return passed(f"GET returned the value SET just wrote ({key}, deleted since)")


def replica_lag(target: Target, session: Session, transport: Transport, settings: ProbeSettings, key: str) -> Outcome:
    if target.reader is None:
        return skipped("no reader endpoint (cluster mode enabled, no replica, or none given with --reader-host)")
    if not may_run(target, "set", "get", "del"):
        return skipped("the user may not SET, GET and DEL, which the probe needs")
    if target.cluster_mode and not may_run(target, "readonly"):
        return skipped("the user may not run READONLY, which reading from a cluster's replicas needs")
    value = uuid.uuid4().hex
    reader = node_client(target.reader, transport, session.credentials)
    try:
        with _connection(reader) as connection:
            if target.cluster_mode:
                _call(connection, "READONLY")  # a cluster's replicas serve reads only to READONLY connections
            try:
                session.data.set(key, value, px=KEY_TTL_MS)
                written = time.perf_counter()
                deadline = written + settings.replica_lag_limit_ms / 1000
                while time.perf_counter() < deadline:
                    if _call(connection, "GET", key) == value:
                        lag = (time.perf_counter() - written) * 1000
                        return passed(f"the write was read from {target.reader} after {lag:.1f} ms")
            finally:
                session.data.delete(key)
    except (RedisError, RedisClusterException) as error:
        return errored(f"reading from {target.reader} failed: {_describe(error)}")
    finally:
        reader.close()
    return failed(f"the write was not seen on {target.reader} within {settings.replica_lag_limit_ms:g} ms")


def run(target: Target, settings: ProbeSettings) -> list[Result]:
    """Every probe check on ``target``, in order (raises UnreachableError when nothing answers)."""
    tls = examine_tls(target.endpoint, settings.ca_file, settings.timeout)
    transport = transport_for(tls, settings.ca_file, settings.timeout)
    key = f"{settings.key_prefix}{uuid.uuid4().hex}"
    outcomes: dict[ProbeCheck, Outcome] = {TLS: tls_outcome(tls, target)}
    outcomes[NO_CREDENTIALS], open_server = no_credentials(target, transport)
    outcomes[WRONG_PASSWORD] = wrong_password(target, transport)
    outcomes[LOGIN], session, why_not = login(target, transport, open_server)
    if session is None:
        outcomes.update(dict.fromkeys((ACL, LATENCY, READ_AFTER_WRITE, REPLICA_LAG), errored(why_not)))
    else:
        try:
            outcomes[ACL] = acl_enforced(target, session, key)
            outcomes[LATENCY] = latency(target, session, settings, key)
            outcomes[READ_AFTER_WRITE] = read_after_write(target, session, key)
            outcomes[REPLICA_LAG] = replica_lag(target, session, transport, settings, key)
        finally:
            session.close()
    return [result(target, check, outcomes[check]) for check in PROBE_CHECKS]


def result(target: Target, check: ProbeCheck, outcome: Outcome) -> Result:
    return Result(
        account=target.account,
        region=target.region,
        resource_type=target.kind,
        resource_id=target.id,
        check_id=check.id,
        title=check.title,
        severity=check.severity,
        controls=(),
        status=outcome.status,
        message=f"{target.kind.label} {target.id}: {outcome.message}",
        remediation=check.remediation,
        reference=check.reference,
    )
