"""``hall admin join-city|leave-city``, ``city-server`` and ``city`` refusals that need no cluster."""

from __future__ import annotations

from pathlib import Path

from tests.rigs.hall_server import run_main

CITY = "postgresql://postgres@127.0.0.1:1/city"


def test_a_sqlite_hall_is_told_it_cannot_join(tmp_path: Path) -> None:
    for task in ("join-city", "leave-city"):
        args = ["hall", "admin", task, "--db", f"sqlite:///{tmp_path / 'hall.db'}", "--city-db", CITY]
        done = run_main(*args, *(["--code", "420502-01"] if task == "join-city" else []))
        assert done.returncode == 2, done.stderr
        assert "PostgreSQL" in done.stderr and "SQLite" in done.stderr


def test_a_malformed_code_is_refused_before_any_connection() -> None:
    done = run_main("hall", "admin", "join-city", "--db", "postgresql://postgres@127.0.0.1:1/hall", "--city-db", CITY,
                    "--code", "420502 01; drop")
    assert done.returncode == 2 and "420502-01" in done.stderr and "drop" not in done.stderr


def test_join_without_a_code_takes_hall_code_and_without_either_is_refused() -> None:
    done = run_main("hall", "admin", "join-city", "--db", "postgresql://postgres@127.0.0.1:1/hall", "--city-db", CITY)
    assert done.returncode == 2 and "hall code" in done.stderr.lower()
    bad = run_main("--set", "hall.code=bad code", "hall", "admin", "join-city", "--db", "sqlite:///x.db",
                   "--city-db", CITY)
    assert bad.returncode == 2 and "hall.code" in bad.stderr


def test_an_unreachable_hall_database_is_exit_1_with_a_message() -> None:
    done = run_main("hall", "admin", "join-city", "--db", "postgresql://postgres@127.0.0.1:1/hall", "--city-db", CITY,
                    "--code", "420502-01")
    assert done.returncode == 1 and "cannot be reached" in done.stderr


def test_the_city_server_and_city_tasks_refuse_sqlite(tmp_path: Path) -> None:
    served = run_main("city-server", "--db", f"sqlite:///{tmp_path / 'c.db'}", "--port", "1")
    assert served.returncode == 2 and "PostgreSQL" in served.stderr
    token = run_main("city", "create-token", "--db", f"sqlite:///{tmp_path / 'c.db'}", "--name", "x")
    assert token.returncode == 2
