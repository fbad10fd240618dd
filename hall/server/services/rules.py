"""Queue rules used by the services.

TODO(domain): these are stand-ins until hall/server/domain/ provides the queue policy, hall day and
wait estimation; each function here keeps the signature the services call so the switch is local.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PRIORITY_REASONS = ("elderly", "disabled", "pregnant", "veteran", "vip")
PRIORITY_ZH = {"elderly": "老年人优先", "disabled": "残疾人优先", "pregnant": "孕妇优先", "veteran": "军人优先",
               "vip": "重点服务对象", "appointment": "预约优先", "cannot_do": "办不成事反映"}
DEFAULT_SERVICE_S = 300.0


@dataclass(frozen=True)
class Candidate:
    id: int
    number: str
    category: str
    priority: str | None
    queue_at: datetime
    target_window: int | None


def hall_day(now: datetime, tz: str = "Asia/Shanghai") -> str:
    """The hall day (local date in the hall's zone) of an aware instant, whatever the server's zone."""
    return now.astimezone(ZoneInfo(tz)).date().isoformat()


def day_bounds(day: str, tz: str = "Asia/Shanghai") -> tuple[datetime, datetime]:
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(), ZoneInfo(tz))
    return start, start + timedelta(days=1)


def is_open(opens: str, closes: str, now: datetime, tz: str = "Asia/Shanghai") -> bool:
    local = now.astimezone(ZoneInfo(tz)).strftime("%H:%M")
    return opens <= local < (closes if closes != "24:00" else "24:01")


def rank(c: Candidate, *, window: int, cannot_do_desk: bool) -> int:
    if c.priority == "cannot_do":
        return 0 if cannot_do_desk else 2
    if c.target_window == window:
        return 1
    if c.priority == "appointment":
        return 1
    if c.priority in PRIORITY_REASONS:
        return 2
    return 3


def choose_next(cands: list[Candidate], *, window: int, cannot_do_desk: bool, mode: str, ratio: int,
                streak: int, aging_minutes: int, now: datetime) -> Candidate | None:
    """Best candidate: rank, then queue time. In "ratio" mode a normal ticket is taken after ``ratio``
    priority calls in a row, or whenever it has waited longer than ``aging_minutes`` (aging)."""
    usable = [c for c in cands if c.target_window in (None, window)]
    if not usable:
        return None
    ordered = sorted(usable, key=lambda c: (rank(c, window=window, cannot_do_desk=cannot_do_desk), c.queue_at))
    if mode != "ratio":
        return ordered[0]
    normals = [c for c in ordered if rank(c, window=window, cannot_do_desk=cannot_do_desk) == 3]
    if normals and ordered[0] is not normals[0]:
        aged = now - normals[0].queue_at > timedelta(minutes=aging_minutes)
        if streak >= ratio or aged:
            return normals[0]
    return ordered[0]


def estimate_wait_s(ahead: int, *, service_s: float | None, windows: int) -> int:
    per = service_s if service_s and service_s > 0 else DEFAULT_SERVICE_S
    return round(ahead * per / max(1, windows))


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
