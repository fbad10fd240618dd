"""The city's read model: the queue board (public) and the halls compared (city managers).

Reads the city database only. The queue answer is rebuilt at most every ``ttl_s`` (0.5 s) and shared by
every reader; when the city database does not answer, the last board is served with its rows going
``stale`` as they age (a hall is never shown as "no queue"); only a server that never read it says 503.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from hall.city.errors import CityDatabaseDown
from hall.server.citylink.tables import city_care, city_day, city_hall, city_queue, city_terminal

log = logging.getLogger(__name__)

# Older than this, a hall's rows are marked stale (issue 18: 60 s); tests shorten it through the variable.
STALE_AFTER_S = float(os.environ.get("HALL_CITY_STALE_AFTER_S", "60"))


def is_stale(updated_at: datetime | None, now: datetime) -> bool:
    return updated_at is None or (now - updated_at).total_seconds() > STALE_AFTER_S


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at else None


def read_queues(engine: Engine) -> list[dict[str, Any]]:
    """Every joined hall's lines, shortest estimated wait first (unknown waits last)."""
    q, h = city_queue, city_hall
    stmt = (select(q.c.hall, h.c.name_zh, q.c.category, q.c.category_name, q.c.waiting, q.c.estimated_wait_s,
                   q.c.open_windows, h.c.beat_at)
            .join(h, h.c.code == q.c.hall))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out = [{"hall": r.hall, "name": r.name_zh, "category": r.category, "category_name": r.category_name,
            "waiting": r.waiting, "estimated_wait_s": r.estimated_wait_s, "open_windows": r.open_windows,
            "updated_at": r.beat_at} for r in rows]
    out.sort(key=lambda r: (r["estimated_wait_s"] is None, r["estimated_wait_s"] or 0, r["hall"], r["category"]))
    return out


def render_queues(rows: list[dict[str, Any]], now: datetime) -> bytes:
    return json.dumps([{**r, "updated_at": _iso(r["updated_at"]), "stale": is_stale(r["updated_at"], now)}
                       for r in rows], ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class QueueBoard:
    """The public answer, shared by all readers. Past ``ttl_s`` the current answer is still served while one
    background refresh reads the database (stale-while-revalidate): no reader waits on the database except
    the very first, so the tail latency is the server's, not the query's."""

    engine: Engine
    ttl_s: float = 0.5
    _rows: list[dict[str, Any]] | None = None
    _body: bytes = b"[]"
    _at: float = field(default=-1e9)
    _refreshing: asyncio.Task[None] | None = None
    _failing: bool = False

    async def body(self) -> bytes:
        if time.monotonic() - self._at >= self.ttl_s and self._refreshing is None:
            self._refreshing = asyncio.create_task(self._refresh())
        if self._rows is None and self._refreshing is not None:
            await asyncio.shield(self._refreshing)  # only before the first answer: one read for every reader
            if self._rows is None:
                raise CityDatabaseDown()
        return self._body

    async def _refresh(self) -> None:
        try:
            self._rows = await asyncio.to_thread(read_queues, self.engine)
            if self._failing:
                log.info("city database readable again")
            self._failing = False
        except SQLAlchemyError as exc:
            if not self._failing:
                log.warning("city database unreadable, serving the last board: %s", exc.__class__.__name__)
            self._failing = True
        finally:
            self._refreshing = None
        if self._rows is not None:  # after a failed read too: the rows age into "stale"
            self._body = render_queues(self._rows, datetime.now(UTC))
            self._at = time.monotonic()


def read_dashboard(engine: Engine, *, today: str) -> dict[str, Any]:
    """Per hall: freshness, live queue figures, SLA breaches, unserved, faulty terminals, today's care."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        halls = conn.execute(select(city_hall).order_by(city_hall.c.code)).mappings().all()
        queues = conn.execute(select(city_queue)).mappings().all()
        terminals = conn.execute(select(city_terminal).where(city_terminal.c.state != "ok")).mappings().all()
        care = conn.execute(select(city_care).where(city_care.c.day == today)).mappings().all()
        days = conn.execute(select(city_day).where(city_day.c.day == today)).mappings().all()
    out = []
    for h in halls:
        code = h["code"]
        lines = [q for q in queues if q["hall"] == code]
        c = next((dict(x) for x in care if x["hall"] == code), {})
        d = [x for x in days if x["hall"] == code]
        out.append({
            "hall": code, "name": h["name_zh"], "updated_at": _iso(h["beat_at"]), "stale": is_stale(h["beat_at"], now),
            "waiting": sum(q["waiting"] for q in lines), "unserved": sum(q["unserved"] for q in lines),
            "sla_breached": [q["category_name"] for q in lines if q["sla_breached"]],
            "lines": [{"category": q["category"], "category_name": q["category_name"], "waiting": q["waiting"],
                       "estimated_wait_s": q["estimated_wait_s"], "open_windows": q["open_windows"],
                       "longest_wait_s": int((now - q["oldest_at"]).total_seconds()) if q["oldest_at"] else 0,
                       "sla_breached": q["sla_breached"],
                       "unserved": q["unserved"]} for q in sorted(lines, key=lambda q: q["category"])],
            "terminals_faulty": [{"terminal": t["terminal"], "kind": t["kind"], "state": t["state"],
                                  "faults": t["faults"], "last_seen": _iso(t["last_seen"])}
                                 for t in terminals if t["hall"] == code],
            "today": {"issued": sum(x["issued"] for x in d), "served": sum(x["served"] for x in d),
                      "sla_breaches": sum(x["sla_breaches"] for x in d),
                      **{k: c.get(k, 0) for k in ("ratings", "good", "bad", "bad_open", "bad_closed", "cannot_do",
                                                  "cannot_do_open")}},
        })
    return {"day": today, "halls": out, "time": now.isoformat()}
