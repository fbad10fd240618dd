"""The hall's side of the city link: refresh the ``city_*`` summary rows from the hall's own tables.

Runs in the hall server every ``HALL_CITY_PUBLISH_INTERVAL_S`` (1 s) once the hall has joined a city
(``city_hall`` holds its code); before that, and on SQLite, it does nothing. A row is written only when
its figures changed (``IS DISTINCT FROM``), so a quiet hall sends the city one heartbeat row a second.
PostgreSQL only: the statements use its dialect (the city link needs logical replication anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects.postgresql import insert

from hall.server.citylink.tables import city_care, city_day, city_hall, city_queue, city_terminal

# Per category: the hall's own estimate for a new ticket given the number waiting (None = unknown).
Estimate = Callable[[str, int], int | None]

TERMINAL_OFFLINE_S = 120
HISTORY_DAYS = 400
_FULL_EVERY = 300  # cycles between full history passes (a day closed while no server ran, a rebuild)

_QUEUE_SQL = text("""
SELECT c.code, c.name_zh, c.name_en, c.sla_minutes, count(t.id) AS waiting, min(t.issued_at) AS oldest
FROM categories c LEFT JOIN tickets t ON t.category = c.code AND t.hall_day = :day AND t.status = 'waiting'
WHERE c.active GROUP BY c.code, c.name_zh, c.name_en, c.sla_minutes""")

_WINDOWS_SQL = text("SELECT categories, served_day, handling_total_s, handling_count FROM windows "
                    "WHERE status = 'open'")

_DAY_SQL = text("""
SELECT t.hall_day, t.category, count(*) AS issued,
  count(*) FILTER (WHERE t.status = 'done') AS served,
  count(*) FILTER (WHERE t.status = 'no_show') AS no_show,
  count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled,
  coalesce(sum(extract(epoch FROM t.called_at - t.issued_at)) FILTER (WHERE t.called_at IS NOT NULL), 0)
    AS wait_total_s,
  count(t.called_at) AS wait_count,
  coalesce(sum(extract(epoch FROM t.finished_at - t.started_at))
    FILTER (WHERE t.status = 'done' AND t.started_at IS NOT NULL AND t.finished_at IS NOT NULL), 0)
    AS handling_total_s,
  count(*) FILTER (WHERE t.status = 'done' AND t.started_at IS NOT NULL AND t.finished_at IS NOT NULL)
    AS handling_count,
  count(*) FILTER (WHERE coalesce(c.sla_minutes, 0) > 0 AND
    coalesce(t.called_at, CASE WHEN t.status = 'waiting' THEN :now END) - t.issued_at
      > make_interval(mins => c.sla_minutes)) AS sla_breaches
FROM tickets t LEFT JOIN categories c ON c.code = t.category
WHERE t.hall_day >= :since GROUP BY t.hall_day, t.category""")

_CARE_SQL = text("""
WITH ev AS (SELECT to_char(created_at AT TIME ZONE :tz, 'YYYY-MM-DD') AS day, level FROM evaluations
            WHERE created_at >= :since_ts),
     fu AS (SELECT to_char(created_at AT TIME ZONE :tz, 'YYYY-MM-DD') AS day, kind, status FROM followups
            WHERE created_at >= :since_ts AND kind IN ('low_rating', 'cannot_do')),
     days AS (SELECT day FROM ev UNION SELECT day FROM fu)
SELECT d.day,
  (SELECT count(*) FROM ev WHERE ev.day = d.day) AS ratings,
  (SELECT count(*) FROM ev WHERE ev.day = d.day AND ev.level >= 4) AS good,
  (SELECT count(*) FROM ev WHERE ev.day = d.day AND ev.level <= 2) AS bad,
  (SELECT count(*) FROM fu WHERE fu.day = d.day AND fu.kind = 'low_rating' AND fu.status <> 'closed') AS bad_open,
  (SELECT count(*) FROM fu WHERE fu.day = d.day AND fu.kind = 'low_rating' AND fu.status = 'closed') AS bad_closed,
  (SELECT count(*) FROM fu WHERE fu.day = d.day AND fu.kind = 'cannot_do') AS cannot_do,
  (SELECT count(*) FROM fu WHERE fu.day = d.day AND fu.kind = 'cannot_do' AND fu.status <> 'closed')
    AS cannot_do_open
FROM days d""")

_TERMINALS_SQL = text("SELECT id, kind, last_seen, devices FROM terminals")


def joined_code(conn: Connection) -> str | None:
    """This hall's city code, or None when it has not joined (no ``city_hall`` table or row)."""
    if conn.execute(text("SELECT to_regclass('city_hall')")).scalar() is None:
        return None
    return conn.execute(text("SELECT code FROM city_hall LIMIT 1")).scalar()


def _upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> int:
    """Insert or update ``rows``; a row whose figures did not change is not touched (no WAL, no traffic)."""
    if not rows:
        return 0
    stmt = insert(table).values(list(rows))
    figures = [c.name for c in table.columns if c.name not in keys and c.name != "changed_at"]
    changed = (table.c[figures[0]].is_distinct_from(stmt.excluded[figures[0]]))
    for name in figures[1:]:
        changed = changed | table.c[name].is_distinct_from(stmt.excluded[name])
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={n: stmt.excluded[n] for n in [*figures, "changed_at"]},
                                      where=changed)
    return conn.execute(stmt).rowcount or 0


def _fallback_estimate(waiting: int, open_windows: int, avg_handling_s: float) -> int | None:
    if open_windows <= 0:
        return None
    return int(waiting * avg_handling_s / open_windows) if waiting else 0


@dataclass
class Publisher:
    """One per hall server process; ``publish(conn)`` is one cycle, in the caller's transaction."""

    name_zh: str = ""
    name_en: str = ""
    timezone: str = "Asia/Shanghai"
    estimate: Estimate | None = None
    default_handling_s: float = 300.0
    _cycles: int = field(default=0, init=False)
    code: str | None = field(default=None, init=False)  # the code joined with, as of the last round

    def publish(self, conn: Connection, *, now: datetime | None = None) -> bool:
        """Refresh the summary; False (and nothing written) when the hall has not joined a city."""
        code = self.code = joined_code(conn)
        if code is None:
            self._cycles = 0
            return False
        now = now or datetime.now(UTC)
        from zoneinfo import ZoneInfo

        today = now.astimezone(ZoneInfo(self.timezone)).date()
        full = self._cycles % _FULL_EVERY == 0
        self._cycles += 1
        self._queue(conn, code, today.isoformat(), now)
        since = today - timedelta(days=HISTORY_DAYS if full else 1)
        self._history(conn, code, since.isoformat(), now)
        self._terminals(conn, code, now)
        names = {"name_zh": self.name_zh, "name_en": self.name_en} if self.name_zh else {}
        conn.execute(city_hall.update().where(city_hall.c.code == code).values(beat_at=now, **names))
        return True

    def _queue(self, conn: Connection, code: str, day: str, now: datetime) -> None:
        open_by_cat: dict[str, int] = {}
        handled_s, handled_n = 0.0, 0
        for cats, served_day, total_s, count in conn.execute(_WINDOWS_SQL):
            for cat in cats or []:
                open_by_cat[cat] = open_by_cat.get(cat, 0) + 1
            if served_day == day:
                handled_s, handled_n = handled_s + float(total_s or 0), handled_n + int(count or 0)
        avg = handled_s / handled_n if handled_n else self.default_handling_s
        rows = []
        for cat, name_zh, name_en, sla, waiting, oldest in conn.execute(_QUEUE_SQL, {"day": day}):
            windows = open_by_cat.get(cat, 0)
            longest = int((now - oldest).total_seconds()) if oldest is not None else 0
            estimate = (self.estimate(cat, int(waiting)) if self.estimate and windows
                        else _fallback_estimate(int(waiting), windows, avg))
            rows.append({"hall": code, "category": cat, "category_name": name_zh, "category_name_en": name_en or "",
                         "waiting": int(waiting), "estimated_wait_s": estimate, "open_windows": windows,
                         "oldest_at": oldest, "sla_minutes": sla,
                         "sla_breached": bool(sla and longest > sla * 60),
                         "unserved": int(waiting) if windows == 0 else 0, "changed_at": now})
        _upsert(conn, city_queue, rows, ("hall", "category"))
        kept = [r["category"] for r in rows]
        conn.execute(city_queue.delete().where(city_queue.c.hall == code, city_queue.c.category.not_in(kept)))

    def _history(self, conn: Connection, code: str, since: str, now: datetime) -> None:
        days = [{"hall": code, "day": r.hall_day, "category": r.category, "issued": r.issued, "served": r.served,
                 "no_show": r.no_show, "cancelled": r.cancelled, "wait_total_s": float(r.wait_total_s),
                 "wait_count": r.wait_count, "handling_total_s": float(r.handling_total_s),
                 "handling_count": r.handling_count, "sla_breaches": r.sla_breaches, "changed_at": now}
                for r in conn.execute(_DAY_SQL, {"since": since, "now": now})]
        _upsert(conn, city_day, days, ("hall", "day", "category"))
        since_ts = datetime.fromisoformat(since).replace(tzinfo=UTC) - timedelta(days=1)
        care = [{"hall": code, "day": r.day, "ratings": r.ratings, "good": r.good, "bad": r.bad,
                 "bad_open": r.bad_open, "bad_closed": r.bad_closed, "cannot_do": r.cannot_do,
                 "cannot_do_open": r.cannot_do_open, "changed_at": now}
                for r in conn.execute(_CARE_SQL, {"tz": self.timezone, "since_ts": since_ts}) if r.day >= since]
        _upsert(conn, city_care, care, ("hall", "day"))

    def _terminals(self, conn: Connection, code: str, now: datetime) -> None:
        rows = []
        for tid, kind, last_seen, devices in conn.execute(_TERMINALS_SQL):
            faults = [f"{d.get('kind', '?')}:{d.get('code') or d.get('health', '?')}"
                      for d in devices or [] if isinstance(d, dict) and d.get("health", "ok") != "ok"]
            offline = last_seen is None or (now - last_seen).total_seconds() > TERMINAL_OFFLINE_S
            state = "offline" if offline else ("degraded" if faults else "ok")
            rows.append({"hall": code, "terminal": tid, "kind": kind, "state": state,
                         "faults": ",".join(faults)[:256], "last_seen": last_seen, "changed_at": now})
        _upsert(conn, city_terminal, rows, ("hall", "terminal"))
        conn.execute(city_terminal.delete().where(city_terminal.c.hall == code,
                                                  city_terminal.c.terminal.not_in([r["terminal"] for r in rows])))
