"""Bookable slots per line and day: the domain's ``day_slots`` over the line's opening hours and the
working-day calendar, ``[queue] slot_minutes`` long with ``slot_capacity`` people, and how many are booked."""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from hall.server.appointments.errors import NoSuchSlot, SlotFull
from hall.server.appointments.models import Appointment
from hall.server.appointments.schemas import SlotBookingOut, SlotOut, SlotWithBookingsOut
from hall.server.catalogue.models import ServiceItem
from hall.server.catalogue.service import domain_category
from hall.server.core.context import HallContext
from hall.server.domain import appointments as dapp
from hall.server.domain import errors as derr
from hall.server.domain.hallday import HALL_TZ, hall_day

TAKEN = ("booked", "checked_in")  # statuses that hold a place in a slot
# Class of the PostgreSQL advisory locks that guard one slot each (two-int form: a space of its own,
# apart from the single-key locks of migrations and the day's closing).
SLOT_LOCK_CLASS = 7_004_010


def day_slots(hall: HallContext, category: str, day: date) -> list[dapp.Slot]:
    """The line's slots on ``day`` (none on a day off). Raises the domain's UnknownCategory."""
    c = hall.categories.get().get(category)
    if c is None:
        raise derr.UnknownCategory(category=category)
    if not hall.calendar.get().is_working_day(day):
        return []
    o = hall.options
    return dapp.day_slots(category, day, domain_category(c).hours, minutes=o.slot_minutes,
                          capacity=o.slot_capacity)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=HALL_TZ)
    return start, start + timedelta(days=1)


def booked_counts(s: Session, category: str, day: date) -> Counter[datetime]:
    """Places taken per slot start on ``day`` in ``category``."""
    lo, hi = _day_bounds(day)
    rows = s.execute(select(Appointment.slot_start, func.count()).where(
        Appointment.category == category, Appointment.status.in_(TAKEN), Appointment.slot_start >= lo,
        Appointment.slot_start < hi).group_by(Appointment.slot_start)).all()
    return Counter({start: n for start, n in rows})


def slots_out(hall: HallContext, category: str, day: date) -> list[SlotOut]:
    """``GET /appointments/slots``: start, end, capacity, booked — no personal data."""
    slots = day_slots(hall, category, day)
    with hall.db.read() as s:
        counts = booked_counts(s, category, day)
    return [SlotOut(start=x.start, end=x.end, capacity=x.capacity, booked=counts.get(x.start, 0)) for x in slots]


def with_bookings(hall: HallContext, category: str, day: date) -> list[SlotWithBookingsOut]:
    """For the counter and the dashboard: each slot with its bookings (code, status, masked ID)."""
    slots = day_slots(hall, category, day)
    lo, hi = _day_bounds(day)
    with hall.db.read() as s:
        rows = s.execute(select(Appointment, ServiceItem.name_zh).outerjoin(
            ServiceItem, ServiceItem.code == Appointment.item_code).where(
            Appointment.category == category, Appointment.slot_start >= lo, Appointment.slot_start < hi)
            .order_by(Appointment.slot_start, Appointment.id)).all()
        by_start: dict[datetime, list[SlotBookingOut]] = {}
        for a, item_name in rows:
            by_start.setdefault(a.slot_start, []).append(SlotBookingOut(
                code=a.code, status=a.status, item_code=a.item_code, item_name=item_name, id_masked=a.id_masked,
                ticket_id=a.ticket_id))
    return [SlotWithBookingsOut(start=x.start, end=x.end, capacity=x.capacity,
                                booked=sum(1 for b in by_start.get(x.start, []) if b.status in TAKEN),
                                bookings=by_start.get(x.start, [])) for x in slots]


def grid_slot(hall: HallContext, category: str, start: datetime) -> dapp.Slot:
    """The line's slot that begins at ``start`` (a citizen books only those). Raises NoSuchSlot."""
    for slot in day_slots(hall, category, hall_day(start)):
        if slot.start == start:
            return slot
    raise NoSuchSlot()


def slot_lock_key(category: str, start: datetime) -> int:
    """The slot's advisory lock key (a signed 32-bit number; two slots sharing one only wait for each other)."""
    return zlib.crc32(f"{category}|{start.astimezone(UTC).isoformat()}".encode()) - 2**31


def lock_slot(s: Session, category: str, start: datetime) -> None:
    """Hold the slot beginning at ``start`` until the transaction ends, so that counting its places and
    taking one is a single step for every replica. PostgreSQL: a transaction-scoped advisory lock (no
    row needs to exist first; it goes with the commit or rollback). SQLite: nothing to do — every write
    transaction began with BEGIN IMMEDIATE (hall.server.core.db), so writers already take turns."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"),
                  {"c": SLOT_LOCK_CLASS, "k": slot_lock_key(category, start)})


def check_room(s: Session, category: str, start: datetime, capacity: int) -> None:
    """Locks the slot beginning at ``start`` for the rest of the write transaction (:func:`lock_slot`),
    then raises SlotFull when ``capacity`` places are taken. The count runs after the lock is granted, so
    under READ COMMITTED it sees every booking committed by the lock's previous holder."""
    lock_slot(s, category, start)
    taken = s.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.category == category, Appointment.slot_start == start, Appointment.status.in_(TAKEN))) or 0
    if taken >= capacity:
        raise SlotFull(capacity=capacity)
