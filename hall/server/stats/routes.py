"""Statistics for the manager: live queues and the day/week report (JSON or CSV; the dashboard's report)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from hall.server.auth.deps import HallDep, ManagerRole
from hall.server.core.schemas import ERRORS
from hall.server.dashboard.report import csv_response
from hall.server.domain.hallday import hall_day
from hall.server.stats import service as svc
from hall.server.stats.errors import BadDay
from hall.server.stats.report import report as build_report
from hall.server.stats.schemas import LiveOut, StatsReportOut

router = APIRouter(tags=["statistics"], responses=ERRORS)


@router.get("/stats/live", response_model=LiveOut)
def live(hall: HallDep, who: ManagerRole) -> LiveOut:
    """The same content as the ``queue.snapshot`` event, on demand; flags SLA breaches."""
    return svc.live(hall)


@router.get("/stats/report", response_model=StatsReportOut,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def stats_report(hall: HallDep, who: ManagerRole, period: Literal["day", "week"] = "day",
                 day: date | None = None, format: Literal["json", "csv"] = Query("json")) -> StatsReportOut | Response:
    """The day/week report of the dashboard — the same function, definitions and CSV (docs/dashboard.md):
    a day is a hall day, a week the Monday–Sunday week containing ``day`` (default today), one row per
    category plus ``ALL``. The JSON adds ``from``/``to`` (= ``period_start``/``period_end``)."""
    if day is not None and not 2000 <= day.year <= 2100:
        raise BadDay()
    data = build_report(hall, period, day or hall_day(datetime.now(UTC)))
    if format == "csv":
        return csv_response(data)
    return StatsReportOut.model_validate({**dict(data), "from": data.period_start, "to": data.period_end})
