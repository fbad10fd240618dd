"""Statistics for the manager: live queues, the day/week report (JSON or CSV; the dashboard's report) and
the report by anything (category, window, clerk, item over a day, week, month or range; JSON, CSV, XLSX)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from hall.server.auth.deps import HallDep, ManagerRole
from hall.server.core.schemas import ERRORS
from hall.server.dashboard.report import csv_response
from hall.server.domain.hallday import hall_day
from hall.server.stats import export
from hall.server.stats import service as svc
from hall.server.stats.breakdown import breakdown, period_range
from hall.server.stats.errors import BadDay
from hall.server.stats.report import report as build_report
from hall.server.stats.schemas import BreakdownOut, LiveOut, StatsReportOut

router = APIRouter(tags=["statistics"], responses=ERRORS)


@router.get("/stats/live", response_model=LiveOut)
def live(hall: HallDep, who: ManagerRole) -> LiveOut:
    """The same content as the ``queue.snapshot`` event, on demand; flags SLA breaches."""
    return svc.live(hall)


FromDay = Annotated[date | None, Query(alias="from", description="first hall day (instead of period)")]
ToDay = Annotated[date | None, Query(description="last hall day (with from)")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/stats/report", response_model=StatsReportOut | BreakdownOut,
            responses={200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}}})
def stats_report(hall: HallDep, who: ManagerRole, period: Literal["day", "week", "month"] = "day",
                 day: date | None = None, by: Literal["category", "window", "clerk", "item"] | None = None,
                 from_: FromDay = None, to: ToDay = None,
                 format: Literal["json", "csv", "xlsx"] = Query("json")) -> StatsReportOut | BreakdownOut | Response:
    """The report. Without ``by`` (and for a day or week as JSON/CSV) the dashboard's day/week report,
    unchanged: the same function, definitions and CSV (docs/dashboard.md), one row per category plus ``ALL``,
    the JSON adding ``from``/``to``. With ``by=category|window|clerk|item``, ``period=month``, ``from``/``to``
    or ``format=xlsx``: the report by anything (docs/dashboard.md, "Reports by anything"), ``{"rows": [...]}``
    in JSON, or CSV/XLSX with Chinese headers."""
    if day is not None and not 2000 <= day.year <= 2100:
        raise BadDay()
    today = day or hall_day(datetime.now(UTC))
    if by is None and period != "month" and from_ is None and to is None and format != "xlsx":
        data = build_report(hall, period, today)
        if format == "csv":
            return csv_response(data)
        return StatsReportOut.model_validate({**dict(data), "from": data.period_start, "to": data.period_end})
    first, last = period_range(period, today, start=from_, end=to)
    table = breakdown(hall, by=by or "category", period=period if from_ is None and to is None else "range",
                      first=first, last=last)
    if format == "json":
        return table
    body: str | bytes = export.to_csv(table) if format == "csv" else export.to_xlsx(table)
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{export.filename(table, format)}"',
        "Cache-Control": "no-store"})
