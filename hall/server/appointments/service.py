"""Bookings (with the no-show booking pause) and check-in by booking code or ID number → a priority ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.appointments.errors import (
    AppointmentNotFound,
    NoAppointmentFound,
    SlotOrder,
    SlotPast,
    SlotTooFar,
)
from hall.server.appointments.models import Appointment
from hall.server.appointments.schemas import AppointmentDetailOut, AppointmentOut, BookIn, CheckInIn, CheckInOut
from hall.server.appointments.slots import check_room
from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext, Tx
from hall.server.domain import appointments as dapp
from hall.server.domain import errors as derr
from hall.server.domain.identity import IdNumber, parse_id_number
from hall.server.domain.rules import BlacklistRule, blacklist_refusal
from hall.server.tickets import service as tsvc
from hall.server.tickets.schemas import TicketIn


def appointment_out(a: Appointment) -> AppointmentOut:
    return AppointmentOut(id=a.id, code=a.code, category=a.category, item_code=a.item_code, status=a.status,
                          slot_start=a.slot_start, slot_end=a.slot_end, ticket_id=a.ticket_id, id_masked=a.id_masked)


def _window(hall: HallContext) -> dapp.CheckInWindow:
    return dapp.CheckInWindow(early_minutes=hall.options.checkin_early_min, late_minutes=hall.options.checkin_late_min)


def _pause(tx: Tx, hall: HallContext, id_hash: str, now: datetime, *, besides: int | None = None
           ) -> derr.Blacklisted | None:
    """The domain's booking pause for this person, from their missed appointments (explained to them);
    ``besides``: an appointment not to count (the one being checked in)."""
    o = hall.options
    rule = BlacklistRule(misses=o.blacklist_misses, window_days=o.blacklist_days, ban_days=o.blacklist_days)
    late = timedelta(minutes=o.checkin_late_min)
    rows = tx.session.scalars(select(Appointment).where(
        Appointment.id_hash == id_hash, Appointment.slot_start >= now - timedelta(days=2 * o.blacklist_days))).all()
    missed = [a.slot_end for a in rows if a.id != besides and (
        a.status == "missed" or (a.status == "booked" and a.slot_end + late < now))]
    return blacklist_refusal(missed, now, rule=rule)


def check_booking(hall: HallContext, body: BookIn, *, staff: bool = False) -> IdNumber:
    """What can be refused before the write: the ID number, the slot (over — unless ``staff`` record it —
    or beyond the booking horizon), the line. Raises InvalidIdNumber, SlotOrder, SlotPast, SlotTooFar,
    UnknownCategory."""
    person = parse_id_number(body.id_number)
    if body.slot_end <= body.slot_start:
        raise SlotOrder()
    now = datetime.now(UTC)
    if body.slot_end <= now and not staff:
        raise SlotPast()
    horizon = hall.options.appointment_horizon_days
    if body.slot_start > now + timedelta(days=horizon):
        raise SlotTooFar(days=horizon)
    if body.category not in hall.categories.get():
        raise derr.UnknownCategory(category=body.category)
    return person


def book(hall: HallContext, tx: Tx, body: BookIn, person: IdNumber) -> AppointmentOut:
    """A new booking with its code. Raises the domain's Blacklisted while this person's booking is paused,
    SlotFull when ``slot_capacity`` bookings already hold that slot."""
    now = datetime.now(UTC)
    id_hash = hall.keyring.id_hash(person.value)
    refusal = _pause(tx, hall, id_hash, now)
    if refusal is not None:
        raise refusal
    check_room(tx.session, body.category, body.slot_start, hall.options.slot_capacity)
    a = Appointment(code=dapp.new_booking_code(), id_hash=id_hash, id_masked=person.masked, category=body.category,
                    item_code=body.item_code, slot_start=body.slot_start, slot_end=body.slot_end, status="booked",
                    created_at=now)
    tx.session.add(a)
    tx.session.flush()
    return appointment_out(a)


def _find(hall: HallContext, s: Session, body: CheckInIn, now: datetime) -> Appointment:
    if body.code is not None:
        appt = s.scalar(select(Appointment).where(Appointment.code == dapp.parse_booking_code(body.code)))
    else:
        id_hash = hall.keyring.id_hash(parse_id_number(body.id_number or "").value)
        rows = s.scalars(select(Appointment).where(Appointment.id_hash == id_hash)).all()
        # The citizen's booking nearest to now; without one, the nearest of any state, so a second
        # check-in hears "already checked in" rather than "no appointment".
        booked = [a for a in rows if a.status == "booked"] or list(rows)
        appt = min(booked, key=lambda a: abs((a.slot_start - now).total_seconds()), default=None)
    if appt is None:
        raise NoAppointmentFound()
    return appt


def _refused(decision: dapp.CheckInDecision, appt: Appointment, hall: HallContext) -> derr.CheckInRefused:
    """The check-in refusal with everything a terminal shows: ``reason`` (too_early, too_late, wrong_day,
    already_checked_in, cancelled, blacklisted) at the top and in ``params``, when to come back (UTC and
    hall-local ``HH:MM``), the slot, and the zh/en text (docs/api.md, "Appointments")."""
    back = decision.come_back_at
    return derr.CheckInRefused(
        reason=decision.reason.value if decision.reason else "refused", detail_zh=decision.message_zh,
        detail_en=decision.message_en, come_back_at=back.isoformat() if back else None,
        come_back_local=back.astimezone(ZoneInfo(hall.options.timezone)).strftime("%H:%M") if back else None,
        slot_start=appt.slot_start.isoformat(), slot_end=appt.slot_end.isoformat(), booking_code=appt.code,
        category=appt.category)


def check_in(hall: HallContext, tx: Tx, body: CheckInIn) -> CheckInOut:
    """Within the slot window (early/late minutes) → a ticket with appointment priority. Raises
    NoAppointmentFound, the domain's CheckInRefused (with the reason), InvalidCode, InvalidIdNumber."""
    now = datetime.now(UTC)
    appt = _find(hall, tx.session, body, now)
    paused = _pause(tx, hall, appt.id_hash, now, besides=appt.id) if appt.status == "booked" else None
    decision = dapp.decide_check_in(
        dapp.Appointment(appt.id, appt.code, appt.category, appt.slot_start, appt.slot_end,
                         dapp.AppointmentStatus(appt.status)),
        now, window=_window(hall),
        paused_until=datetime.fromisoformat(paused.params["until_utc"]) if paused is not None else None)
    if not decision.ok:
        raise _refused(decision, appt, hall)
    _, ticket = tsvc.issue_request(hall, tx, TicketIn(category=appt.category, terminal_id=body.terminal_id),
                                   now=now, appointment_id=appt.id, source="appointment", priority="appointment")
    appt.status, appt.ticket_id = "checked_in", ticket.id
    return CheckInOut(appointment=appointment_out(appt), ticket=ticket)


def read(hall: HallContext, appointment_id: int) -> AppointmentDetailOut:
    """The booking behind a ticket, for the counter. Raises AppointmentNotFound."""
    with hall.db.read() as s:
        a = s.get(Appointment, appointment_id)
        if a is None:
            raise AppointmentNotFound()
        item = s.get(ServiceItem, a.item_code) if a.item_code else None
        base = appointment_out(a)
        created_at = a.created_at
    cat = hall.categories.get().get(a.category)
    return AppointmentDetailOut(
        **dict(base), category_name=cat.name_zh if cat else a.category,
        category_name_en=cat.name_en if cat else a.category, item_name=item.name_zh if item else None,
        item_name_en=item.name_en if item else None, created_at=created_at)
