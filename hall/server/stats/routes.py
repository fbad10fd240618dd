"""Statistics for the manager: live queues and the day/week report (JSON or CSV; the dashboard's report)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query

from hall.server.auth.deps import HallDep, ManagerRole
from hall.server.core.http_errors import ApiError
from hall.server.core.schemas import ERRORS
from hall.server.dashboard.report import csv_response
from hall.server.domain.hallday import hall_day
from hall.server.stats.report import report as build_report
from hall.server.stats.service import snapshot

router = APIRouter(tags=["statistics"], responses=ERRORS)


@router.get("/stats/live")
def live(hall: HallDep, who: ManagerRole) -> dict[str, Any]:
    """The same content as the ``queue.snapshot`` event, on demand; flags SLA breaches."""
    snap = snapshot(hall)
    for c in snap["categories"]:
        sla = (c.get("sla_minutes") or 0) * 60
        c["sla_breached"] = bool(sla and c["longest_wait_s"] > sla)
        c["open_another_window"] = bool(sla and c["estimated_wait_s"] > sla)
    return snap


@router.get("/stats/report", response_model=None,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def stats_report(hall: HallDep, who: ManagerRole, period: Literal["day", "week"] = "day",
           day: date | None = None, format: Literal["json", "csv"] = Query("json")) -> Any:
    """The day/week report of the dashboard — the same function, definitions and CSV (docs/dashboard.md):
    a day is a hall day, a week the Monday–Sunday week containing ``day`` (default today), one row per
    category plus ``ALL``. The JSON adds ``from``/``to`` (= ``period_start``/``period_end``)."""
    if day is not None and not 2000 <= day.year <= 2100:
        raise ApiError(422, "stats.bad_date", "day must be between 2000 and 2100")
    data = build_report(hall, period, day or hall_day(datetime.now(UTC)))
    if format == "json":
        return {**data, "from": data["period_start"], "to": data["period_end"]}
    return csv_response(data)
