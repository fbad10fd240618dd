"""Day / week / month reports per hall and for the city, as CSV (UTF-8 with BOM) or XLSX, Chinese headers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from hall.city.errors import BadPeriod
from hall.server.citylink.tables import city_care, city_day, city_hall

PERIODS = ("day", "week", "month")
FORMATS = ("csv", "xlsx")
CITY_TOTAL = "全市合计"

# (key, Chinese header)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("hall", "大厅编码"), ("name", "大厅名称"), ("from", "起始日期"), ("to", "截止日期"),
    ("issued", "取号数"), ("served", "办结数"), ("no_show", "过号数"), ("cancelled", "取消数"),
    ("avg_wait_min", "平均等候（分钟）"), ("avg_handling_min", "平均办理（分钟）"), ("sla_breaches", "超时等候数"),
    ("ratings", "评价数"), ("good", "好评数"), ("bad", "差评数"), ("bad_open", "差评待整改"),
    ("bad_closed", "差评已整改"), ("cannot_do", "办不成事"), ("cannot_do_open", "办不成事未办结"),
)
_SUMS = ("issued", "served", "no_show", "cancelled", "wait_total_s", "wait_count", "handling_total_s",
         "handling_count", "sla_breaches")
_CARE = ("ratings", "good", "bad", "bad_open", "bad_closed", "cannot_do", "cannot_do_open")


def period_range(period: str, day: str) -> tuple[date, date]:
    """First and last day of the ``period`` holding ``day``; raises :class:`BadPeriod`."""
    try:
        at = date.fromisoformat(day)
    except (TypeError, ValueError) as exc:
        raise BadPeriod() from exc
    if period == "day":
        return at, at
    if period == "week":
        start = at - timedelta(days=at.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = at.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    raise BadPeriod()


def report_rows(engine: Engine, *, period: str, day: str, hall: str | None = None) -> list[dict[str, Any]]:
    """One row per hall (or just ``hall``) and the city's total row last."""
    start, end = period_range(period, day)
    lo, hi = start.isoformat(), end.isoformat()
    d, c = city_day, city_care
    tickets = select(d.c.hall, *[func.sum(d.c[k]).label(k) for k in _SUMS]).where(
        d.c.day >= lo, d.c.day <= hi).group_by(d.c.hall)
    care = select(c.c.hall, *[func.sum(c.c[k]).label(k) for k in _CARE]).where(
        c.c.day >= lo, c.c.day <= hi).group_by(c.c.hall)
    if hall:
        tickets, care = tickets.where(d.c.hall == hall), care.where(c.c.hall == hall)
    with engine.connect() as conn:
        names = dict(conn.execute(select(city_hall.c.code, city_hall.c.name_zh)).all())
        by_hall: dict[str, dict[str, Any]] = {}
        for r in conn.execute(tickets).mappings():
            by_hall.setdefault(r["hall"], {}).update({k: r[k] or 0 for k in _SUMS})
        for r in conn.execute(care).mappings():
            by_hall.setdefault(r["hall"], {}).update({k: r[k] or 0 for k in _CARE})
    rows = [_row(code, names.get(code, ""), figures, lo, hi) for code, figures in sorted(by_hall.items())]
    total = {k: sum(r.get(k, 0) or 0 for r in by_hall.values()) for k in (*_SUMS, *_CARE)}
    rows.append(_row("" if not hall else hall, CITY_TOTAL if not hall else "合计", total, lo, hi))
    return rows


def _row(code: str, name: str, f: dict[str, Any], lo: str, hi: str) -> dict[str, Any]:
    wait_n, hand_n = f.get("wait_count", 0) or 0, f.get("handling_count", 0) or 0
    return {"hall": code, "name": name, "from": lo, "to": hi,
            **{k: int(f.get(k, 0) or 0) for k in ("issued", "served", "no_show", "cancelled", "sla_breaches", *_CARE)},
            "avg_wait_min": round(f.get("wait_total_s", 0) / wait_n / 60, 1) if wait_n else 0.0,
            "avg_handling_min": round(f.get("handling_total_s", 0) / hand_n / 60, 1) if hand_n else 0.0}


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([title for _, title in COLUMNS])
    for r in rows:
        writer.writerow([r[key] for key, _ in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[dict[str, Any]], *, title: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = title[:31]
    ws.append([t for _, t in COLUMNS])
    for r in rows:
        ws.append([r[key] for key, _ in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
