"""The probe during a failover drill: a thread writes sequenced keys and reads the latest
acknowledged one back, for every shard drilled, and afterwards says what a client saw.

What it measures, per shard: the windows without a successful write (or read), from the last
success before a failure to the first success after it; the errors by kind (the server's code,
such as READONLY or LOADING, else the client's exception); reads that found an acknowledged write
missing; and, once the drill is over, which acknowledged writes are gone (lost writes). Every
attempt is made once, without client retries, so that each failure is seen.

Keys carry a TTL that outlives the drill and are deleted at the end, written or not. In cluster
mode each shard's keys carry a hash tag that puts them in that shard's slots.

Times are this host's wall clock (UTC), so that they can stand beside ElastiCache's event times.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import redis
from redis.crc import key_slot
from redis.exceptions import AuthenticationError, NoPermissionError, ReadOnlyError, RedisClusterException, RedisError

from postdeploy.probe.checks import may_run
from postdeploy.probe.connect import Client, TlsState, client, examine_tls, transport_for
from postdeploy.probe.target import Target

BATCH = 500
"""Keys per MGET / DEL when checking and removing what the probe wrote."""
WRITE, READ = "write", "read"
PROBE_COMMANDS = ("set", "get", "mget", "del")


class ProbeNotReadyError(Exception):
    """The probe could not log in or may not write: the drill is not started without it."""


def connector(target: Target, ca_file: Path | None, timeout: float) -> Callable[[], Client]:
    """How the probe's thread makes its client, once TLS and a login have been seen to work here
    (raises ProbeNotReadyError, or UnreachableError when nothing answers)."""
    tls = examine_tls(target.endpoint, ca_file, timeout)
    if target.credentials is not None and tls.state is not TlsState.VERIFIED:
        raise ProbeNotReadyError(f"{tls.detail}; the probe sends no secret over this connection")
    if not may_run(target, *PROBE_COMMANDS):
        raise ProbeNotReadyError(f"{target.access.source}: the user may not run {', '.join(PROBE_COMMANDS)}")
    transport = transport_for(tls, ca_file, timeout)

    def connect() -> Client:
        return client(target.endpoint, transport, target.credentials, target.cluster_mode)

    try:
        trial = connect()
    except (RedisError, RedisClusterException) as error:
        raise ProbeNotReadyError(f"the probe could not connect to {target.endpoint}: {error}") from error
    try:
        trial.ping()
    except AuthenticationError as error:
        raise ProbeNotReadyError(f"the probe could not log in to {target.endpoint}: {error}") from error
    except NoPermissionError:
        pass  # logged in; PING is not the user's to run
    except (RedisError, RedisClusterException) as error:
        raise ProbeNotReadyError(f"the probe could not reach {target.endpoint}: {error}") from error
    finally:
        trial.close()
    return connect


@dataclass(frozen=True)
class Lane:
    """The keys of one shard: ``tag`` pins them to its slots in cluster mode."""

    shard: str
    tag: str | None = None


def lane_for(shard: str, slots: str | None) -> Lane:
    """A lane whose hash tag falls in ``slots`` (``NodeGroups[].Slots``, e.g. ``0-5460,5462``)."""
    if not slots:
        return Lane(shard)
    ranges = []
    for part in slots.split(","):
        low, _, high = part.strip().partition("-")
        ranges.append(range(int(low), int(high or low) + 1))
    tag = next(t for t in (f"s{i}" for i in count()) if any(key_slot(t.encode()) in r for r in ranges))
    return Lane(shard, tag)


def error_kind(error: Exception) -> str:
    """The server's error code (READONLY, LOADING, MOVED ...) or the client's exception name."""
    code = getattr(error, "status_code", None)
    if code:
        return str(code)
    first = str(error).split(" ", 1)[0]
    if isinstance(error, redis.ResponseError) and first.isupper():
        return first
    return type(error).__name__


@dataclass(frozen=True)
class Attempt:
    at: float
    """Seconds since the epoch (this host's clock)."""
    lane: str
    operation: str
    error: str | None
    """The error's kind; ``None`` when the attempt succeeded."""


@dataclass(frozen=True)
class Window:
    """A time without success: from the last success before failures to the first one after."""

    start: float
    end: float
    errors: Counter[str]
    recovered: bool = True

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def as_dict(self, origin: float) -> dict[str, Any]:
        return {
            "from": _iso(self.start),
            "to": _iso(self.end),
            "from_offset_seconds": round(self.start - origin, 3),
            "to_offset_seconds": round(self.end - origin, 3),
            "seconds": round(self.seconds, 3),
            "recovered": self.recovered,
            "errors": dict(self.errors),
        }


def windows(attempts: Iterable[Attempt], started: float, stopped: float) -> list[Window]:
    """The windows without success among ``attempts`` (one lane and operation, in time order)."""
    found: list[Window] = []
    last_success, errors = started, Counter[str]()
    for attempt in attempts:
        if attempt.error is None:
            if errors:
                found.append(Window(last_success, attempt.at, errors))
                errors = Counter()
            last_success = attempt.at
        else:
            errors[attempt.error] += 1
    if errors:
        found.append(Window(last_success, stopped, errors, recovered=False))
    return found


@dataclass
class LaneView:
    """What a client saw of one shard's keys."""

    shard: str
    attempts: dict[str, int]
    windows: dict[str, list[Window]]
    errors: dict[str, Counter[str]]
    acknowledged: int
    missed_reads: int
    lost: list[int] | None
    """Sequence numbers of acknowledged writes missing afterwards; ``None`` when not checked."""

    def longest(self, operation: str) -> float:
        return max((w.seconds for w in self.windows[operation]), default=0.0)

    def as_dict(self, origin: float) -> dict[str, Any]:
        return {
            "shard": self.shard,
            "writes_attempted": self.attempts[WRITE],
            "writes_acknowledged": self.acknowledged,
            "lost_writes": None if self.lost is None else len(self.lost),
            "lost_write_sequence_numbers": self.lost,
            "reads_attempted": self.attempts[READ],
            "reads_missing_an_acknowledged_write": self.missed_reads,
            "longest_without_successful_write_seconds": round(self.longest(WRITE), 3),
            "longest_without_successful_read_seconds": round(self.longest(READ), 3),
            "windows_without_successful_writes": [w.as_dict(origin) for w in self.windows[WRITE]],
            "windows_without_successful_reads": [w.as_dict(origin) for w in self.windows[READ]],
            "errors_by_kind": {operation: dict(counts) for operation, counts in self.errors.items()},
        }


@dataclass
class ClientView:
    """What the probe saw over the whole drill."""

    endpoint: str
    interval: float
    started: float
    stopped: float
    lanes: list[LaneView]
    problems: list[str] = field(default_factory=list)
    """What could not be checked or cleaned up afterwards."""

    @property
    def lost_writes(self) -> int | None:
        if any(lane.lost is None for lane in self.lanes):
            return None
        return sum(len(lane.lost or []) for lane in self.lanes)

    def as_dict(self, origin: float) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "interval_seconds": self.interval,
            "started": _iso(self.started),
            "stopped": _iso(self.stopped),
            "lost_writes": self.lost_writes,
            "longest_without_successful_write_seconds": round(max(lane.longest(WRITE) for lane in self.lanes), 3),
            "longest_without_successful_read_seconds": round(max(lane.longest(READ) for lane in self.lanes), 3),
            "shards": [lane.as_dict(origin) for lane in self.lanes],
            "problems": self.problems,
        }


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


class ContinuousProbe:
    """Writes and reads in a thread from ``start`` until ``stop``, which returns the ClientView.

    :param connect: makes the client (called once in the thread; redis-py reconnects by itself
        after a connection error, resolving the endpoint's name again as a client would).
    :param ttl_ms: how long the keys live should the probe die before deleting them.
    """

    def __init__(
        self,
        connect: Callable[[], Client],
        lanes: Sequence[Lane],
        *,
        endpoint: str,
        key_prefix: str,
        interval: float,
        ttl_ms: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.connect = connect
        self.lanes = tuple(lanes)
        self.endpoint = endpoint
        self.prefix = f"{key_prefix}{uuid.uuid4().hex[:12]}:"
        self.interval = interval
        self.ttl_ms = ttl_ms
        self.clock = clock
        self.attempts: list[Attempt] = []
        self.acknowledged: dict[str, list[int]] = {lane.shard: [] for lane in self.lanes}
        self.missed_reads: Counter[str] = Counter()
        self.written = dict.fromkeys(self.acknowledged, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="failover-probe", daemon=True)
        self._client: Client | None = None
        self._connect_error: str | None = None
        self.started = self.stopped = 0.0

    def key(self, lane: Lane, sequence: int) -> str:
        tag = f"{{{lane.tag}}}" if lane.tag else ""
        return f"{self.prefix}{tag}{sequence}"

    def start(self) -> None:
        self.started = self.clock()
        self._thread.start()

    def stop(self) -> ClientView:
        self._stop.set()
        self._thread.join()
        self.stopped = self.clock()
        problems = [f"the probe could not connect: {self._connect_error}"] if self._connect_error else []
        lost = self._verify_and_clean(problems)
        if self._client is not None:
            self._client.close()
        views = [self._lane_view(lane, lost) for lane in self.lanes]
        return ClientView(self.endpoint, self.interval, self.started, self.stopped, views, problems)

    def _run(self) -> None:
        try:
            self._client = self.connect()
        except (RedisError, RedisClusterException) as error:
            self._connect_error = f"{type(error).__name__}: {error}"
            return
        while not self._stop.is_set():
            for lane in self.lanes:
                self._write(self._client, lane)
                self._read(self._client, lane)
            self._stop.wait(self.interval)

    def _record(self, lane: Lane, operation: str, error: Exception | None) -> None:
        self.attempts.append(Attempt(self.clock(), lane.shard, operation, None if error is None else error_kind(error)))

    def _write(self, client: Client, lane: Lane) -> None:
        sequence = self.written[lane.shard] = self.written[lane.shard] + 1
        try:
            client.set(self.key(lane, sequence), sequence, px=self.ttl_ms)
        except (RedisError, RedisClusterException) as error:
            self._record(lane, WRITE, error)
            if isinstance(error, ReadOnlyError) and isinstance(client, redis.Redis):
                # The endpoint's name now leads elsewhere, but this connection still reaches the old
                # primary, now a replica: reconnect, as AWS advises clients to do on READONLY.
                client.connection_pool.disconnect()
            return
        self.acknowledged[lane.shard].append(sequence)
        self._record(lane, WRITE, None)

    def _read(self, client: Client, lane: Lane) -> None:
        if not self.acknowledged[lane.shard]:
            return
        latest = self.acknowledged[lane.shard][-1]
        try:
            value = client.get(self.key(lane, latest))
        except (RedisError, RedisClusterException) as error:
            self._record(lane, READ, error)
            return
        self._record(lane, READ, None)
        if value is None:
            self.missed_reads[lane.shard] += 1

    def _verify_and_clean(self, problems: list[str]) -> dict[str, list[int]] | None:
        """Acknowledged writes missing now, by shard (``None`` when the cache could not be read
        afterwards); then every key the probe may have written is deleted."""
        if self._client is None:
            return None
        lost = self._lost_writes(self._client, problems)
        try:
            for lane in self.lanes:
                for batch in _batches(range(1, self.written[lane.shard] + 1)):
                    self._client.delete(*(self.key(lane, s) for s in batch))
        except (RedisError, RedisClusterException) as error:
            problems.append(
                f"the probe's keys could not be deleted ({error_kind(error)}: {error}); "
                f"they expire within {self.ttl_ms // 1000} s"
            )
        return lost

    def _lost_writes(self, client: Client, problems: list[str]) -> dict[str, list[int]] | None:
        try:
            return {lane.shard: self._missing(client, lane) for lane in self.lanes}
        except (RedisError, RedisClusterException) as error:
            problems.append(f"acknowledged writes could not be read back: {error_kind(error)}: {error}")
            return None

    def _missing(self, client: Client, lane: Lane) -> list[int]:
        missing = []
        for batch in _batches(self.acknowledged[lane.shard]):
            values = client.mget([self.key(lane, s) for s in batch])
            missing += [s for s, value in zip(batch, values, strict=True) if value is None]
        return missing

    def _lane_view(self, lane: Lane, lost: dict[str, list[int]] | None) -> LaneView:
        mine = [a for a in self.attempts if a.lane == lane.shard]
        by_operation = {op: [a for a in mine if a.operation == op] for op in (WRITE, READ)}
        return LaneView(
            shard=lane.shard,
            attempts={op: len(attempts) for op, attempts in by_operation.items()},
            windows={op: windows(attempts, self.started, self.stopped) for op, attempts in by_operation.items()},
            errors={
                op: Counter(a.error for a in attempts if a.error is not None) for op, attempts in by_operation.items()
            },
            acknowledged=len(self.acknowledged[lane.shard]),
            missed_reads=self.missed_reads[lane.shard],
            lost=None if lost is None else lost[lane.shard],
        )


def _batches(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
