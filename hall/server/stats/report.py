"""The day/week report — one definition (docs/dashboard.md, "Report definitions") behind both
``/api/v1/dashboard/report[.csv]`` and ``/api/v1/stats/report``.

A day is a hall day; a week is the Monday–Sunday week containing the date; one row per category plus
``ALL``; no-show rate = no-shows ÷ (served + no-shows).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from hall.server.core.context import HallContext
from hall.server.dashboard.stats import CSV_COLUMNS, Tally
from hall.server.domain.hallday import day_bounds
from hall.server.feedback.models import Evaluation
from hall.server.stats.schemas import ReportOut, ReportRowOut
from hall.server.tickets.models import Ticket

TOTAL = "ALL"


def period_days(period: str, day: date) -> tuple[date, date]:
    """Inclusive first and last hall day of the period."""
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    return day, day


def secs(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() if a and b else None


def report(hall: HallContext, period: str, day: date) -> ReportOut:
    first, last = period_days(period, day)
    tz = ZoneInfo(hall.options.timezone)
    cats = hall.categories.get()
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
        handling = secs(started or called, finished) if status == "done" else None
        wait = secs(issued, called)
        tallies.setdefault(cat, Tally()).add_ticket(status, wait, handling)
        total.add_ticket(status, wait, handling)
    for level, cat in ratings:
        if cat is not None:
            tallies.setdefault(cat, Tally()).ratings.append(int(level))
        total.ratings.append(int(level))
    rows = []
    for code in sorted(tallies):
        c = cats.get(code)
        rows.append(ReportRowOut(category=code, category_name=c.name_zh if c else code,
                                 category_name_en=c.name_en if c else code, **tallies[code].row()))
    rows.append(ReportRowOut(category=TOTAL, category_name="合计", category_name_en="Total", **total.row()))
    return ReportOut(period=period, period_start=first.isoformat(), period_end=last.isoformat(), rows=rows)


def report_csv(data: dict[str, Any]) -> str:
    """The report (``ReportOut.model_dump()``) as CSV: the columns of docs/dashboard.md, a BOM for Excel."""
    out = io.StringIO()
    # A BOM so Excel (what most halls open it with) reads the Chinese names as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in data["rows"]:
        full = {"period_start": data["period_start"], "period_end": data["period_end"], **row}
        writer.writerow(["" if full.get(col) is None else _cell(full[col]) for col in CSV_COLUMNS])
    return out.getvalue()


def csv_filename(data: ReportOut) -> str:
    return f"hall-report-{data.period}-{data.period_start}.csv"


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
