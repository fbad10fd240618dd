"""A real PostgreSQL deadlock inside :func:`hall.server.retry.run_unit`: the aborted side runs again and
both writes land; with no attempts left the client gets ``db.busy`` (503), never an unhandled error."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hall.server.build import build_services
from hall.server.core.context import HallContext, Tx
from hall.server.core.errors import DatabaseBusy
from hall.server.core.http_errors import domain_headers, domain_status
from hall.server.core.options import ServerOptions
from hall.server.core.retry import StateChanged, retryable, run_unit
from tests.rigs.waiting import budget

pytestmark = pytest.mark.postgres


@pytest.fixture
def hall(fresh_postgres_url: str, tmp_path: Path) -> Any:
    ctx = build_services(db_url=fresh_postgres_url, options=ServerOptions(data_dir=tmp_path / "data"))
    with ctx.db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE lock_rows (id int PRIMARY KEY, n int NOT NULL)"))
        conn.execute(text("INSERT INTO lock_rows VALUES (1, 0), (2, 0)"))
    yield ctx
    ctx.db.dispose()


def _crossing(hall: HallContext, attempts: int) -> list[Any]:
    """Two units lock rows 1,2 and 2,1; the barrier makes both hold their first lock first, so
    PostgreSQL must abort one of them the first time (later attempts pass the barrier at once)."""
    barrier = threading.Barrier(2, timeout=budget(10))
    tries = {1: 0, 2: 0}

    def unit(first: int) -> Any:
        def action(tx: Tx) -> int:
            tries[first] += 1
            tx.session.execute(text("UPDATE lock_rows SET n = n + 1 WHERE id = :i"), {"i": first})
            if tries[first] == 1:
                barrier.wait()
            tx.session.execute(text("UPDATE lock_rows SET n = n + 1 WHERE id = :i"), {"i": 3 - first})
            return first

        try:
            return run_unit(hall, action, attempts=attempts)
        except DatabaseBusy as exc:
            return exc

    with ThreadPoolExecutor(2) as pool:
        out = list(pool.map(unit, (1, 2)))
    out.append(tries)
    return out


def _rows(hall: HallContext) -> dict[int, int]:
    with hall.db.engine.connect() as conn:
        return {int(i): int(n) for i, n in conn.execute(text("SELECT id, n FROM lock_rows")).all()}


def test_a_deadlocked_unit_runs_again(hall: HallContext) -> None:
    first, second, tries = _crossing(hall, attempts=4)
    assert (first, second) == (1, 2)
    assert sorted(tries.values()) == [1, 2]  # exactly one side was aborted and ran again
    assert _rows(hall) == {1: 2, 2: 2}  # both units' writes, once each


def test_no_attempts_left_is_a_503(hall: HallContext) -> None:
    first, second, _ = _crossing(hall, attempts=1)
    failed = [r for r in (first, second) if isinstance(r, DatabaseBusy)]
    assert len(failed) == 1
    assert (domain_status(failed[0]), failed[0].code) == (503, "db.busy")
    assert domain_headers(failed[0]) == {"Retry-After": "1"}
    assert _rows(hall) == {1: 1, 2: 1}  # the aborted unit left nothing behind


def test_what_is_retried() -> None:
    assert retryable(StateChanged())
    assert not retryable(ValueError("x"))
    assert not retryable(DatabaseBusy())
