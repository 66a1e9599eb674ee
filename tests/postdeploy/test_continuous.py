"""The continuous probe's arithmetic: windows without success, hash tags per shard, error kinds."""

from __future__ import annotations

from collections import Counter

import pytest
import redis
from redis.crc import key_slot
from redis.exceptions import ReadOnlyError

from postdeploy.probe.continuous import WRITE, Attempt, Window, error_kind, lane_for, windows


def attempts(*outcomes: tuple[float, str | None]) -> list[Attempt]:
    return [Attempt(at, "0001", WRITE, error) for at, error in outcomes]


def test_a_window_runs_from_the_last_success_to_the_next() -> None:
    seen = attempts((1.0, None), (1.1, "ConnectionError"), (1.5, "ConnectionError"), (2.0, "READONLY"), (2.2, None))
    assert windows(seen, started=0.0, stopped=3.0) == [Window(1.0, 2.2, Counter({"ConnectionError": 2, "READONLY": 1}))]


def test_failures_from_the_start_count_from_the_start_and_an_open_window_ends_at_the_stop() -> None:
    seen = attempts((0.5, "TimeoutError"), (1.0, None), (2.0, "ConnectionError"))
    assert windows(seen, started=0.2, stopped=4.0) == [
        Window(0.2, 1.0, Counter({"TimeoutError": 1})),
        Window(1.0, 4.0, Counter({"ConnectionError": 1}), recovered=False),
    ]


def test_no_failure_no_window() -> None:
    assert windows(attempts((1.0, None), (2.0, None)), started=0.0, stopped=3.0) == []


@pytest.mark.parametrize("slots", ["0-5460", "5461-10922", "10923-16383", "100,200-300"])
def test_each_shards_keys_hash_into_its_slots(slots: str) -> None:
    lane = lane_for("0002", slots)
    assert lane.tag is not None
    slot = key_slot(f"elasticache-verify:probe:run:{{{lane.tag}}}7".encode())
    wanted = [range(int(a), int(b or a) + 1) for a, _, b in (part.partition("-") for part in slots.split(","))]
    assert any(slot in r for r in wanted)


def test_without_slots_no_tag() -> None:
    assert lane_for("0001", None).tag is None


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ReadOnlyError("You can't write against a read only replica.", status_code="READONLY"), "READONLY"),
        (redis.ResponseError("LOADING Redis is loading the dataset in memory"), "LOADING"),
        (redis.ConnectionError("Connection refused"), "ConnectionError"),
        (redis.TimeoutError("Timeout reading"), "TimeoutError"),
        (redis.ResponseError("wrong kind of value"), "ResponseError"),
    ],
)
def test_error_kinds_are_the_servers_codes_or_the_clients_exceptions(error: Exception, kind: str) -> None:
    assert error_kind(error) == kind
