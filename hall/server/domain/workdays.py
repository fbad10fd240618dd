"""Working days for time limits (限时办结): weekends skipped, a pluggable holiday calendar.

China moves working days around public holidays (调休): some weekdays are holidays and some
weekends are working days, published each year by the State Council. A calendar therefore has
both lists; the default one knows neither and only skips weekends.

Counting: a limit of N working days from acceptance ends on the N-th working day *after* the
day of acceptance (the day itself is not counted); N = 0 is a same-day item (即办件).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from .errors import InvalidInput

_MAX_SCAN_DAYS = 3660  # ten years: a limit that never ends means a broken calendar


class HolidayCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...


@dataclass(frozen=True)
class WeekendCalendar:
    """Monday to Friday, with listed public holidays off and listed make-up days (调休) on."""

    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    @classmethod
    def of(cls, *, holidays: Iterable[date] = (), extra_working_days: Iterable[date] = ()) -> WeekendCalendar:
        return cls(frozenset(holidays), frozenset(extra_working_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays


def add_working_days(start: date, days: int, *, calendar: HolidayCalendar | None = None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    if not isinstance(days, int) or days < 0:
        raise InvalidInput(field="working days")
    cal = calendar or WeekendCalendar()
    day, left = start, days
    for _ in range(_MAX_SCAN_DAYS):
        if left == 0:
            return day
        day += timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    raise InvalidInput(field="holiday calendar (no working days found)")


def working_days_between(start: date, end: date, *, calendar: HolidayCalendar | None = None) -> int:
    """Working days in ``(start, end]`` — how much of a limit has been used by ``end``."""
    if end <= start:
        return 0
    if (end - start).days > _MAX_SCAN_DAYS:
        raise InvalidInput(field="date range")
    cal = calendar or WeekendCalendar()
    return sum(cal.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
