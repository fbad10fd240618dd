"""``hall admin`` commands through main.py: init, seed-demo, create-token (token alone on the last line), revoke."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.rigs.hall_server import run_main, start_hall_server
from tests.rigs.waiting import pass_time


def test_admin_cli_and_token_lifecycle(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hall.db'}"
    assert run_main("hall", "admin", "init", "--db", db).returncode == 0
    seeded = run_main("hall", "admin", "seed-demo", "--db", db)
    assert seeded.returncode == 0 and "categories: 7" in seeded.stdout
    made = run_main("hall", "admin", "create-token", "--role", "clerk", "--name", "c1", "--db", db)
    token = made.stdout.strip().splitlines()[-1]
    assert made.returncode == 0 and len(token) >= 40 and " " not in token
    assert run_main("hall", "admin", "create-token", "--role", "clerk", "--name", "c1", "--db", db).returncode == 1
    server = start_hall_server(db, tmp_path)
    try:
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{server.url}/api/v1/windows", headers=auth).status_code == 200
        assert run_main("hall", "admin", "revoke-token", "--name", "c1", "--db", db).returncode == 0
        pass_time(1.2, reason="the per-process token cache lives one second")
        assert httpx.get(f"{server.url}/api/v1/windows", headers=auth).status_code == 401
    finally:
        assert server.stop() == 0
    assert token not in server.log()


def test_bad_db_url_is_a_usage_error() -> None:
    result = run_main("hall", "admin", "init", "--db", "mysql://nope")
    assert result.returncode == 2 and "expected sqlite" in result.stderr
