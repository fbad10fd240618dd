"""Citizens' own bookings (/book): an SMS code proves the mobile number, then a slot of the line's grid
is booked while it has room; the booking code lets its holder cancel or move it (docs/booking.md)."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hall.server.appointments import service as svc
from hall.server.appointments.errors import (
    AppointmentNotFound,
    BookingClosed,
    NoSmsSender,
    PhoneCodeTooSoon,
    PhoneCodeWrong,
    SlotPast,
    SlotTooFar,
)
from hall.server.appointments.models import Appointment, PhoneCode
from hall.server.appointments.schemas import CitizenBookIn, CitizenBookingOut, PhoneCodeOut
from hall.server.appointments.slots import check_room, grid_slot
from hall.server.appointments.sms import queue_sms, sms_message
from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext
from hall.server.domain import appointments as dapp
from hall.server.domain.hallday import hall_day
from hall.server.domain.identity import parse_id_number
from hall.server.domain.notifications import NoticeKind

MAX_TRIES = 5  # wrong codes per sent code before it is spent
_STATUS_ZH = {"checked_in": "签到", "cancelled": "取消", "missed": "过期", "booked": "开始"}


def _hash(hall: HallContext, what: str, text: str) -> str:
    return hall.keyring.sign_code(f"{what}:{text}")


def send_code(hall: HallContext, phone: str, *, client: str, now: datetime | None = None) -> PhoneCodeOut:
    """Send a 6-digit code to ``phone``. Raises NoSmsSender, PhoneCodeTooSoon (at most one a minute and
    ``sms_codes_per_phone_hour`` an hour per number, ``sms_codes_per_client_hour`` per client address)."""
    if not hall.connectors.offers("sms"):
        raise NoSmsSender()
    o, now = hall.options, now or datetime.now(UTC)
    phone_hash, client_hash = _hash(hall, "phone", phone), _hash(hall, "client", client)
    hour = now - timedelta(hours=1)
    code = f"{secrets.randbelow(10**6):06d}"
    with hall.unit() as tx:
        s = tx.session
        for column, value, limit in ((PhoneCode.phone_hash, phone_hash, o.sms_codes_per_phone_hour),
                                     (PhoneCode.client_hash, client_hash, o.sms_codes_per_client_hour)):
            recent = list(s.scalars(select(PhoneCode.created_at).where(column == value, PhoneCode.created_at > hour)
                                    .order_by(PhoneCode.created_at)))
            gap = timedelta(seconds=o.sms_code_interval_s)
            if recent and column is PhoneCode.phone_hash and recent[-1] > now - gap:
                raise PhoneCodeTooSoon(retry_after_s=_seconds(recent[-1] + gap, now))
            if len(recent) >= limit:
                raise PhoneCodeTooSoon(retry_after_s=_seconds(recent[-limit] + timedelta(hours=1), now))
        row = PhoneCode(phone_hash=phone_hash, client_hash=client_hash, code_hash=_hash(hall, phone_hash, code),
                        created_at=now, expires_at=now + timedelta(seconds=o.sms_code_ttl_s), attempts=0, used=False)
        s.add(row)
        s.flush()
        minutes = max(1, o.sms_code_ttl_s // 60)
        queue_sms(hall, tx, key=f"code:{row.id}", to=phone, message=sms_message(
            f"code:{row.id}", NoticeKind.BOOKING_CODE,
            f"【{o.hall_name_zh}】您的预约验证码为 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本短信。",
            f"[{o.hall_name_en}] Your booking code is {code}, valid for {minutes} minutes."))
    return PhoneCodeOut(sent=True, retry_after_s=o.sms_code_interval_s)


def _seconds(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds()) + 1)


def _check_code(hall: HallContext, phone: str, code: str, now: datetime) -> int:
    """The id of the unspent code row ``code`` matches; a wrong try is counted (and committed) first.
    Raises PhoneCodeWrong."""
    phone_hash = _hash(hall, "phone", phone)
    with hall.unit() as tx:
        row = tx.session.scalar(select(PhoneCode).where(
            PhoneCode.phone_hash == phone_hash, PhoneCode.used.is_(False), PhoneCode.expires_at > now,
            PhoneCode.attempts < MAX_TRIES).order_by(PhoneCode.created_at.desc()).limit(1))
        if row is None:
            good = None
        elif secrets.compare_digest(row.code_hash, _hash(hall, phone_hash, code)):
            good = row.id
        else:
            row.attempts += 1
            good = None
    if good is None:
        raise PhoneCodeWrong()
    return good


def _check_when(hall: HallContext, start: datetime, now: datetime) -> None:
    if start <= now:
        raise SlotPast()
    days = hall.options.booking_days_ahead
    if (hall_day(start) - hall_day(now)).days > days:
        raise SlotTooFar(days=days)


def book(hall: HallContext, body: CitizenBookIn) -> CitizenBookingOut:
    """Book one of the line's slots. Raises InvalidIdNumber, NoSuchSlot, SlotPast, SlotTooFar,
    PhoneCodeWrong, SlotFull, UnknownCategory, the domain's Blacklisted (booking paused after no-shows)."""
    now = datetime.now(UTC)
    person = parse_id_number(body.id_number)
    slot = grid_slot(hall, body.category, body.slot_start)
    _check_when(hall, slot.start, now)
    code_id = _check_code(hall, body.phone, body.sms_code, now)
    with hall.unit() as tx:
        s = tx.session
        spent = s.execute(update(PhoneCode).where(PhoneCode.id == code_id, PhoneCode.used.is_(False))
                          .values(used=True))
        if not spent.rowcount:  # type: ignore[attr-defined]
            raise PhoneCodeWrong()
        check_room(s, slot.category, slot.start, slot.capacity)
        id_hash = hall.keyring.id_hash(person.value)
        refusal = svc._pause(tx, hall, id_hash, now)
        if refusal is not None:
            raise refusal
        phone_enc = hall.keyring.encrypt({"channel": "sms", "to": body.phone})
        a = Appointment(code=dapp.new_booking_code(), id_hash=id_hash, id_masked=person.masked,
                        category=slot.category, item_code=body.item_code, slot_start=slot.start, slot_end=slot.end,
                        status="booked", created_at=now, phone_enc=base64.b64encode(phone_enc).decode())
        s.add(a)
        s.flush()
        out = _out(hall, s, a)
    return out


def _out(hall: HallContext, s: Session, a: Appointment) -> CitizenBookingOut:
    cat = hall.categories.get().get(a.category)
    item = s.get(ServiceItem, a.item_code) if a.item_code else None
    base = svc.appointment_out(a)
    return CitizenBookingOut(**dict(base), category_name=cat.name_zh if cat else a.category,
                             item_name=item.name_zh if item else None, qr_text=f"appt:{pretty(a.code)}")


def pretty(code: str) -> str:
    """``K7M29QXA3`` → ``K7M2-9QXA-3`` (how it is printed and read out)."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def _find(s: Session, code: str) -> Appointment:
    a = s.scalar(select(Appointment).where(Appointment.code == dapp.parse_booking_code(code)))
    if a is None:
        raise AppointmentNotFound()
    return a


def read(hall: HallContext, code: str) -> CitizenBookingOut:
    """Raises InvalidCode, AppointmentNotFound."""
    with hall.db.read() as s:
        return _out(hall, s, _find(s, code))


def _changeable(a: Appointment, now: datetime) -> None:
    if a.status != "booked" or a.slot_start <= now:
        status = a.status if a.status != "booked" else "started"
        raise BookingClosed(status=status, status_zh=_STATUS_ZH.get(a.status, a.status))


def cancel(hall: HallContext, code: str) -> CitizenBookingOut:
    """Raises InvalidCode, AppointmentNotFound, BookingClosed."""
    now = datetime.now(UTC)
    with hall.unit() as tx:
        a = _find(tx.session, code)
        _changeable(a, now)
        a.status, a.phone_enc = "cancelled", None
        tx.session.flush()
        return _out(hall, tx.session, a)


def move(hall: HallContext, code: str, start: datetime) -> CitizenBookingOut:
    """Move to another slot of the same line. Raises InvalidCode, AppointmentNotFound, BookingClosed,
    NoSuchSlot, SlotPast, SlotTooFar, SlotFull."""
    now = datetime.now(UTC)
    with hall.unit() as tx:
        a = _find(tx.session, code)
        _changeable(a, now)
        slot = grid_slot(hall, a.category, start)
        _check_when(hall, slot.start, now)
        if slot.start != a.slot_start:
            check_room(tx.session, slot.category, slot.start, slot.capacity)
            a.slot_start, a.slot_end, a.reminded_at = slot.start, slot.end, None
        tx.session.flush()
        return _out(hall, tx.session, a)
