"""Appointments (预约) over the API; ``hall.client`` reads them with these classes."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from hall.server.core.schemas import CodeText, In, IsoTime, Out
from hall.server.tickets.schemas import TERMINAL_PATTERN, TicketOut


class BookIn(In):
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    category: str = Field(pattern=r"^[A-Z]$")
    item_code: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    slot_start: AwareDatetime
    slot_end: AwareDatetime


class CheckInIn(In):
    """By booking code or by ID number (exactly one of them)."""

    code: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    id_number: str | None = Field(default=None, min_length=15, max_length=18, repr=False)
    terminal_id: Annotated[str | None, CodeText] = Field(default=None, pattern=TERMINAL_PATTERN)


class AppointmentOut(Out):
    id: int
    code: str
    category: str
    item_code: str | None = None
    status: str
    slot_start: IsoTime
    slot_end: IsoTime
    ticket_id: int | None = None
    id_masked: str | None = None


class AppointmentDetailOut(AppointmentOut):
    """The booking behind a ticket, for the counter: with the line's and the item's names."""

    category_name: str
    category_name_en: str = ""
    item_name: str | None = None
    item_name_en: str | None = None
    created_at: IsoTime


class CheckInOut(Out):
    appointment: AppointmentOut
    ticket: TicketOut
