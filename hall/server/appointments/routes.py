"""Appointments: book (with the no-show blacklist), check in by booking code or ID number → priority ticket."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from hall.server.appointments import service as svc
from hall.server.appointments import slots
from hall.server.appointments.errors import CheckInTarget
from hall.server.appointments.schemas import (
    AppointmentDetailOut,
    AppointmentOut,
    BookIn,
    CheckInIn,
    CheckInOut,
    SlotOut,
    SlotWithBookingsOut,
)
from hall.server.auth.deps import ClerkRole, HallDep, TerminalRole
from hall.server.auth.tokens import STAFF
from hall.server.core.context import Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdemKey, IdPath
from hall.server.core.schemas import ERRORS

router = APIRouter(tags=["appointments"], responses=ERRORS)


@router.post("/appointments", status_code=201, response_model=AppointmentOut)
def book(body: BookIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    person = svc.check_booking(hall, body, staff=who.role in STAFF)

    def action(tx: Tx) -> tuple[int, Any]:
        return 201, svc.book(hall, tx, body, person).model_dump(mode="json")

    status, out = run_idempotent(hall, scope="POST /appointments", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


Category = Annotated[str, Query(pattern=r"^[A-Z]$")]


@router.get("/appointments/slots", response_model=list[SlotOut])
def list_slots(hall: HallDep, category: Category, day: date) -> list[SlotOut]:
    """Public (no login, no personal data): the line's slots that day with capacity and places booked."""
    return slots.slots_out(hall, category, day)


@router.get("/appointments/by-slot", response_model=list[SlotWithBookingsOut])
def bookings_by_slot(hall: HallDep, who: ClerkRole, category: Category, day: date) -> list[SlotWithBookingsOut]:
    """For the counter and the dashboard: each slot of the line that day with its bookings (ID masked)."""
    return slots.with_bookings(hall, category, day)


@router.post("/appointments/check-in", status_code=201, response_model=CheckInOut)
def check_in(body: CheckInIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    """Within the slot window (early/late minutes) → a ticket with appointment priority; else a clear reason."""
    if (body.code is None) == (body.id_number is None):
        raise CheckInTarget()

    def action(tx: Tx) -> tuple[int, Any]:
        return 201, svc.check_in(hall, tx, body).model_dump(mode="json")

    status, out = run_idempotent(hall, scope="POST /appointments/check-in", key=key,
                                 payload=body.model_dump(mode="json"), action=action)
    return JSONResponse(out, status_code=status)


@router.get("/appointments/{appointment_id}", response_model=AppointmentDetailOut)
def read_appointment(appointment_id: IdPath, hall: HallDep, who: ClerkRole) -> AppointmentDetailOut:
    """The booking behind a ticket, for the counter: slot, category and item names, status, masked ID."""
    return svc.read(hall, appointment_id)
