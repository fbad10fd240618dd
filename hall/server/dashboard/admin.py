"""The dashboard's admin tab (role ``admin`` only): lines (name, SLA target, daily cap, opening hours),
windows (lines served, weights) and the holiday calendar; the service items and their forms are in
``dashboard.items``.

Mounted under ``/api/v1/dashboard/admin``. A manager session gets 403 ``dashboard.admin_only`` on every
route; cookie sessions send ``X-CSRF-Token`` on writes like the rest of the dashboard. Every write is
audited in the transaction that makes it (docs/dashboard.md, "Admin tab").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field
from sqlalchemy import extract, select

from hall.server.audit import service as audit
from hall.server.calendar.models import CalendarDay
from hall.server.catalogue import service as catalogue
from hall.server.catalogue.models import Category
from hall.server.catalogue.schemas import CategoryIn, CategoryOut
from hall.server.core.context import HallContext
from hall.server.core.params import WindowNo
from hall.server.core.schemas import FreeText, In, Out
from hall.server.dashboard.auth import DashUser, current_user, writing_user
from hall.server.dashboard.errors import AdminOnly, BadCalendarDay, CalendarDayNotFound
from hall.server.domain.hallday import hall_day
from hall.server.domain.holidays import MAX_NAME, parse_holiday_csv
from hall.server.stats.service import refresh_estimates
from hall.server.windows import service as windows
from hall.server.windows.models import Window
from hall.server.windows.schemas import WindowIn, WindowOut

MAX_CSV = 256 * 1024


def _admin(user: DashUser) -> DashUser:
    if user.role != "admin":
        raise AdminOnly()
    return user


def admin_reader(user: Annotated[DashUser, Depends(current_user)]) -> DashUser:
    return _admin(user)


def admin_writer(user: Annotated[DashUser, Depends(writing_user)]) -> DashUser:
    return _admin(user)


Admin = Annotated[DashUser, Depends(admin_reader)]
AdminWrite = Annotated[DashUser, Depends(admin_writer)]
router = APIRouter(prefix="/admin")


def hall_of(request: Request) -> HallContext:
    hall: HallContext = request.app.state.hall
    return hall


class CalendarDayIn(In):
    working: bool = False
    name: Annotated[str, FreeText] = Field(default="", max_length=MAX_NAME)


class CalendarDayOut(Out):
    day: date
    working: bool
    name: str = ""


class CalendarImportIn(In):
    csv: str = Field(min_length=1, max_length=MAX_CSV)


class CalendarImportOut(Out):
    years: list[int]
    days_off: int
    working_days: int


# ---- lines: name, SLA target, daily cap, opening hours ----------------------------------------
@router.get("/categories", response_model=list[CategoryOut])
def list_categories(request: Request, user: Admin) -> list[CategoryOut]:
    """Every line, inactive ones too, ordered as the kiosk shows them."""
    with hall_of(request).db.read() as s:
        return [catalogue.category_out(c) for c in s.scalars(select(Category).order_by(Category.sort, Category.code))]


@router.put("/categories/{code}", response_model=CategoryOut)
def put_category(code: str, body: CategoryIn, request: Request, user: AdminWrite) -> CategoryOut:
    hall = hall_of(request)
    out = catalogue.put_category(hall, code, body, user)
    refresh_estimates(hall)
    return out


# ---- windows: lines served, weights -----------------------------------------------------------
@router.get("/windows", response_model=list[WindowOut])
def list_windows(request: Request, user: Admin) -> list[WindowOut]:
    with hall_of(request).db.read() as s:
        return [windows.window_out(w) for w in s.scalars(select(Window).order_by(Window.number))]


@router.put("/windows/{window}", response_model=WindowOut)
def put_window(window: WindowNo, body: WindowIn, request: Request,
               user: AdminWrite) -> WindowOut:
    """The same change as ``PUT /api/v1/windows/{n}``, from an admin session."""
    return windows.configure(hall_of(request), window, body, user)


# ---- the holiday calendar ---------------------------------------------------------------------
@router.get("/calendar", response_model=list[CalendarDayOut])
def list_calendar(request: Request, user: Admin,
                  year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> list[CalendarDayOut]:
    """The stored days of ``year`` (default: the hall's current year, in its time zone)."""
    year = year or hall_day(datetime.now(UTC)).year
    with hall_of(request).db.read() as s:
        rows = s.scalars(select(CalendarDay).where(extract("year", CalendarDay.day) == year).order_by(CalendarDay.day))
        return [CalendarDayOut(day=r.day, working=bool(r.working), name=r.name or "") for r in rows]


def _check_day(day: date) -> date:
    if not 2000 <= day.year <= 2100:
        raise BadCalendarDay()
    return day


@router.put("/calendar/{day}", response_model=CalendarDayOut)
def put_calendar_day(day: date, body: CalendarDayIn, request: Request, user: AdminWrite) -> CalendarDayOut:
    """Add or change one day: a holiday (休, ``working: false``) or a weekend day worked (班)."""
    hall = hall_of(request)
    _check_day(day)
    if body.working and day.weekday() < 5:
        raise BadCalendarDay()
    with hall.unit() as tx:
        row = tx.session.get(CalendarDay, day) or CalendarDay(day=day)
        row.working, row.name = body.working, body.name.strip()
        tx.session.add(row)
        audit.record(tx.session, user, "admin.calendar_day", f"day {day.isoformat()}",
                     f"{'班' if body.working else '休'} {row.name}")
    hall.calendar.forget()
    return CalendarDayOut(day=day, working=body.working, name=body.name.strip())


@router.delete("/calendar/{day}", response_model=CalendarDayOut)
def delete_calendar_day(day: date, request: Request, user: AdminWrite) -> CalendarDayOut:
    """Remove a day: it is again what its weekday says."""
    hall = hall_of(request)
    with hall.unit() as tx:
        row = tx.session.get(CalendarDay, day)
        if row is None:
            raise CalendarDayNotFound()
        out = CalendarDayOut(day=row.day, working=bool(row.working), name=row.name or "")
        tx.session.delete(row)
        audit.record(tx.session, user, "admin.calendar_remove", f"day {day.isoformat()}", out.name)
    hall.calendar.forget()
    return out


@router.post("/calendar/import", response_model=CalendarImportOut)
def import_calendar(body: CalendarImportIn, request: Request, user: AdminWrite) -> CalendarImportOut:
    """A holiday CSV (日期,类型,名称 — the format of ``hall admin import-holidays``): the years it covers
    are replaced whole, in one transaction; a bad file names its row and column and changes nothing."""
    hall = hall_of(request)
    days = parse_holiday_csv(body.csv)
    years = sorted({d.day.year for d in days})
    if any(not 2000 <= y <= 2100 for y in years):
        raise BadCalendarDay()
    off = sum(1 for d in days if not d.working)
    with hall.unit() as tx:
        if years:
            for row in tx.session.scalars(select(CalendarDay).where(extract("year", CalendarDay.day).in_(years))):
                tx.session.delete(row)
            tx.session.flush()
        tx.session.add_all(CalendarDay(day=d.day, working=d.working, name=d.name) for d in days)
        audit.record(tx.session, user, "admin.calendar_import", f"years {','.join(map(str, years)) or '-'}",
                     f"{off} off, {len(days) - off} working")
    hall.calendar.forget()
    return CalendarImportOut(years=years, days_off=off, working_days=len(days) - off)
