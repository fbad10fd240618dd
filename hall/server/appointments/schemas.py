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


class SlotOut(Out):
    """A bookable slot of a line: public (no personal data)."""

    start: IsoTime
    end: IsoTime
    capacity: int
    booked: int


class SlotBookingOut(Out):
    code: str
    status: str
    item_code: str | None = None
    item_name: str | None = None  # the clerk reads 社会保障卡申领, not A-004
    id_masked: str | None = None
    ticket_id: int | None = None


class SlotWithBookingsOut(SlotOut):
    """For the counter and the dashboard: the slot with its bookings (masked)."""

    bookings: list[SlotBookingOut]


MOBILE = r"^1[3-9][0-9]{9}$"


class PhoneCodeIn(In):
    phone: str = Field(pattern=MOBILE, repr=False)


class PhoneCodeOut(Out):
    sent: bool
    retry_after_s: int


class CitizenBookIn(In):
    """A citizen's booking from /book: the slot, the ID number (for check-in and the no-show rule) and the
    mobile number confirmed by the SMS code."""

    category: str = Field(pattern=r"^[A-Z]$")
    item_code: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    slot_start: AwareDatetime
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    phone: str = Field(pattern=MOBILE, repr=False)
    sms_code: str = Field(pattern=r"^[0-9]{6}$", repr=False)


class MoveIn(In):
    slot_start: AwareDatetime


class CitizenBookingOut(AppointmentOut):
    """What /book/{code} shows: the booking, the line's and item's names; the QR carries ``appt:CODE``."""

    category_name: str = ""
    item_name: str | None = None
    qr_text: str = ""
