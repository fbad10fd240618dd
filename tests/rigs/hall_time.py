"""Times on the hall's current day, for tests that place events "earlier" or "at 09:00".

The hall day turns at midnight in Asia/Shanghai (16:00 UTC). A test that issues a ticket "40 minutes
ago" against a real server, run at 00:20 hall time, puts it on yesterday's hall day, where the server
rightly treats it as stale; a test that builds "09:00" from the machine's UTC date names yesterday
from 16:00 UTC on. These helpers keep such tests on the day the server is living in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hall.server.domain.hallday import HALL_TZ, day_bounds, hall_day

__all__ = ["HALL_TZ", "earlier_today", "hall_time", "hall_today"]


def hall_today(now: datetime | None = None) -> date:
    return hall_day(now or datetime.now(UTC))


def hall_time(hhmm: str, day: date | None = None) -> datetime:
    """``"09:00"`` on the hall's current day (or ``day``), in UTC."""
    return datetime.combine(day or hall_today(), time.fromisoformat(hhmm), HALL_TZ).astimezone(UTC)


def earlier_today(ago: timedelta, now: datetime | None = None) -> datetime:
    """``now - ago``, or halfway back to the hall's midnight when ``ago`` reaches into yesterday: the
    event stays earlier than now and on today's hall day."""
    now = now or datetime.now(UTC)
    since_midnight = now - day_bounds(hall_today(now))[0]
    return now - min(ago, since_midnight / 2)
