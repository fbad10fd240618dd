"""The plain-ticket write in one step per database, without the ORM (the hot path of ``POST /tickets``).

SQLite: two statements in one ``BEGIN IMMEDIATE`` on a raw connection owned by the event loop, under the
same lock as every other write of this process. PostgreSQL: the tickets that arrive together go to the
``hall_issue_tickets`` function (counter bump, insert and ``pg_notify`` per ticket) in one prepared,
auto-committed call over async connections, so the event loop never waits on the database.

Both give exactly what :func:`hall.server.services.tickets.issue` gives for a ticket without ID number
or priority; the caller decides when that is the case.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from hall.server.domain.hallday import MAX_SEQUENCE, format_ticket_number


@dataclass(frozen=True)
class Issued:
    id: int
    number: str
    waiting: int  # in the line, this ticket included
    issued_at: datetime


class FastIssuer(Protocol):
    async def issue(self, *, day: str, category: str, source: str, terminal_id: str | None, now: datetime,
                    public_token: str) -> Issued | None:
        """The new ticket, or None when this path cannot issue it (the caller takes the full path)."""
        ...

    async def close(self) -> None: ...


def sqlite_time(at: datetime) -> str:
    """The text SQLAlchemy stores for a UTC DateTime on SQLite (sorts and compares the same)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_SQLITE_BUMP = ("INSERT INTO ticket_counters (hall_day, category, last_seq, waiting) VALUES (?, ?, 1, 1) "
                "ON CONFLICT (hall_day, category) DO UPDATE SET last_seq = last_seq + 1, waiting = waiting + 1 "
                "RETURNING last_seq, waiting")
_SQLITE_INSERT = ("INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, queue_at, "
                  "call_count, public_token, terminal_id) VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?, 0, ?, ?) "
                  "RETURNING id")


class SqliteIssuer:
    """Runs on the event loop thread: a plain ticket costs two statements and a commit, ~0.1 ms."""

    def __init__(self, path: str, lock: threading.Lock) -> None:
        self._lock = lock
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000", "foreign_keys=ON"):
            self._conn.execute(f"PRAGMA {pragma}")

    async def issue(self, *, day: str, category: str, source: str, terminal_id: str | None, now: datetime,
                    public_token: str) -> Issued | None:
        if not self._lock.acquire(blocking=False):
            # A write of the full path holds the database; wait for it off the loop.
            await asyncio.to_thread(self._lock.acquire)
        try:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                seq, waiting = cur.execute(_SQLITE_BUMP, (day, category)).fetchone()
                if seq > MAX_SEQUENCE:
                    cur.execute("ROLLBACK")
                    return None
                number = format_ticket_number(category, seq)
                at = sqlite_time(now)
                (ticket_id,) = cur.execute(_SQLITE_INSERT, (number, seq, category, day, source, at, at,
                                                            public_token, terminal_id)).fetchone()
                cur.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    cur.execute("ROLLBACK")
                raise
        finally:
            self._lock.release()
        return Issued(int(ticket_id), number, int(waiting), now)

    async def close(self) -> None:
        self._conn.close()


_PG_BATCH = "SELECT ticket_id, ticket_number, line_waiting FROM hall_issue_tickets(%s, %s, %s, %s, %s, %s, %s)"
_MAX_BATCH = 64


class PostgresIssuer:
    """Requests that arrive together are written together: a few workers, each with its own async
    connection, take everything pending and call ``hall_issue_tickets`` (migration 0003) once — one
    round trip and one commit for the whole batch, so the WAL is flushed once per batch, not per ticket.
    Under light load a batch is one ticket and nothing waits."""

    def __init__(self, dsn: str, *, connections: int = 3) -> None:
        self._dsn = dsn
        self._pending: list[tuple[dict[str, Any], asyncio.Future[Issued | None]]] = []
        self._wake = asyncio.Event()
        self._workers = [asyncio.create_task(self._work(), name=f"ticket-writer-{i}") for i in range(connections)]

    async def issue(self, *, day: str, category: str, source: str, terminal_id: str | None, now: datetime,
                    public_token: str) -> Issued | None:
        fut: asyncio.Future[Issued | None] = asyncio.get_running_loop().create_future()
        self._pending.append(({"day": day, "cat": category, "src": source, "term": terminal_id, "now": now,
                               "tok": public_token}, fut))
        self._wake.set()
        return await fut

    def _take(self) -> list[tuple[dict[str, Any], asyncio.Future[Issued | None]]]:
        day = self._pending[0][0]["day"]
        batch = [item for item in self._pending[:_MAX_BATCH] if item[0]["day"] == day]
        taken = {id(item) for item in batch}
        self._pending = [item for item in self._pending if id(item) not in taken]
        if not self._pending:
            self._wake.clear()
        # One lock order for every batch (by category), so two writers never deadlock on counter rows.
        return sorted(batch, key=lambda item: item[0]["cat"])

    async def _work(self) -> None:
        import psycopg

        conn: Any = None
        while True:
            await self._wake.wait()
            if not self._pending:
                self._wake.clear()
                continue
            batch = self._take()
            try:
                if conn is None or conn.closed:
                    conn = await psycopg.AsyncConnection.connect(self._dsn, autocommit=True, connect_timeout=5)
                rows = await self._write(conn, batch)
            except asyncio.CancelledError:
                for _, fut in batch:
                    if not fut.done():
                        fut.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - every waiting request gets the failure
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                with contextlib.suppress(Exception):
                    await conn.close()
                conn = None
                continue
            for (_, fut), row in zip(batch, rows, strict=True):
                if not fut.done():
                    fut.set_result(row)

    async def _write(self, conn: Any, batch: list[tuple[dict[str, Any], Any]]) -> list[Issued | None]:
        reqs = [r for r, _ in batch]
        now = max(r["now"] for r in reqs)
        params = (reqs[0]["day"], [r["cat"] for r in reqs], [r["src"] for r in reqs], [r["term"] for r in reqs],
                  [r["tok"] for r in reqs], now, now.isoformat())
        cur = await conn.execute(_PG_BATCH, params, prepare=True)
        rows = await cur.fetchall()
        if len(rows) != len(reqs):
            raise RuntimeError("hall_issue_tickets returned a different number of rows")
        return [None if tid is None else Issued(int(tid), str(number), int(waiting), now)
                for tid, number, waiting in rows]

    async def close(self) -> None:
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
