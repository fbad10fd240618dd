"""Today's bookings for the lines a counter serves, as plain data (no Qt, no HTTP).

The service reads ``GET /appointments/by-slot`` per line; :class:`BookingsBoard` keeps the last good
answer, so a dead server leaves the clerk the last list with a "not up to date" hint (in Chinese and
English) instead of an empty table. The window only renders :meth:`BookingsBoard.rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from config.privacy import mask_id_number
from hall.counter.state import APPOINTMENT_ZH

APPOINTMENT_EN = {"booked": "booked", "checked_in": "checked in", "missed": "missed", "cancelled": "cancelled"}
TAKEN = ("booked", "checked_in")  # statuses that hold a place (as the server counts them)
HIDDEN = ("cancelled",)  # a cancelled booking no longer concerns the clerk
REFRESH_S = 60  # the list is read again this often while signed in (and on demand)


@dataclass(frozen=True, slots=True)
class Booking:
    code: str
    status: str
    id_masked: str
    item_code: str
    item_name: str = ""

    @property
    def checked_in(self) -> bool:
        return self.status == "checked_in"


@dataclass(frozen=True, slots=True)
class Slot:
    category: str
    start: datetime
    end: datetime
    capacity: int
    booked: int
    bookings: tuple[Booking, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the clerk's list: a slot (``booking`` None) or a booking under it."""

    slot: Slot
    booking: Booking | None
    cells: tuple[str, ...]  # 时段, 预约号, 证件号, 状态, 事项
    full: bool = False


@dataclass
class BookingsBoard:
    """``loaded(...)`` with each line's answer; ``failed(...)`` when a read did not come through."""

    timezone: str = "Asia/Shanghai"
    slots: list[Slot] = field(default_factory=list)
    day: date | None = None
    fetched_at: datetime | None = None
    stale: bool = False

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    def today(self, now: datetime | None = None) -> date:
        """The hall's day (its own time zone, whatever this machine's clock zone is)."""
        return (now or datetime.now(UTC)).astimezone(self.zone).date()

    def loaded(self, day: date, by_category: dict[str, Any], *, now: datetime | None = None) -> None:
        """The server's answer per line code (``GET /appointments/by-slot``); malformed rows are skipped."""
        slots = [s for code, rows in sorted(by_category.items()) if isinstance(rows, list)
                 for s in (_slot(code, r) for r in rows) if s is not None]
        self.slots = sorted(slots, key=lambda s: (s.start, s.category))
        self.day, self.fetched_at, self.stale = day, now or datetime.now(UTC), False

    def failed(self) -> None:
        """The read failed (server away, timeout, refusal): keep the last list, flag it."""
        self.stale = True

    def booked_total(self) -> int:
        return sum(s.booked for s in self.slots)

    def checked_in_total(self) -> int:
        return sum(1 for s in self.slots for b in s.bookings if b.checked_in)

    def rows(self) -> list[Row]:
        """Every slot with its bookings under it (cancelled ones left out), in time order."""
        out: list[Row] = []
        for s in self.slots:
            when = f"{s.start.astimezone(self.zone):%H:%M}–{s.end.astimezone(self.zone):%H:%M}"
            full = s.booked >= s.capacity
            taken = f"已约 {s.booked}/{s.capacity}" + ("（满）" if full else "")
            out.append(Row(s, None, (f"{s.category}  {when}", taken, "", "", ""), full=full))
            for b in s.bookings:
                if b.status in HIDDEN:
                    continue
                out.append(Row(s, b, ("", pretty_code(b.code), b.id_masked,
                                      APPOINTMENT_ZH.get(b.status, b.status), b.item_name or b.item_code)))
        return out

    def upcoming(self, now: datetime | None = None) -> int | None:
        """Index (in :attr:`slots`) of the first slot not over yet: where the clerk's list opens."""
        at = now or datetime.now(UTC)
        return next((i for i, s in enumerate(self.slots) if s.end > at), None)

    def summary(self) -> str:
        """The tab's title: ``今日预约 7`` (checked in / booked), with a mark while not up to date."""
        if self.fetched_at is None:
            return "今日预约"
        mark = " ⚠" if self.stale else ""
        return f"今日预约 {self.checked_in_total()}/{self.booked_total()}{mark}"

    def hint(self) -> tuple[str, str]:
        """(level, text) above the list: when it was read, or that it is not up to date (zh and en)."""
        if self.fetched_at is None:
            if self.stale:
                return "warn", "暂时无法读取今日预约，正在重试 · Bookings not available yet, retrying"
            return "info", "正在读取今日预约… · Loading today's bookings…"
        at = f"{self.fetched_at.astimezone(self.zone):%H:%M:%S}"
        if self.stale:
            return "warn", (f"预约名单未更新：暂时连不上服务器，显示的是 {at} 的名单 · "
                            f"Not up to date: the server cannot be reached, showing the list of {at}")
        if not self.slots:
            return "info", f"今天本窗口的业务没有可预约时段（{at} 更新）"
        return "info", f"{at} 更新 · 共 {self.booked_total()} 人预约，{self.checked_in_total()} 人已签到"


def changes_bookings(event: dict[str, Any], categories: list[str]) -> bool:
    """A server event after which the list is out of date: a citizen of one of ``categories`` checked in
    (the check-in's ticket is issued with source ``appointment``). New bookings come with the next read."""
    data = event.get("data")
    return (event.get("type") == "ticket.issued" and isinstance(data, dict)
            and data.get("source") == "appointment" and data.get("category") in categories)


def pretty_code(code: str) -> str:
    """``K7M29QXA3`` → ``K7M2-9QXA-3``, as the citizen's phone and receipt show it."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}" if len(code) == 9 and "-" not in code else code


def _when(value: Any) -> datetime | None:
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _slot(category: str, row: Any) -> Slot | None:
    if not isinstance(row, dict):
        return None
    start, end = _when(row.get("start")), _when(row.get("end"))
    if start is None or end is None:
        return None
    bookings = tuple(Booking(code=str(b.get("code") or ""), status=str(b.get("status") or ""),
                             # only a masked ID is ever shown: one that somehow arrives unmasked is masked here
                             id_masked=mask_id_number(str(b.get("id_masked") or "")),
                             item_code=str(b.get("item_code") or ""), item_name=str(b.get("item_name") or ""))
                     for b in row.get("bookings") or [] if isinstance(b, dict))
    try:
        capacity, booked = int(row.get("capacity") or 0), int(row.get("booked") or 0)
    except (TypeError, ValueError):
        return None
    return Slot(category, start, end, capacity, booked, bookings)
