"""Window arithmetic on its own, including wrap-around at midnight and at the end of the week."""

from __future__ import annotations

import pytest

from constructs_lib.facts.windows import Window, overlaps, parse_daily, parse_weekly, snapshot_window_before


def test_weekly_window_minutes() -> None:
    assert parse_weekly("sun:03:00-sun:04:00") == Window(180, 60)
    assert parse_weekly("sat:23:00-sun:01:00") == Window(6 * 1440 + 23 * 60, 120)
    assert parse_weekly("mon:00:00-sun:00:00") == Window(1440, 6 * 1440)


def test_daily_window_minutes() -> None:
    assert parse_daily("23:30-00:30") == Window(23 * 60 + 30, 60)
    assert parse_daily("00:00-23:59") == Window(0, 1439)


@pytest.mark.parametrize("text", ["sun:3:00-sun:04:00", "xyz:03:00-sun:04:00", "sun:03:60-sun:04:00", ""])
def test_weekly_rejects(text: str) -> None:
    assert parse_weekly(text) is None


@pytest.mark.parametrize("text", ["24:00-01:00", "01:00-", "1:00-2:00"])
def test_daily_rejects(text: str) -> None:
    assert parse_daily(text) is None


@pytest.mark.parametrize(
    ("weekly", "daily", "expected"),
    [
        ("sun:03:00-sun:04:00", "01:00-02:00", False),
        ("sun:03:00-sun:04:00", "04:00-05:00", False),  # touching ends do not overlap
        ("sun:03:00-sun:04:00", "03:59-04:59", True),
        ("wed:10:00-wed:11:00", "10:30-11:30", True),  # any day counts, not only Sunday
        ("sat:23:30-sun:00:30", "00:00-01:00", True),  # across the end of the week
        ("sat:23:30-sun:00:30", "22:00-23:00", False),
        ("tue:22:00-tue:23:00", "22:30-00:30", True),  # daily window across midnight
    ],
)
def test_overlap(weekly: str, daily: str, expected: bool) -> None:
    w, d = parse_weekly(weekly), parse_daily(daily)
    assert w is not None
    assert d is not None
    assert overlaps(w, d) is expected


def test_default_snapshot_window_ends_an_hour_before_maintenance() -> None:
    assert snapshot_window_before(Window(180, 60)) == "01:00-02:00"
    assert snapshot_window_before(Window(30, 60)) == "22:30-23:30"
