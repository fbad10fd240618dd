"""Every SQLite connection of the server commits with synchronous=FULL (a ticket or submission a citizen
was promised survives a power cut), also the lean ticket writer, whose commit runs off the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from hall.server.core.db import Database
from hall.server.migrate import upgrade
from hall.server.tickets.batch import SqliteIssuer

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_orm_connections_are_full(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    try:
        with db.read() as s:
            assert s.execute(text("PRAGMA synchronous")).scalar() == FULL
        with db.write() as s:
            assert s.execute(text("PRAGMA synchronous")).scalar() == FULL
    finally:
        db.dispose()


def test_lean_writer_is_full_and_commits_a_burst_off_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    with db.write() as s:
        s.execute(text("INSERT INTO categories (code, name_zh, name_en, sla_minutes, opens, closes, at_close, sort,"
                       " active) VALUES ('A', '社保', 'SI', 30, '00:00', '24:00', 'close', 0, 1)"))
    db.dispose()

    async def burst() -> list[str]:
        issuer = SqliteIssuer(str(path), threading.Lock())
        assert issuer._conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
        now = datetime.now(UTC)
        done = await asyncio.gather(*(issuer.issue(day="2026-11-23", category="A", source="kiosk", terminal_id=None,
                                                   now=now, public_token=f"tok{i}") for i in range(50)))
        await issuer.close()
        return [d.number for d in done if d is not None]

    numbers = asyncio.run(burst())
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 51)]
    with sqlite3.connect(path) as conn:  # committed: another connection sees every one
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 50
