"""1000 tickets from 32 concurrent clients: numbers unique and gapless per category; idempotent retries
return the same ticket. SQLite with one process, PostgreSQL with two server processes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bench.tickets import check_numbers, run_load
from tests.rigs.hall_server import HallServer, start_hall_server, start_prepared


def _check(result: dict[str, Any], total: int) -> None:
    tickets = result["tickets"]
    assert not result["failures"], result["failures"][:3]
    assert len(tickets) == total
    assert len({t["id"] for t in tickets}) == total
    assert check_numbers(tickets) == (0, 0)
    assert result["replay_mismatches"] == 0


def test_sqlite_one_process(hall_server: HallServer) -> None:
    result = asyncio.run(run_load([hall_server.url], hall_server.tokens["terminal"], clients=32, total=1000,
                                  retry_every=10))
    _check(result, 1000)


@pytest.mark.postgres
def test_postgres_two_replicas(fresh_postgres_url: str, tmp_path: Path) -> None:
    first = start_prepared(fresh_postgres_url, tmp_path, name="replica1")
    second = start_hall_server(fresh_postgres_url, tmp_path, name="replica2")
    try:
        result = asyncio.run(run_load([first.url, second.url], first.tokens["terminal"], clients=32, total=1000,
                                      retry_every=10))
        _check(result, 1000)
    finally:
        assert first.stop() == 0 and second.stop() == 0
