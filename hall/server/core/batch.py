"""Group commit for the hottest writes: jobs that arrive together share one transaction and one commit.

A kiosk morning is a burst of small writes (tickets) whose cost is the commit — an fsync of SQLite's
WAL or PostgreSQL's. The event loop hands each job to :class:`BatchWriter` and awaits its answer;
writer threads (one for SQLite, whose writes are serialised anyway; a few for PostgreSQL) each take
everything pending, run it in one transaction on a raw connection of their own and commit once, while
the loop keeps reading requests for the next batch. A job's refusal (a domain error) is its own:
jobs must leave nothing written when they refuse (the ticket writer takes its number back). A batch
that fails otherwise is rolled back and its jobs run one by one, so one bad job fails alone; a
deadlock or serialization failure reruns the batch (bounded), as :mod:`hall.server.core.retry` does.
Events go out as for an ORM unit: NOTIFY in the transaction (PostgreSQL) or after commit (SQLite).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from hall.server.core.db import Database
from hall.server.core.errors import DatabaseBusy
from hall.server.core.retry import ATTEMPTS, retryable
from hall.server.core.sql import Sql
from hall.server.domain.errors import DomainError
from hall.server.events.hub import EventHub, make_event, notify_in_transaction

log = logging.getLogger(__name__)
MAX_BATCH = 64


class BatchUnit:
    """The transaction a job runs in: compiled statements on the writer's connection, and events."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.events: list[dict[str, Any]] = []

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append(make_event(kind, data))


Job = Callable[[BatchUnit], Any]
_Pending = tuple[Job, "asyncio.Future[Any]", str]


class BatchWriter:
    """``await writer.submit(job)`` runs ``job(unit)`` in the next batch and gives its result (or raises
    what it raised). ``on_commit`` hears the events of every committed batch (the notices worker)."""

    def __init__(self, db: Database, hub: EventHub, *, on_commit: Callable[[list[dict[str, Any]]], None],
                 threads: int | None = None) -> None:
        self._db, self._hub, self._on_commit = db, hub, on_commit
        self._threads = threads or (1 if db.is_sqlite else 3)
        self._pending: deque[_Pending] = deque()
        self._cond = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self.batches = 0  # committed batches (tests and benchmarks read it)
        self.jobs = 0

    @property
    def running(self) -> bool:
        return bool(self._workers) and not self._stopping

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer threads; jobs are answered on ``loop``. Nothing starts for an in-memory
        SQLite database (no second connection could see it): callers then take their usual path."""
        if self._workers or not self._db.shareable:
            return
        self._loop, self._stopping = loop, False
        for i in range(self._threads):
            t = threading.Thread(target=self._work, name=f"batch-writer-{i}", daemon=True)
            t.start()
            self._workers.append(t)

    async def submit(self, job: Job, *, lock_key: str = "") -> Any:
        """``lock_key``: jobs of a batch run in this order (the row a job locks first, e.g. the ticket's line),
        so two batches on two connections always lock in the same order and never deadlock."""
        if not self.running:
            raise RuntimeError("the batch writer is not running")
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        with self._cond:
            self._pending.append((job, fut, lock_key))
            self._cond.notify()
        return await fut

    def close(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for t in self._workers:
            t.join(timeout=10)
        self._workers.clear()
        while self._pending:
            _, fut, _ = self._pending.popleft()
            self._answer([(fut, False, RuntimeError("the server is stopping"))])

    # --- writer threads ---------------------------------------------------------------------------
    def _take(self) -> list[_Pending] | None:
        with self._cond:
            while not self._pending and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return None
            batch = []
            while self._pending and len(batch) < MAX_BATCH:
                batch.append(self._pending.popleft())
            return sorted(batch, key=lambda item: item[2])

    def _work(self) -> None:
        conn: Any = None
        while (batch := self._take()) is not None:
            try:
                if conn is None:
                    conn = self._db.raw_connection()
                self._answer(self._run(conn, batch))
            except Exception as exc:  # noqa: BLE001 - the connection broke: every job of the batch hears it
                log.warning("batch write failed: %s", exc.__class__.__name__)
                self._answer([(fut, False, exc) for _, fut, _ in batch])
                with contextlib.suppress(Exception):
                    conn.close()
                conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _run(self, conn: Any, batch: list[_Pending]) -> list[tuple[asyncio.Future[Any], bool, Any]]:
        """The outcomes of ``batch``: each job's result or error, committed together when possible."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._transaction(conn, batch)
            except Exception as exc:
                if retryable(exc) and attempt < ATTEMPTS:
                    time.sleep(random.uniform(0.005, 0.02) * attempt)
                    continue
                if retryable(exc):
                    log.warning("batch write aborted %d times; answering 503", ATTEMPTS)
                    return [(fut, False, DatabaseBusy()) for _, fut, _ in batch]
                if len(batch) == 1:
                    raise
                log.warning("batch of %d failed (%s); running its jobs one by one", len(batch),
                            exc.__class__.__name__)
                out: list[tuple[asyncio.Future[Any], bool, Any]] = []
                for item in batch:
                    try:
                        out += self._run(conn, [item])
                    except Exception as one:  # noqa: BLE001 - this job's own failure
                        out.append((item[1], False, one))
                return out
        raise AssertionError("unreachable")

    def _transaction(self, conn: Any, batch: list[_Pending]) -> list[tuple[asyncio.Future[Any], bool, Any]]:
        sqlite = self._db.is_sqlite
        unit = BatchUnit(Sql(conn, self._db.dialect))
        outcomes: list[tuple[asyncio.Future[Any], bool, Any]] = []
        lock = self._db.write_lock if sqlite else contextlib.nullcontext()
        with lock:
            try:
                if sqlite:
                    conn.execute("BEGIN IMMEDIATE")
                for job, fut, _ in batch:
                    mark = len(unit.events)
                    try:
                        outcomes.append((fut, True, job(unit)))
                    except DomainError as refusal:
                        del unit.events[mark:]
                        outcomes.append((fut, False, refusal))
                if not sqlite and unit.events:
                    notify_in_transaction(unit.sql, unit.events)
                _end(conn, sqlite, "COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    _end(conn, sqlite, "ROLLBACK")
                raise
        self.batches += 1
        self.jobs += len(batch)
        if unit.events:
            if sqlite:
                self._hub.publish(unit.events)
            self._on_commit(unit.events)
        return outcomes

    def _answer(self, outcomes: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed() or not outcomes:
            return

        def deliver() -> None:
            for fut, ok, value in outcomes:
                if fut.done():
                    continue
                if ok:
                    fut.set_result(value)
                else:
                    fut.set_exception(value)

        loop.call_soon_threadsafe(deliver)


def _end(conn: Any, sqlite: bool, how: str) -> None:
    """COMMIT or ROLLBACK: SQLite's connection runs in autocommit mode with our own BEGIN IMMEDIATE."""
    if sqlite:
        conn.execute(how)
    elif how == "COMMIT":
        conn.commit()
    else:
        conn.rollback()
