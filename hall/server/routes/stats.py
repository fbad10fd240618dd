"""Statistics for the manager's dashboard: live queues, today's charts, day/week report (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select

from hall.server.auth import HallDep, ManagerRole
from hall.server.domain.hallday import hall_day
from hall.server.models import Evaluation, Ticket
from hall.server.schemas import ERRORS
from hall.server.services.stats import snapshot

router = APIRouter(tags=["statistics"], responses=ERRORS)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


@router.get("/stats/live")
def live(hall: HallDep, who: ManagerRole) -> dict[str, Any]:
    """The same content as the ``queue.snapshot`` event, on demand; flags SLA breaches."""
    snap = snapshot(hall)
    for c in snap["categories"]:
        sla = (c.get("sla_minutes") or 0) * 60
        c["sla_breached"] = bool(sla and c["longest_wait_s"] > sla)
        c["open_another_window"] = bool(sla and c["estimated_wait_s"] > sla)
    return snap


def _report(hall: Any, first: date, last: date) -> list[dict[str, Any]]:
    tz = ZoneInfo(hall.options.timezone)
    with hall.db.read() as s:
        tickets = s.execute(select(Ticket.hall_day, Ticket.category, Ticket.status, Ticket.issued_at,
                                   Ticket.called_at, Ticket.started_at, Ticket.finished_at).where(
            Ticket.hall_day >= first.isoformat(), Ticket.hall_day <= last.isoformat())).all()
        start = datetime.combine(first, datetime.min.time(), tz)
        ratings = s.execute(select(Evaluation.level, Evaluation.created_at).where(
            Evaluation.created_at >= start, Evaluation.created_at < start + timedelta(days=(last - first).days + 1))
        ).all()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for day, cat, status, issued, called, started, finished in tickets:
        r = rows.setdefault((day, cat), {"day": day, "category": cat, "tickets": 0, "waits": [], "handling": [],
                                         "no_show": 0, "by_hour": [0] * 24})
        r["tickets"] += 1
        r["by_hour"][issued.astimezone(tz).hour] += 1
        if called:
            r["waits"].append((called - issued).total_seconds())
        if started and finished:
            r["handling"].append((finished - started).total_seconds())
        r["no_show"] += status == "no_show"
    levels_by_day: dict[str, list[int]] = {}
    for level, at in ratings:
        levels_by_day.setdefault(hall_day(at).isoformat(), []).append(level)
    out = []
    for (day, _cat), r in sorted(rows.items()):
        w, h = r.pop("waits"), r.pop("handling")
        lv = levels_by_day.get(day, [])
        out.append({**r, "wait_p50_s": round(percentile(w, 50)) if w else None,
                    "wait_p90_s": round(percentile(w, 90)) if w else None,
                    "handling_avg_s": round(sum(h) / len(h)) if h else None,
                    "no_show_rate": round(r["no_show"] / r["tickets"], 3) if r["tickets"] else 0.0,
                    "ratings": len(lv), "rating_avg": round(sum(lv) / len(lv), 2) if lv else None})
    return out


@router.get("/stats/report", response_model=None,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def report(hall: HallDep, who: ManagerRole, period: Literal["day", "week"] = "day",
           day: date | None = None, format: Literal["json", "csv"] = Query("json")) -> Any:
    """Per day and category: tickets, wait p50/p90, handling time, no-show rate, ratings. ``period=week``
    covers the seven days ending on ``day`` (default today)."""
    last = day or hall_day(datetime.now(UTC))
    first = last - timedelta(days=6) if period == "week" else last
    rows = _report(hall, first, last)
    if format == "json":
        return {"from": first.isoformat(), "to": last.isoformat(), "rows": rows}
    buf = io.StringIO()
    cols = ["day", "category", "tickets", "wait_p50_s", "wait_p90_s", "handling_avg_s", "no_show", "no_show_rate",
            "ratings", "rating_avg"]
    writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="hall-report-{first}-{last}.csv"'})
