"""Dashboard charts (tickets per hour per category, wait-time distribution) and the day/week report,
as JSON and as CSV. Definitions are in docs/dashboard.md."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select

from hall.server.auth import HallDep
from hall.server.context import HallContext
from hall.server.domain.hallday import day_bounds, hall_day
from hall.server.errors import ApiError
from hall.server.models import Evaluation, Ticket
from hall.server.routes.dashboard_auth import Manager
from hall.server.routes.dashboard_stats import CSV_COLUMNS, Tally, wait_histogram

router = APIRouter()
DayParam = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="hall day, default today")]
Period = Annotated[Literal["day", "week"], Query(description="day, or the Monday–Sunday week of `date`")]
TOTAL = "ALL"


def _tz(hall: HallContext) -> ZoneInfo:
    return ZoneInfo(hall.options.timezone)


def _day(hall: HallContext, text: str | None) -> date:
    if not text:
        return hall_day(datetime.now(UTC), tz=_tz(hall))
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, "dashboard.bad_date", "date must be a real YYYY-MM-DD day") from None
    # Week arithmetic at the ends of the calendar would overflow; no hall has data there anyway.
    if not 2000 <= d.year <= 2100:
        raise ApiError(422, "dashboard.bad_date", "date must be between 2000 and 2100")
    return d


def period_days(period: str, day: date) -> tuple[date, date]:
    """Inclusive first and last hall day of the period."""
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    return day, day


def _secs(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() if a and b else None


@router.get("/charts")
def charts(hall: HallDep, user: Manager, day: DayParam = None) -> dict[str, Any]:
    """Tickets issued per local hour per category, and the distribution of waits (issue → first call)."""
    d = _day(hall, day)
    tz = _tz(hall)
    cats = [c for c in hall.categories.get(hall.db).values() if c.active]
    per_hour: dict[str, list[int]] = {c.code: [0] * 24 for c in cats}
    waits: list[float] = []
    with hall.db.read() as s:
        rows = s.execute(select(Ticket.category, Ticket.issued_at, Ticket.called_at)
                         .where(Ticket.hall_day == d.isoformat())).all()
    for cat, issued, called in rows:
        per_hour.setdefault(cat, [0] * 24)[issued.astimezone(tz).hour] += 1
        wait = _secs(issued, called)
        if wait is not None:
            waits.append(wait)
    return {"day": d.isoformat(), "hours": list(range(24)),
            "categories": [{"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en} for c in cats],
            "per_hour": per_hour, "waits": wait_histogram(waits), "waits_n": len(waits)}


def report(hall: HallContext, period: str, day: date) -> dict[str, Any]:
    first, last = period_days(period, day)
    tz = _tz(hall)
    cats = hall.categories.get(hall.db)
    tallies: dict[str, Tally] = {code: Tally() for code, c in cats.items() if c.active}
    total = Tally()
    with hall.db.read() as s:
        tickets = s.execute(select(Ticket.id, Ticket.category, Ticket.status, Ticket.issued_at, Ticket.called_at,
                                   Ticket.started_at, Ticket.finished_at).where(
            Ticket.hall_day >= first.isoformat(), Ticket.hall_day <= last.isoformat())).all()
        start, _ = day_bounds(first, tz=tz)
        _, end = day_bounds(last, tz=tz)
        ratings = s.execute(select(Evaluation.level, Ticket.category).outerjoin(
            Ticket, Ticket.id == Evaluation.ticket_id).where(
            Evaluation.created_at >= start, Evaluation.created_at < end)).all()
    for _id, cat, status, issued, called, started, finished in tickets:
        handling = _secs(started or called, finished) if status == "done" else None
        wait = _secs(issued, called)
        tallies.setdefault(cat, Tally()).add_ticket(status, wait, handling)
        total.add_ticket(status, wait, handling)
    for level, cat in ratings:
        if cat is not None:
            tallies.setdefault(cat, Tally()).ratings.append(int(level))
        total.ratings.append(int(level))
    rows = []
    for code in sorted(tallies):
        c = cats.get(code)
        rows.append({"category": code, "category_name": c.name_zh if c else code,
                     "category_name_en": c.name_en if c else code, **tallies[code].row()})
    rows.append({"category": TOTAL, "category_name": "合计", "category_name_en": "Total", **total.row()})
    return {"period": period, "period_start": first.isoformat(), "period_end": last.isoformat(), "rows": rows}


@router.get("/report")
def report_route(hall: HallDep, user: Manager, period: Period = "day", date: DayParam = None) -> dict[str, Any]:
    """Per-category report for a hall day or week: tickets, waits p50/p90, handling time, no-shows, ratings."""
    return report(hall, period, _day(hall, date))


def report_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    # A BOM so Excel (what most halls open it with) reads the Chinese names as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in data["rows"]:
        full = {"period_start": data["period_start"], "period_end": data["period_end"], **row}
        writer.writerow(["" if full.get(col) is None else _cell(full[col]) for col in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> str:
    text = str(value)
    # Spreadsheet formula injection: a cell must never start with = + - @ (category names are data).
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@router.get("/report.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def report_csv_route(hall: HallDep, user: Manager, period: Period = "day", date: DayParam = None) -> Response:
    data = report(hall, period, _day(hall, date))
    name = f"hall-report-{period}-{data['period_start']}.csv"
    return Response(report_csv(data), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
