"""Maintenance and snapshot windows: parsing, lengths and overlap.

ElastiCache takes the weekly maintenance window as ``ddd:hh24:mi-ddd:hh24:mi`` and the daily
snapshot window as ``hh24:mi-hh24:mi``, both in UTC and both at least 60 minutes long; a window
may wrap past midnight or the end of the week (``sat:23:00-sun:01:00``). A snapshot taken while
maintenance runs is delayed or skipped, so the two windows must not overlap on any day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs_lib.facts.limits import MIN_WINDOW_MINUTES

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_DAY = "(" + "|".join(DAYS) + ")"
_WEEKLY = re.compile(rf"^{_DAY}:{_TIME}-{_DAY}:{_TIME}$")
_DAILY = re.compile(rf"^{_TIME}-{_TIME}$")

WEEKLY_FORMAT = "'ddd:hh24:mi-ddd:hh24:mi' in UTC with ddd one of sun, mon, tue, wed, thu, fri, sat"
DAILY_FORMAT = "'hh24:mi-hh24:mi' in UTC"


@dataclass(frozen=True)
class Window:
    """A time range as minutes from the start of its period (a week or a day)."""

    start: int
    minutes: int

    @property
    def end(self) -> int:
        return self.start + self.minutes


def parse_weekly(text: str) -> Window | None:
    """Parse a maintenance window; ``None`` when the text is not in the weekly format."""
    match = _WEEKLY.match(text)
    if not match:
        return None
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = DAYS.index(d1) * MINUTES_PER_DAY + int(h1) * 60 + int(m1)
    end = DAYS.index(d2) * MINUTES_PER_DAY + int(h2) * 60 + int(m2)
    return Window(start, (end - start) % MINUTES_PER_WEEK)


def parse_daily(text: str) -> Window | None:
    """Parse a snapshot window; ``None`` when the text is not in the daily format."""
    match = _DAILY.match(text)
    if not match:
        return None
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    start = h1 * 60 + m1
    return Window(start, (h2 * 60 + m2 - start) % MINUTES_PER_DAY)


def overlaps(weekly: Window, daily: Window) -> bool:
    """True when the daily window meets the weekly window on any day of the week."""
    for day in range(7):
        begin = day * MINUTES_PER_DAY + daily.start
        end = begin + daily.minutes
        # Both ranges may run past the end of the week; compare them a week apart as well.
        for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK):
            if max(weekly.start, begin + shift) < min(weekly.end, end + shift):
                return True
    return False


def format_daily(start_minute: int, minutes: int) -> str:
    start = start_minute % MINUTES_PER_DAY
    end = (start + minutes) % MINUTES_PER_DAY
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def snapshot_window_before(maintenance: Window) -> str:
    """The default snapshot window: the hour that ends one hour before maintenance starts."""
    return format_daily(maintenance.start - 2 * MIN_WINDOW_MINUTES, MIN_WINDOW_MINUTES)
