"""The one ticket writer, a batch at a time, on SQLite and PostgreSQL (where each statement runs for the
whole batch in one round trip): numbers gapless per line, keys answered once — also twice in one batch —,
quotas and caps counted inside the batch, refusals leaving nothing behind; and the batch writer around
it: tickets that arrive together share a commit, a broken request fails alone."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from hall.server.core.batch import BatchUnit, BatchWriter
from hall.server.core.db import Database
from hall.server.core.errors import IdempotencyMismatch
from hall.server.core.models import IdempotencyKey
from hall.server.core.pg_many import install
from hall.server.core.sql import Sql
from hall.server.domain.errors import CategoryFull, DomainError, QuotaExceeded
from hall.server.events.hub import EventHub
from hall.server.migrate import upgrade
from hall.server.tickets.models import Ticket, TicketCounter
from hall.server.tickets.writer import Keyed, NewTicket, answer, finish, statements, write_many
from tests.rigs.hall_server import prepare_hall, sqlite_template
from tests.rigs.waiting import async_pause, budget

DAY = "2026-11-23"
_made = iter(range(10**6))


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template()[0], tmp_path / "hall.db")
        url = f"sqlite:///{tmp_path / 'hall.db'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
        prepare_hall(url)
    database = Database(url)
    upgrade(database.engine)
    if not database.is_sqlite:
        conn = database.raw_connection()
        install(conn, statements("postgresql"))
        conn.close()
    yield database
    database.dispose()


def ticket(category: str = "A", **extra: Any) -> NewTicket:
    now = datetime.now(UTC)
    return NewTicket(category=category, day=DAY, source="kiosk", issued_at=now, queue_at=now,
                     public_token=f"tok-{next(_made)}", **extra)


def batch(db: Database, requests: list[Keyed]) -> list[tuple[int, str] | DomainError]:
    """One batch in one transaction on a raw connection, as the batch writer runs it."""
    conn = db.raw_connection()
    try:
        if db.is_sqlite:
            conn.execute("BEGIN IMMEDIATE")
        unit = BatchUnit(Sql(conn, db.dialect))
        out = finish(unit, requests, write_many(unit, requests),
                     lambda _i, t, w: answer(t, w, ahead=w.waiting - 1, estimate=0))
        conn.execute("COMMIT") if db.is_sqlite else conn.commit()
        return out
    finally:
        conn.close()


def numbers(results: list[Any]) -> list[str]:
    import json

    return [json.loads(r[1])["number"] for r in results if isinstance(r, tuple)]


def counter(db: Database, cat: str) -> tuple[int, int]:
    with db.read() as s:
        row = s.execute(select(TicketCounter.last_seq, TicketCounter.waiting).where(
            TicketCounter.hall_day == DAY, TicketCounter.category == cat)).one()
        return int(row[0]), int(row[1])


def test_a_batch_numbers_each_line_gaplessly(db: Database) -> None:
    out = batch(db, [Keyed(ticket("ABC"[i % 3])) for i in range(30)])
    got = numbers(out)
    for cat in "ABC":
        assert sorted(n for n in got if n[0] == cat) == [f"{cat}{i:03d}" for i in range(1, 11)]
    assert counter(db, "A") == (10, 10)
    assert numbers(batch(db, [Keyed(ticket("A"))])) == ["A011"]


def test_keys_are_answered_once_in_a_batch_and_across_batches(db: Database) -> None:
    first = batch(db, [Keyed(ticket(), "k1", "d1"), Keyed(ticket(), "k1", "d1"), Keyed(ticket(), "k1", "other"),
                       Keyed(ticket(), "k2", "d2")])
    assert first[0] == first[1] and isinstance(first[2], IdempotencyMismatch)
    assert numbers(first) == ["A001", "A001", "A002"]
    again = batch(db, [Keyed(ticket(), "k2", "d2"), Keyed(ticket(), "k1", "x")])
    assert again[0] == first[3] and isinstance(again[1], IdempotencyMismatch)
    assert counter(db, "A")[0] == 2  # repeats took no numbers


def test_quota_and_cap_count_the_batch_and_refusals_leave_nothing(db: Database) -> None:
    person = {"id_hash": "h" * 64, "id_masked": "110101********1234", "quota": 3}
    out = batch(db, [Keyed(ticket("D", **person), f"q{i}", "d") for i in range(4)])
    assert numbers(out) == ["D001", "D002", "D003"] and isinstance(out[3], QuotaExceeded)
    assert out[3].params == {"limit": 3, "used": 3}
    capped = batch(db, [Keyed(ticket("E", cap=2), f"c{i}", "d") for i in range(4)] + [Keyed(ticket("F"))])
    assert numbers(capped) == ["E001", "E002", "F001"]
    assert all(isinstance(r, CategoryFull) for r in capped[2:4])
    assert counter(db, "E") == (2, 2)  # the refused bumps were given back
    with db.read() as s:  # refused keyed requests keep no key row: a retry is judged afresh
        keys = set(s.scalars(select(IdempotencyKey.key)))
    assert keys == {"q0", "q1", "q2", "c0", "c1"}
    assert isinstance(batch(db, [Keyed(ticket("E", cap=2), "c3", "d")])[0], CategoryFull)


def test_offline_numbers_keep_their_number_and_join_the_line(db: Database) -> None:
    out = batch(db, [Keyed(ticket("B", offline_number="K1-B001")), Keyed(ticket("B"))])
    assert numbers(out) == ["K1-B001", "B001"]
    assert counter(db, "B") == (1, 2)


def _writer_run(db: Database, requests: list[Keyed]) -> tuple[list[Any], BatchWriter, list[Any]]:
    """Requests through a real batch writer while the database is busy at first, so they queue up and
    batch: on SQLite another write of the process holds it (the loop hands the batch to the writer thread,
    which waits); on PostgreSQL the first batch's handler waits."""
    heard: list[list[dict[str, Any]]] = []
    gate = threading.Event()

    def handler(unit: BatchUnit, items: list[Keyed]) -> list[Any]:
        if not db.is_sqlite:
            gate.wait(budget(10))
        return finish(unit, items, write_many(unit, items), lambda _i, t, w: answer(t, w, ahead=0, estimate=0))

    async def go() -> tuple[list[Any], BatchWriter]:
        hub = EventHub()
        hub.bind(asyncio.get_running_loop())
        writer = BatchWriter(db, hub, on_commit=heard.append, threads=1)
        writer.start(asyncio.get_running_loop(), handler)
        held = db.write_lock.acquire() if db.is_sqlite else False
        try:
            lead = asyncio.ensure_future(writer.submit(requests[0]))
            await async_pause(0.1)  # the lead request reaches the writer first
            rest = [asyncio.ensure_future(writer.submit(r)) for r in requests[1:]]
            await async_pause(0.1)  # … and the rest queue up behind it
            gate.set()
            if held:
                db.write_lock.release()
            results = await asyncio.gather(lead, *rest, return_exceptions=True)
            return results, writer
        finally:
            await asyncio.to_thread(writer.close)

    results, writer = asyncio.run(go())
    return results, writer, heard


def test_requests_that_arrive_together_share_a_commit(db: Database) -> None:
    results, writer, heard = _writer_run(db, [Keyed(ticket("ABCDEFG"[i % 7])) for i in range(50)])
    assert len(numbers(results)) == 50 and writer.requests == 50 and writer.batches <= 2
    assert sum(len(events) for events in heard) == 50  # every committed ticket heard, once
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 50


def test_a_broken_request_fails_alone(db: Database) -> None:
    twin = ticket("C")
    results, _writer, _heard = _writer_run(db, [Keyed(ticket("C")), Keyed(twin), Keyed(twin), Keyed(ticket("C"))])
    assert numbers(results) == ["C001", "C002", "C003"]  # the batch reran one by one; the repeat token broke
    assert sum(isinstance(r, Exception) and not isinstance(r, DomainError) for r in results) == 1
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM tickets")).scalar() == 3
