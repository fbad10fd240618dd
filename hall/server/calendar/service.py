"""The stored calendar: import a year's schedule, and the working-day calendar every time limit uses."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from sqlalchemy import delete, extract, select

from hall.server.calendar.models import CalendarDay
from hall.server.core.db import Database
from hall.server.domain import holidays as dh
from hall.server.domain.workdays import WeekendCalendar


def store(db: Database, days: Sequence[dh.CalendarDay]) -> list[int]:
    """Replace the years the file covers (a year's schedule is published whole), in one transaction."""
    years = sorted({d.day.year for d in days})
    with db.write() as s:
        if years:
            s.execute(delete(CalendarDay).where(extract("year", CalendarDay.day).in_(years)))
        s.add_all(CalendarDay(day=d.day, working=d.working, name=d.name) for d in days)
    return years


def days_of(db: Database, year: int | None = None) -> list[dh.CalendarDay]:
    with db.read() as s:
        q = select(CalendarDay).order_by(CalendarDay.day)
        if year is not None:
            q = q.where(extract("year", CalendarDay.day) == year)
        return [dh.CalendarDay(r.day, bool(r.working), r.name or "") for r in s.scalars(q)]


class CalendarCache:
    """The working-day calendar, read again at most every ``ttl_s`` (an import runs in another process)."""

    def __init__(self, db: Database, ttl_s: float = 60.0) -> None:
        self._db, self._ttl = db, ttl_s
        self._value: WeekendCalendar | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def get(self) -> WeekendCalendar:
        with self._lock:
            if self._value is None or time.monotonic() - self._at > self._ttl:
                self._value, self._at = dh.calendar_of(days_of(self._db)), time.monotonic()
            return self._value

    def forget(self) -> None:
        with self._lock:
            self._value = None
