"""Group commit for the hottest writes: requests that arrive together share one transaction and commit.

A kiosk morning is a burst of small writes (tickets) whose cost is the commit — an fsync of SQLite's
WAL or PostgreSQL's — and, on PostgreSQL, the round trips. The event loop hands each request to
:class:`BatchWriter` and awaits its answer. On PostgreSQL a writer thread takes everything
pending and gives it to the *handler* (the ticket writer's batch function) in one transaction on a raw
connection of its own, in a pipeline, then commits once. On SQLite (one writer at a time anyway, and in-process
statements that cost microseconds) the loop itself writes what is pending and only the commit — the
fsync — runs on a thread, while the loop goes on reading the requests of the next batch; a batch the
loop cannot start at once (another process or thread holds the database, or it failed) goes to the
writer thread, which waits its turn and reruns it as below. The handler answers per request: a result
or a refusal (a domain error), which is that request's own — the handler leaves nothing written for
it. A batch that fails otherwise is rolled back and its requests run one by one, so one bad request
fails alone; a deadlock or serialization failure reruns the batch (bounded), as
:mod:`hall.server.core.retry` does. Events go out as for an ORM unit: NOTIFY in the transaction
(PostgreSQL) or after commit (SQLite).
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
from concurrent.futures import ThreadPoolExecutor
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
    """The transaction a batch runs in: compiled statements on the writer's connection, and events."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.events: list[dict[str, Any]] = []

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append(make_event(kind, data))


Handler = Callable[[BatchUnit, list[Any]], list[Any]]
_Pending = tuple[Any, "asyncio.Future[Any]"]


class BatchWriter:
    """``await writer.submit(request)`` writes ``request`` with the next batch and gives its result (or
    raises its refusal). ``on_commit`` hears the events of every committed batch (the notices worker)."""

    def __init__(self, db: Database, hub: EventHub, *, on_commit: Callable[[list[dict[str, Any]]], None],
                 threads: int | None = None) -> None:
        self._db, self._hub, self._on_commit = db, hub, on_commit
        # One writer thread: on SQLite the loop writes and this thread only takes over when it must wait; on
        # PostgreSQL every batch locks the counters of the lines it numbers until it commits, so a second
        # thread of the same replica would only queue behind the first and split the batches in two.
        self._threads = threads or 1
        self._pending: deque[_Pending] = deque()
        self._cond = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handler: Handler | None = None
        # SQLite: requests the loop writes itself, its connection, the thread that commits.
        self._inline_pending: list[_Pending] = []
        self._loop_conn: Any = None
        self._committing = False
        self._committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-commit")
        self._stopping = False
        self.batches = 0  # committed batches
        self.requests = 0  # requests written (tests and benchmarks read it)

    @property
    def running(self) -> bool:
        return bool(self._workers) and not self._stopping

    @property
    def _inline(self) -> bool:
        return self._db.is_sqlite

    def start(self, loop: asyncio.AbstractEventLoop, handler: Handler) -> None:
        """Start the writer threads; ``handler(unit, requests)`` writes a batch and returns per request
        its result or refusal; answers arrive on ``loop``. Nothing starts for an in-memory SQLite
        database (no second connection could see it): callers then take their usual path."""
        if self._workers or not self._db.shareable:
            return
        self._loop, self._handler, self._stopping = loop, handler, False
        for i in range(self._threads):
            t = threading.Thread(target=self._work, name=f"batch-writer-{i}", daemon=True)
            t.start()
            self._workers.append(t)

    async def submit(self, request: Any) -> Any:
        if not self.running:
            raise RuntimeError("the batch writer is not running")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        if self._inline:
            if not self._inline_pending and not self._committing:
                loop.call_soon(self._inline_flush)
            self._inline_pending.append((request, fut))
        else:
            self._to_thread([(request, fut)])
        return await fut

    def _to_thread(self, items: list[_Pending]) -> None:
        with self._cond:
            self._pending.extend(items)
            self._cond.notify()

    # --- SQLite: the loop writes, a thread commits --------------------------------------------------
    def _inline_flush(self) -> None:
        if self._committing or not self._inline_pending or self._stopping:
            return
        if not self._db.write_lock.acquire(blocking=False):
            self._hand_over()  # an ORM write of this process holds the database: wait off the loop
            return
        try:
            if self._loop_conn is None:
                self._loop_conn = self._db.raw_connection()
                self._loop_conn.execute("PRAGMA busy_timeout=0")  # never wait on the loop
            self._loop_conn.execute("BEGIN IMMEDIATE")
        except Exception:  # noqa: BLE001 - busy (another process writes) or no database: the thread waits
            self._db.write_lock.release()
            self._hand_over()
            return
        batch, self._inline_pending = self._inline_pending[:MAX_BATCH], self._inline_pending[MAX_BATCH:]
        try:
            unit = BatchUnit(Sql(self._loop_conn, "sqlite"))
            outcomes = self._write(unit, batch)
        except Exception:  # noqa: BLE001 - the thread reruns it, one by one if need be
            with contextlib.suppress(Exception):
                self._loop_conn.execute("ROLLBACK")
            self._db.write_lock.release()
            self._inline_pending[:0] = batch
            self._hand_over()
            return
        self._committing = True
        assert self._loop is not None
        self._loop.create_task(self._inline_commit(unit, outcomes))

    def _hand_over(self) -> None:
        """Everything the loop had pending goes to the writer thread, which may wait for the database."""
        items, self._inline_pending = self._inline_pending, []
        self._to_thread(items)

    async def _inline_commit(self, unit: BatchUnit, outcomes: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._committer, self._loop_conn.execute, "COMMIT")
        except Exception as exc:  # noqa: BLE001 - the disk failed the commit: every request hears it
            with contextlib.suppress(Exception):
                self._loop_conn.execute("ROLLBACK")
            outcomes = [(fut, False, exc) for fut, _, _ in outcomes]
            unit.events.clear()
        finally:
            self._db.write_lock.release()
            self._committing = False
        self._committed(unit, len(outcomes))
        self._deliver(outcomes)
        self._inline_flush()

    def close(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for t in self._workers:
            t.join(timeout=10)
        self._workers.clear()
        self._committer.shutdown(wait=True)
        stopping = RuntimeError("the server is stopping")
        left = [*self._pending, *self._inline_pending]
        self._pending.clear()
        self._inline_pending = []
        self._answer([(fut, False, stopping) for _, fut in left])
        if self._loop_conn is not None:
            with contextlib.suppress(Exception):
                self._loop_conn.close()
            self._loop_conn = None

    # --- writer threads ---------------------------------------------------------------------------
    def _take(self) -> list[_Pending] | None:
        with self._cond:
            while not self._pending and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return None
            batch: list[_Pending] = []
            while self._pending and len(batch) < MAX_BATCH:
                batch.append(self._pending.popleft())
            return batch

    def _work(self) -> None:
        conn: Any = None
        while (batch := self._take()) is not None:
            try:
                if conn is None:
                    conn = self._db.raw_connection()
                self._answer(self._run(conn, batch))
            except Exception as exc:  # noqa: BLE001 - the connection broke: every request of the batch hears it
                log.warning("batch write failed: %s", exc.__class__.__name__)
                self._answer([(fut, False, exc) for _, fut in batch])
                with contextlib.suppress(Exception):
                    conn.close()
                conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _run(self, conn: Any, batch: list[_Pending]) -> list[tuple[asyncio.Future[Any], bool, Any]]:
        """The outcomes of ``batch``: each request's result or error, committed together when possible."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._transaction(conn, batch)
            except Exception as exc:
                if retryable(exc) and attempt < ATTEMPTS:
                    time.sleep(random.uniform(0.005, 0.02) * attempt)
                    continue
                if retryable(exc):
                    log.warning("batch write aborted %d times; answering 503", ATTEMPTS)
                    return [(fut, False, DatabaseBusy()) for _, fut in batch]
                if len(batch) == 1:
                    raise
                log.warning("batch of %d failed (%s); running its requests one by one", len(batch),
                            exc.__class__.__name__)
                out: list[tuple[asyncio.Future[Any], bool, Any]] = []
                for item in batch:
                    try:
                        out += self._run(conn, [item])
                    except Exception as one:  # noqa: BLE001 - this request's own failure
                        out.append((item[1], False, one))
                return out
        raise AssertionError("unreachable")

    def _write(self, unit: BatchUnit, batch: list[_Pending]) -> list[tuple[asyncio.Future[Any], bool, Any]]:
        """The handler's outcomes for ``batch`` in ``unit``'s open transaction (not committed)."""
        assert self._handler is not None
        results = self._handler(unit, [request for request, _ in batch])
        return [(fut, not isinstance(result, DomainError), result) for (_, fut), result in zip(batch, results,
                                                                                                 strict=True)]

    def _committed(self, unit: BatchUnit, size: int) -> None:
        self.batches += 1
        self.requests += size
        if unit.events:
            if self._db.is_sqlite:
                self._hub.publish(unit.events)
            self._on_commit(unit.events)

    def _transaction(self, conn: Any, batch: list[_Pending]) -> list[tuple[asyncio.Future[Any], bool, Any]]:
        unit = BatchUnit(Sql(conn, self._db.dialect))
        try:
            if self._db.is_sqlite:
                with self._db.write_lock:
                    conn.execute("BEGIN IMMEDIATE")
                    outcomes = self._write(unit, batch)
                    conn.execute("COMMIT")
            else:
                # A pipeline: statements whose answers nobody waits for (key rows, events, the commit) go out
                # together with the next one that is read.
                with conn.pipeline():
                    outcomes = self._write(unit, batch)
                    if unit.events:
                        notify_in_transaction(unit.sql, unit.events, batched=True)
                    conn.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                if self._db.is_sqlite:
                    conn.execute("ROLLBACK")
                else:
                    conn.rollback()
            raise
        self._committed(unit, len(batch))
        return outcomes

    def _answer(self, outcomes: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
        """From a writer thread: deliver on the loop."""
        loop = self._loop
        if loop is None or loop.is_closed() or not outcomes:
            return
        loop.call_soon_threadsafe(self._deliver, outcomes)

    @staticmethod
    def _deliver(outcomes: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
        for fut, ok, value in outcomes:
            if fut.done():
                continue
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)
