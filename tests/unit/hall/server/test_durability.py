"""Every SQLite connection of the server commits with synchronous=FULL (a ticket or submission a citizen
was promised survives a power cut), the batch writer's own connections too."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from hall.server.core.db import Database

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


def test_the_batch_writers_own_connections_are_full(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    conn = db.raw_connection()
    try:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
        db.dispose()
