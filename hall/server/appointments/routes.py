"""Appointments: book (with the no-show blacklist), check in by booking code or ID number → priority ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select

from hall.server.appointments.models import Appointment
from hall.server.auth.deps import ClerkRole, HallDep, TerminalRole
from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext, Tx
from hall.server.core.http_errors import ApiError
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdPath
from hall.server.core.schemas import ERRORS
from hall.server.domain import appointments as dapp
from hall.server.domain import errors as derr
from hall.server.domain.identity import parse_id_number
from hall.server.domain.rules import BlacklistRule, blacklist_refusal
from hall.server.tickets import service as tsvc
from hall.server.tickets.schemas import TERMINAL_PATTERN, TicketIn

router = APIRouter(tags=["appointments"], responses=ERRORS)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


class BookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    category: str = Field(pattern=r"^[A-Z]$")
    item_code: str | None = Field(default=None, max_length=32)
    slot_start: AwareDatetime
    slot_end: AwareDatetime


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str | None = Field(default=None, max_length=32)
    id_number: str | None = Field(default=None, min_length=15, max_length=18, repr=False)
    terminal_id: str | None = Field(default=None, pattern=TERMINAL_PATTERN)


def view(a: Appointment) -> dict[str, Any]:
    return {"id": a.id, "code": a.code, "category": a.category, "item_code": a.item_code, "status": a.status,
            "slot_start": a.slot_start.isoformat(), "slot_end": a.slot_end.isoformat(), "ticket_id": a.ticket_id,
            "id_masked": a.id_masked}


def _window(hall: HallContext) -> dapp.CheckInWindow:
    return dapp.CheckInWindow(early_minutes=hall.options.checkin_early_min, late_minutes=hall.options.checkin_late_min)


def _refusal(tx: Tx, hall: HallContext, id_hash: str, now: datetime, *, besides: int | None = None
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


def _refused(decision: dapp.CheckInDecision, appt: Appointment, hall: HallContext) -> ApiError:
    """The check-in refusal with everything a terminal shows: ``reason`` (too_early, too_late, wrong_day,
    already_checked_in, cancelled, blacklisted) at the top and in ``params``, when to come back (UTC and
    hall-local ``HH:MM``), the slot, and the zh/en text (docs/api.md, "Appointments")."""
    reason = decision.reason.value if decision.reason else "refused"
    back = decision.come_back_at
    params: dict[str, Any] = {
        "reason": reason, "detail_zh": decision.message_zh, "detail_en": decision.message_en,
        "come_back_at": back.isoformat() if back else None,
        "come_back_local": back.astimezone(ZoneInfo(hall.options.timezone)).strftime("%H:%M") if back else None,
        "slot_start": appt.slot_start.isoformat(), "slot_end": appt.slot_end.isoformat(),
        "booking_code": appt.code, "category": appt.category}
    return ApiError(422, "check_in_refused", decision.message_en, message_zh=decision.message_zh,
                    message_en=decision.message_en, reason=reason, come_back_at=params["come_back_at"],
                    params=params)


@router.post("/appointments", status_code=201)
def book(body: BookIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    person = parse_id_number(body.id_number)
    if body.slot_end <= body.slot_start:
        raise ApiError(422, "appointment.slot", "slot_end must be after slot_start")
    if body.category not in hall.categories.get():
        raise derr.UnknownCategory(category=body.category)

    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        now = datetime.now(UTC)
        id_hash = hall.keyring.id_hash(person.value)
        refusal = _refusal(tx, hall, id_hash, now)
        if refusal is not None:
            raise refusal
        a = Appointment(code=dapp.new_booking_code(), id_hash=id_hash, id_masked=person.masked,
                        category=body.category, item_code=body.item_code, slot_start=body.slot_start,
                        slot_end=body.slot_end, status="booked", created_at=now)
        tx.session.add(a)
        tx.session.flush()
        return 201, view(a)

    status, out = run_idempotent(hall, scope="POST /appointments", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


@router.post("/appointments/check-in", status_code=201)
def check_in(body: CheckInIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    """Within the slot window (early/late minutes) → a ticket with appointment priority; else a clear reason."""
    if (body.code is None) == (body.id_number is None):
        raise ApiError(422, "checkin.target", "give exactly one of code or id_number")

    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        now = datetime.now(UTC)
        if body.code is not None:
            appt = tx.session.scalar(select(Appointment).where(
                Appointment.code == dapp.parse_booking_code(body.code)))
        else:
            id_hash = hall.keyring.id_hash(parse_id_number(body.id_number or "").value)
            rows = tx.session.scalars(select(Appointment).where(Appointment.id_hash == id_hash)).all()
            # The citizen's booking nearest to now; without one, the nearest of any state, so a second
            # check-in hears "already checked in" rather than "no appointment".
            booked = [a for a in rows if a.status == "booked"] or list(rows)
            appt = min(booked, key=lambda a: abs((a.slot_start - now).total_seconds()), default=None)
        if appt is None:
            raise ApiError(404, "appointment.not_found", "no appointment found; please take an ordinary ticket")
        paused = _refusal(tx, hall, appt.id_hash, now, besides=appt.id) if appt.status == "booked" else None
        decision = dapp.decide_check_in(
            dapp.Appointment(appt.id, appt.code, appt.category, appt.slot_start, appt.slot_end, appt.status),
            now, window=_window(hall),
            paused_until=datetime.fromisoformat(paused.params["until_utc"]) if paused is not None else None)
        if not decision.ok:
            raise _refused(decision, appt, hall)
        _, ticket = tsvc.issue_request(hall, tx, TicketIn(category=appt.category, terminal_id=body.terminal_id),
                                       now=now, appointment_id=appt.id, source="appointment", priority="appointment")
        appt.status, appt.ticket_id = "checked_in", ticket.id
        return 201, {"appointment": view(appt), "ticket": tsvc.dump(ticket)}

    status, out = run_idempotent(hall, scope="POST /appointments/check-in", key=key,
                                 payload=body.model_dump(mode="json"), action=action)
    return JSONResponse(out, status_code=status)


@router.get("/appointments/{appointment_id}")
def read_appointment(appointment_id: IdPath, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    """The booking behind a ticket, for the counter: slot, category and item names, status, masked ID."""
    with hall.db.read() as s:
        a = s.get(Appointment, appointment_id)
        if a is None:
            raise ApiError(404, "appointment.not_found", "no such appointment")
        item = s.get(ServiceItem, a.item_code) if a.item_code else None
    cat = hall.categories.get().get(a.category)
    return {**view(a), "category_name": cat.name_zh if cat else a.category,
            "category_name_en": cat.name_en if cat else a.category,
            "item_name": item.name_zh if item else None, "item_name_en": item.name_en if item else None,
            "created_at": a.created_at.isoformat()}
