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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from hall.server.core.db import SQLITE_SYNCHRONOUS
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


_SQLITE_TAKE_BACK = ("UPDATE ticket_counters SET last_seq = last_seq - 1, waiting = waiting - 1 "
                     "WHERE hall_day = ? AND category = ?")
Pending = tuple[dict[str, Any], "asyncio.Future[Issued | None]"]


class SqliteIssuer:
    """Runs on the event loop thread. The tickets whose requests were read in the same turn of the loop
    are written in one ``BEGIN IMMEDIATE … COMMIT`` (two statements each), so a burst shares a commit."""

    def __init__(self, path: str, lock: threading.Lock) -> None:
        self._lock = lock
        # A short busy timeout: this runs on the event loop, and another process holding the file (an
        # admin command) must not stall it; such a batch goes to the full path, which waits in a thread.
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0.05)
        for pragma in ("journal_mode=WAL", f"synchronous={SQLITE_SYNCHRONOUS}", "busy_timeout=50",
                       "foreign_keys=ON"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._pending: list[Pending] = []
        self._committing = False
        self._committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ticket-commit")

    async def issue(self, *, day: str, category: str, source: str, terminal_id: str | None, now: datetime,
                    public_token: str) -> Issued | None:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Issued | None] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append(({"day": day, "cat": category, "src": source, "term": terminal_id, "now": now,
                               "tok": public_token}, fut))
        return await fut

    def _flush(self) -> None:
        if self._committing:
            return  # the commit in flight flushes what gathered meanwhile
        batch, self._pending = self._pending, []
        if self._lock.acquire(blocking=False):
            self._write(batch)
        else:
            # A write of the full path holds the database; wait for it off the loop.
            asyncio.get_running_loop().create_task(self._write_when_free(batch))

    async def _write_when_free(self, batch: list[Pending]) -> None:
        try:
            await asyncio.to_thread(self._lock.acquire)
        except BaseException as exc:
            _fail(batch, exc)
            raise
        self._write(batch)

    def _write(self, batch: list[Pending]) -> None:
        """Write ``batch`` holding the lock (released once committed or rolled back)."""
        results: list[Issued | None] = []
        cur = self._conn.cursor()
        try:
            try:
                cur.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # busy: another process writes
                self._lock.release()
                for _, fut in batch:
                    if not fut.done():
                        fut.set_result(None)
                return
            for req, _ in batch:
                seq, waiting = cur.execute(_SQLITE_BUMP, (req["day"], req["cat"])).fetchone()
                if seq > MAX_SEQUENCE:
                    cur.execute(_SQLITE_TAKE_BACK, (req["day"], req["cat"]))
                    results.append(None)
                    continue
                number, at = format_ticket_number(req["cat"], seq), sqlite_time(req["now"])
                (ticket_id,) = cur.execute(_SQLITE_INSERT, (number, seq, req["cat"], req["day"], req["src"], at, at,
                                                            req["tok"], req["term"])).fetchone()
                results.append(Issued(int(ticket_id), number, int(waiting), req["now"]))
        except Exception as exc:  # noqa: BLE001 - every request of the batch gets the failure
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            self._lock.release()
            _fail(batch, exc)
            return
        # The commit fsyncs the WAL (synchronous=FULL): on a thread of its own, still holding the lock, so
        # the loop keeps reading requests; those gather and are written together next (a group commit).
        self._committing = True
        asyncio.get_running_loop().create_task(self._commit(batch, results))

    async def _commit(self, batch: list[Pending], results: list[Issued | None]) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._committer, self._conn.execute, "COMMIT")
        except Exception as exc:  # noqa: BLE001 - every request of the batch gets the failure
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            _fail(batch, exc)
        else:
            for (_, fut), result in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(result)
        finally:
            self._lock.release()
            self._committing = False
            if self._pending:
                self._flush()

    async def close(self) -> None:
        self._committer.shutdown(wait=True)
        self._conn.close()


def _fail(batch: list[Pending], exc: BaseException) -> None:
    for _, fut in batch:
        if not fut.done():
            fut.set_exception(exc)


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
