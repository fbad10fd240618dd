"""The batch writer: tickets that arrive together share a transaction and a commit; each job's refusal and
each job's failure stay its own; what committed is published once. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hall.server.core.batch import BatchUnit, BatchWriter
from hall.server.core.db import Database
from hall.server.domain.errors import QuotaExceeded
from hall.server.events.hub import EventHub
from hall.server.migrate import upgrade
from hall.server.tickets.models import Ticket
from hall.server.tickets.writer import NewTicket, Written, write
from tests.rigs.hall_server import prepare_hall, sqlite_template

DAY = "2026-11-23"


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
    yield database
    database.dispose()


def _ticket(i: int, category: str = "A") -> NewTicket:
    now = datetime.now(UTC)
    return NewTicket(category=category, day=DAY, source="kiosk", issued_at=now, queue_at=now,
                     public_token=f"tok-{category}-{i}")


def _job(t: NewTicket) -> Any:
    def run(unit: BatchUnit) -> Written:
        written = write(unit, t)
        unit.emit("ticket.issued", {"number": written.number})
        return written
    return run


def _run(db: Database, jobs: list[Any], *, hold_first: bool = True) -> tuple[list[Any], BatchWriter, list[Any]]:
    """Run ``jobs`` through a writer; the first job waits until all others are queued, so they batch."""
    heard: list[list[dict[str, Any]]] = []
    gate = threading.Event()

    def first(unit: BatchUnit) -> str:
        gate.wait(10)
        return "first"

    async def go() -> tuple[list[Any], BatchWriter]:
        hub = EventHub()
        hub.bind(asyncio.get_running_loop())
        writer = BatchWriter(db, hub, on_commit=heard.append, threads=1)
        writer.start(asyncio.get_running_loop())
        try:
            lead = asyncio.ensure_future(writer.submit(first)) if hold_first else None
            await asyncio.sleep(0.05)
            rest = [asyncio.ensure_future(writer.submit(job)) for job in jobs]
            await asyncio.sleep(0.05)
            gate.set()
            results = await asyncio.gather(*rest, return_exceptions=True)
            if lead is not None:
                assert await lead == "first"
            return results, writer
        finally:
            await asyncio.to_thread(writer.close)

    results, writer = asyncio.run(go())
    return results, writer, heard


def _count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Ticket)) or 0)


def test_a_burst_shares_commits_and_every_ticket_is_numbered_once(db: Database) -> None:
    results, writer, heard = _run(db, [_job(_ticket(i)) for i in range(50)])
    assert sorted(r.number for r in results) == [f"A{i:03d}" for i in range(1, 51)]
    assert writer.jobs == 51 and writer.batches < writer.jobs  # group commit
    assert _count(db) == 50
    assert sum(len(events) for events in heard) == 50  # every committed ticket heard, once


def test_a_refusal_is_its_own_and_leaves_no_event(db: Database) -> None:
    def refuse(unit: BatchUnit) -> None:
        unit.emit("ticket.issued", {"number": "never"})
        raise QuotaExceeded(limit=3, used=3)

    results, _writer, heard = _run(db, [_job(_ticket(1)), refuse, _job(_ticket(2))])
    assert isinstance(results[1], QuotaExceeded)
    assert [r.number for r in (results[0], results[2])] == ["A001", "A002"]
    assert [e["data"]["number"] for events in heard for e in events] == ["A001", "A002"]
    assert _count(db) == 2


def test_a_broken_job_fails_alone_and_its_neighbours_commit(db: Database) -> None:
    def broken(unit: BatchUnit) -> None:
        write(unit, _ticket(1))  # the same public token as the first job: a unique constraint breaks
        raise AssertionError("unreachable")

    results, _writer, _heard = _run(db, [_job(_ticket(1)), broken, _job(_ticket(2))])
    assert [r.number for r in (results[0], results[2])] == ["A001", "A002"]
    assert isinstance(results[1], Exception) and not isinstance(results[1], AssertionError)
    assert _count(db) == 2
