"""Appointments (预约): booking codes, slots, and the check-in decision at the hall.

A booking code is 8 random Crockford base32 characters plus a check character (40 bits of
chance: unguessable, yet short enough to read out), printed as ``K7M2-9QXA-3``.
Check-in is possible from ``early_minutes`` before the slot starts until ``late_minutes`` after
it ends; it yields a ticket with appointment priority. Outside that, the citizen gets a typed
reason (too early — with when to come back —, too late, wrong day, already checked in, booking
paused) and can always take an ordinary ticket instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from . import codes
from .catalogue import OpeningHours
from .errors import CategoryFull, CheckInRefused, InvalidCode, InvalidInput
from .hallday import HALL_TZ, check_category_code, ensure_utc, hall_day, local

BOOKING_RANDOM_CHARS = 8


def new_booking_code(*, randbelow: codes.RandBelow = secrets.randbelow) -> str:
    """A fresh booking code (9 characters, the last is a check character)."""
    return codes.with_check(codes.random_chars(BOOKING_RANDOM_CHARS, randbelow=randbelow))


def parse_booking_code(text: str) -> str:
    """The canonical booking code typed or scanned by a citizen; raises :class:`InvalidCode`."""
    s = codes.normalize(text)
    if len(s) != BOOKING_RANDOM_CHARS + 1 or not codes.is_valid(s):
        raise InvalidCode(what="booking code")
    return s


@dataclass(frozen=True)
class Slot:
    category: str
    start: datetime
    end: datetime
    capacity: int

    def __post_init__(self) -> None:
        check_category_code(self.category)
        object.__setattr__(self, "start", ensure_utc(self.start, name="slot start"))
        object.__setattr__(self, "end", ensure_utc(self.end, name="slot end"))
        if not self.start < self.end or self.capacity < 1:
            raise InvalidInput(field="slot (start < end, capacity >= 1)")

    @property
    def day(self) -> date:
        return hall_day(self.start)

    def label(self) -> str:
        return f"{local(self.start):%Y-%m-%d %H:%M}–{local(self.end):%H:%M}"


def day_slots(category: str, day: date, hours: OpeningHours, *, minutes: int = 30,
              capacity: int = 4) -> list[Slot]:
    """Bookable slots of ``minutes`` within the category's opening intervals on ``day``.

    An always-open category gets slots over the usual office day 09:00–17:00: bookings exist
    to spread people over staffed hours, not over the night.
    """
    if minutes < 5:
        raise InvalidInput(field="slot minutes")
    if day in hours.closed_dates:
        return []
    if hours.always_open:
        intervals = [(time(9), time(17))]
    else:
        intervals = sorted(hours.weekly.get(day.weekday(), ()))
    step = timedelta(minutes=minutes)
    slots = []
    for a, b in intervals:
        start = datetime.combine(day, a, tzinfo=HALL_TZ)
        end_of_interval = datetime.combine(day, b, tzinfo=HALL_TZ)
        while start + step <= end_of_interval:
            slots.append(Slot(category, start, start + step, capacity))
            start += step
    return slots


def check_bookable(slot: Slot, *, booked: int, now: datetime) -> None:
    """Raises when the slot has begun (``InvalidInput``) or is full (:class:`CategoryFull`)."""
    if ensure_utc(now, name="now") >= slot.start:
        raise InvalidInput(field="slot already started")
    if booked >= slot.capacity:
        raise CategoryFull(category=slot.category, cap=slot.capacity)


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    MISSED = "missed"


@dataclass(frozen=True)
class Appointment:
    id: Hashable
    booking_code: str
    category: str
    slot_start: datetime
    slot_end: datetime
    status: AppointmentStatus = AppointmentStatus.BOOKED
    id_hash: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "status", AppointmentStatus(self.status))
        except ValueError as e:
            raise InvalidInput(field="appointment status") from e
        object.__setattr__(self, "slot_start", ensure_utc(self.slot_start, name="slot_start"))
        object.__setattr__(self, "slot_end", ensure_utc(self.slot_end, name="slot_end"))


@dataclass(frozen=True)
class CheckInWindow:
    early_minutes: int = 30
    late_minutes: int = 10

    def bounds(self, appt: Appointment) -> tuple[datetime, datetime]:
        return (appt.slot_start - timedelta(minutes=self.early_minutes),
                appt.slot_end + timedelta(minutes=self.late_minutes))


class CheckInReason(StrEnum):
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    WRONG_DAY = "wrong_day"
    ALREADY_CHECKED_IN = "already_checked_in"
    CANCELLED = "cancelled"
    BLACKLISTED = "blacklisted"


_TEXT = {
    CheckInReason.TOO_EARLY: ("您预约的时段是 {slot}，请于 {back} 后再来签到；也可现场取普通号",
                              "Your slot is {slot}; please check in from {back}, or take an ordinary ticket"),
    CheckInReason.TOO_LATE: ("您预约的时段 {slot} 已过，预约已失效，请现场取普通号",
                             "Your slot {slot} has passed; please take an ordinary ticket"),
    CheckInReason.WRONG_DAY: ("您的预约在 {slot}，不是今天；今天可现场取普通号",
                              "Your appointment is on {slot}, not today; you can take an ordinary ticket"),
    CheckInReason.ALREADY_CHECKED_IN: ("该预约已签到取号，请留意叫号", "Already checked in; please watch the display"),
    CheckInReason.CANCELLED: ("该预约已取消，请现场取普通号",
                              "This appointment was cancelled; please take an ordinary ticket"),
    CheckInReason.BLACKLISTED: ("因多次预约未到，预约优先暂停至 {until}，请现场取普通号",
                                "Appointment priority is paused until {until} after missed appointments; "
                                "please take an ordinary ticket"),
}


@dataclass(frozen=True)
class CheckInDecision:
    """``ok`` → issue a ticket with ``appointment_start``/``appointment_end`` (appointment lane)."""

    ok: bool
    reason: CheckInReason | None = None
    come_back_at: datetime | None = None
    message_zh: str = ""
    message_en: str = ""

    def raise_if_refused(self) -> None:
        if not self.ok:
            assert self.reason is not None
            raise CheckInRefused(reason=self.reason.value, detail_zh=self.message_zh, detail_en=self.message_en,
                                 come_back_at=self.come_back_at.isoformat() if self.come_back_at else None)


def _refuse(reason: CheckInReason, *, come_back_at: datetime | None = None, **params: str) -> CheckInDecision:
    zh, en = _TEXT[reason]
    return CheckInDecision(False, reason, come_back_at, zh.format(**params), en.format(**params))


def decide_check_in(
    appt: Appointment, now: datetime, *, window: CheckInWindow = CheckInWindow(),
    paused_until: datetime | None = None,
) -> CheckInDecision:
    """Whether ``appt`` may check in at ``now``; ``paused_until`` from :mod:`.rules` if any."""
    now = ensure_utc(now, name="now")
    slot = f"{local(appt.slot_start):%Y-%m-%d %H:%M}–{local(appt.slot_end):%H:%M}"
    if appt.status is AppointmentStatus.CHECKED_IN:
        return _refuse(CheckInReason.ALREADY_CHECKED_IN)
    if appt.status is AppointmentStatus.CANCELLED:
        return _refuse(CheckInReason.CANCELLED)
    if paused_until is not None and ensure_utc(paused_until) > now:
        return _refuse(CheckInReason.BLACKLISTED, until=f"{local(paused_until):%Y-%m-%d}")
    opens, closes = window.bounds(appt)
    if hall_day(appt.slot_start) != hall_day(now) and not opens <= now <= closes:
        return _refuse(CheckInReason.WRONG_DAY, come_back_at=opens if now < opens else None, slot=slot)
    if now < opens:
        return _refuse(CheckInReason.TOO_EARLY, come_back_at=opens, slot=slot, back=f"{local(opens):%H:%M}")
    if now > closes or appt.status is AppointmentStatus.MISSED:
        return _refuse(CheckInReason.TOO_LATE, slot=slot)
    return CheckInDecision(True)


def is_missed(appt: Appointment, now: datetime, *, window: CheckInWindow = CheckInWindow()) -> bool:
    """A booked appointment nobody checked in for once its window has closed (for the blacklist)."""
    return appt.status is AppointmentStatus.BOOKED and ensure_utc(now, name="now") > window.bounds(appt)[1]

