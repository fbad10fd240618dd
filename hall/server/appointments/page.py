"""The citizens' booking page (``/book``, ``/book/{code}``) and its JSON calls: public, no login.

No CDN: one HTML file with its script inline; the QR is an SVG made here. The page's calls live under
``/book/api`` (docs/booking.md); the slot list is the public ``GET /api/v1/appointments/slots``.
"""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from hall.server.appointments import citizen
from hall.server.appointments.schemas import CitizenBookIn, CitizenBookingOut, MoveIn, PhoneCodeIn, PhoneCodeOut
from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext
from hall.server.core.schemas import ERRORS
from hall.server.domain.hallday import hall_day

router = APIRouter(tags=["booking"], responses=ERRORS)
Code = PathParam(pattern=r"^[0-9A-Za-z-]{9,13}$")
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class ItemRef(BaseModel):
    code: str
    name: str


class LineRef(BaseModel):
    code: str
    name: str
    name_en: str
    items: list[ItemRef]


class LinesOut(BaseModel):
    lines: list[LineRef]
    days: list[str]


@cache
def _template() -> str:
    return (Path(__file__).with_name("book.html")).read_text(encoding="utf-8")


def _page(hall: HallContext, code: str = "") -> HTMLResponse:
    text = _template().replace("__HALL__", html.escape(hall.options.hall_name_zh)).replace("__CODE__", code)
    return HTMLResponse(text, headers=_HEADERS)


def _hall(request: Request) -> HallContext:
    hall: HallContext = request.app.state.hall
    return hall


@router.get("/book", response_class=HTMLResponse)
def book_page(request: Request) -> HTMLResponse:
    return _page(_hall(request))


@router.get("/book/api/lines", response_model=LinesOut)
def lines(request: Request) -> LinesOut:
    """The lines and their items to book, and the bookable days (working days up to N ahead)."""
    hall = _hall(request)
    with hall.db.read() as s:
        items = list(s.execute(select(ServiceItem.code, ServiceItem.name_zh, ServiceItem.category).where(
            ServiceItem.active.is_(True)).order_by(ServiceItem.code)))
    cats = sorted(hall.categories.get().values(), key=lambda c: c.code)
    out = [LineRef(code=c.code, name=c.name_zh, name_en=c.name_en or c.name_zh,
                   items=[ItemRef(code=code, name=name) for code, name, cat in items if cat == c.code]) for c in cats]
    today, calendar = hall_day(datetime.now(UTC)), hall.calendar.get()
    days = [today + timedelta(days=n) for n in range(hall.options.booking_days_ahead + 1)]
    return LinesOut(lines=out, days=[d.isoformat() for d in days if calendar.is_working_day(d)])


@router.post("/book/api/phone-code", status_code=202, response_model=PhoneCodeOut)
def phone_code(request: Request, body: PhoneCodeIn) -> PhoneCodeOut:
    """An SMS code for the mobile number (rate-limited per number and per client address)."""
    client = request.client.host if request.client else "?"
    return citizen.send_code(_hall(request), body.phone, client=client)


@router.post("/book/api/bookings", status_code=201, response_model=CitizenBookingOut)
def book(request: Request, body: CitizenBookIn) -> CitizenBookingOut:
    return citizen.book(_hall(request), body)


@router.get("/book/api/bookings/{code}", response_model=CitizenBookingOut)
def read(request: Request, code: str = Code) -> CitizenBookingOut:
    return citizen.read(_hall(request), code)


@router.post("/book/api/bookings/{code}/cancel", response_model=CitizenBookingOut)
def cancel(request: Request, code: str = Code) -> CitizenBookingOut:
    return citizen.cancel(_hall(request), code)


@router.post("/book/api/bookings/{code}/move", response_model=CitizenBookingOut)
def move(request: Request, body: MoveIn, code: str = Code) -> CitizenBookingOut:
    return citizen.move(_hall(request), code, body.slot_start)


@router.get("/book/{code}/qr.svg", response_class=Response)
def qr(request: Request, code: str = Code) -> Response:
    """The booking's QR (``appt:K7M2-9QXA-3``, what the kiosk's check-in scans)."""
    b = citizen.read(_hall(request), code)
    img = qrcode.make(b.qr_text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return Response(buf.getvalue(), media_type="image/svg+xml", headers=_HEADERS)


# A bad or unknown code is answered with the API's JSON error body, and documented so.
_JSON_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


@router.get("/book/{code}", response_class=HTMLResponse, responses={404: _JSON_ERROR, 422: _JSON_ERROR})
def manage_page(request: Request, code: str = Code) -> HTMLResponse:
    """The booking's own page: see, cancel or move it (the code is its secret)."""
    hall = _hall(request)
    citizen.read(hall, code)
    return _page(hall, html.escape(code))
