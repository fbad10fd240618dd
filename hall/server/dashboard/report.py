"""Dashboard charts (tickets per hour per category, wait-time distribution) and the day/week report,
as JSON and as CSV (computed by :mod:`hall.server.stats.report`, also behind ``/stats/report``).
Definitions are in docs/dashboard.md."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select

from hall.server.auth.deps import HallDep
from hall.server.core.context import HallContext
from hall.server.dashboard.auth import Manager
from hall.server.dashboard.errors import BadDate, DateOutOfRange
from hall.server.dashboard.schemas import ChartCategoryOut, ChartsOut, HistogramOut
from hall.server.dashboard.stats import wait_histogram
from hall.server.domain.hallday import hall_day
from hall.server.stats.report import TOTAL, csv_filename, period_days, report, report_csv, secs
from hall.server.stats.schemas import ReportOut
from hall.server.tickets.models import Ticket

router = APIRouter()
__all__ = ["TOTAL", "period_days", "report", "report_csv", "router"]  # re-exported: tests and /stats use them
DayParam = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="hall day, default today")]
Period = Annotated[Literal["day", "week"], Query(description="day, or the Monday–Sunday week of `date`")]


def _tz(hall: HallContext) -> ZoneInfo:
    return ZoneInfo(hall.options.timezone)


def _day(hall: HallContext, text: str | None) -> date:
    if not text:
        return hall_day(datetime.now(UTC), tz=_tz(hall))
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise BadDate() from None
    # Week arithmetic at the ends of the calendar would overflow; no hall has data there anyway.
    if not 2000 <= d.year <= 2100:
        raise DateOutOfRange()
    return d


@router.get("/charts", response_model=ChartsOut)
def charts(hall: HallDep, user: Manager, day: DayParam = None) -> ChartsOut:
    """Tickets issued per local hour per category, and the distribution of waits (issue → first call)."""
    d = _day(hall, day)
    tz = _tz(hall)
    cats = [c for c in hall.categories.get().values() if c.active]
    per_hour: dict[str, list[int]] = {c.code: [0] * 24 for c in cats}
    waits: list[float] = []
    with hall.db.read() as s:
        rows = s.execute(select(Ticket.category, Ticket.issued_at, Ticket.called_at)
                         .where(Ticket.hall_day == d.isoformat())).all()
    for cat, issued, called in rows:
        per_hour.setdefault(cat, [0] * 24)[issued.astimezone(tz).hour] += 1
        wait = secs(issued, called)
        if wait is not None:
            waits.append(wait)
    return ChartsOut(day=d.isoformat(), hours=list(range(24)),
                     categories=[ChartCategoryOut(code=c.code, name_zh=c.name_zh, name_en=c.name_en) for c in cats],
                     per_hour=per_hour, waits=HistogramOut(**wait_histogram(waits)), waits_n=len(waits))


@router.get("/report", response_model=ReportOut)
def report_route(hall: HallDep, user: Manager, period: Period = "day", date: DayParam = None) -> ReportOut:
    """Per-category report for a hall day or week: tickets, waits p50/p90, handling time, no-shows, ratings."""
    return report(hall, period, _day(hall, date))


@router.get("/report.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def report_csv_route(hall: HallDep, user: Manager, period: Period = "day", date: DayParam = None) -> Response:
    data = report(hall, period, _day(hall, date))
    return csv_response(data)


def csv_response(data: ReportOut) -> Response:
    """The report as the CSV file of docs/dashboard.md (also ``/stats/report?format=csv``, byte for byte)."""
    return Response(report_csv(data.model_dump()), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{csv_filename(data)}"',
                             "Cache-Control": "no-store"})
