"""The first call counts: recalls move ``recalled_at``, never ``called_at`` (issue 15, item 6)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from hall.client import HallClient
from hall.server import migrate
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget


def test_recalls_keep_the_first_call(hall_server: HallServer) -> None:
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    clerk = HallClient(hall_server.url, hall_server.tokens["clerk"], read_timeout=budget(5))
    issued = kiosk.issue_ticket("A")
    called = clerk.call_next(1)
    assert called is not None and called.id == issued.id and called.recalled_at is None
    first = called.called_at
    again = clerk.recall(1)
    third = clerk.recall(1)
    assert (again.called_at, third.called_at) == (first, first)
    assert third.call_count == 3 and third.recalled_at is not None and again.recalled_at is not None
    assert third.recalled_at >= again.recalled_at
    assert kiosk.ticket(issued.id).called_at == first


def test_a_transferred_ticket_called_again_keeps_its_first_call(hall_server: HallServer) -> None:
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    clerk = HallClient(hall_server.url, hall_server.tokens["clerk"], read_timeout=budget(5))
    issued = kiosk.issue_ticket("A")
    first = clerk.call_next(1)
    assert first is not None and first.id == issued.id
    clerk.transfer(issued.id, category="B")
    again = clerk.call_number(2, issued.number)
    assert again.called_at == first.called_at and again.recalled_at is not None
    assert again.recalled_at >= first.called_at  # type: ignore[operator]


def test_migration_moves_the_stored_latest_call_to_recalled_at(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    try:
        cfg = migrate.alembic_config(engine)
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
            conn.execute(text(
                "INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, queue_at, "
                "called_at, call_count, public_token) VALUES "
                "('A001', 1, 'A', '2026-12-07', 'called', 'kiosk', '2026-12-07 01:00:00', '2026-12-07 01:00:00', "
                "'2026-12-07 01:20:00', 3, 'p1'), "
                "('A002', 2, 'A', '2026-12-07', 'called', 'kiosk', '2026-12-07 01:01:00', '2026-12-07 01:01:00', "
                "'2026-12-07 01:05:00', 1, 'p2')"))
            conn.commit()
            command.upgrade(cfg, "head")
            conn.commit()
            rows = conn.execute(text("SELECT number, called_at, recalled_at FROM tickets ORDER BY number")).all()
    finally:
        engine.dispose()
    recalled, once = rows
    assert recalled[2] is not None and str(recalled[2]).startswith("2026-12-07 01:20")
    assert once[2] is None and str(once[1]).startswith("2026-12-07 01:05")
