"""While the database is unreachable the server answers 503 ``db.unavailable`` (JSON, Retry-After, no
traceback in its log) on every kind of route — the lean ticket path, reads, writes, token checks —
and serves again once the database is back. The cluster is the test's own (``private_postgres``)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.rigs.hall_server import prepare_hall, start_hall_server
from tests.rigs.private_postgres import PrivatePostgres
from tests.rigs.waiting import budget, pass_time, wait_until

API = "/api/v1"


def test_database_down_is_503_db_unavailable_then_recovers(private_postgres: PrivatePostgres, tmp_path: Path) -> None:
    db_url = private_postgres.create_database("hall")
    tokens = prepare_hall(db_url)
    server = start_hall_server(db_url, tmp_path)
    try:
        h = {"Authorization": f"Bearer {tokens['terminal']}"}
        clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
        first = httpx.post(f"{server.url}{API}/tickets", json={"category": "A"}, headers=h, timeout=budget(10))
        assert first.status_code == 201, first.text
        private_postgres.stop("fast")
        pass_time(1.1, reason="past the one-second token cache: the token check itself needs the database")
        calls = [("POST", "/tickets", {"category": "A"}, h),  # the lean path
                 ("POST", "/tickets", {"category": "A", "priority": "elderly"}, h),  # the full path
                 ("GET", f"/tickets/{first.json()['id']}", None, h),
                 ("POST", "/windows/1/call-next", None, clerk),
                 ("GET", "/windows", None, clerk)]
        for method, path, body, headers in calls:
            r = httpx.request(method, f"{server.url}{API}{path}", json=body, headers=headers, timeout=budget(15))
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.json()["error"]["code"] == "db.unavailable", (path, r.text)
        assert httpx.get(f"{server.url}{API}/health", timeout=budget(5)).status_code == 200
        private_postgres.start()

        def issued() -> bool:  # pooled connections of the dead server are replaced on use
            r = httpx.post(f"{server.url}{API}/tickets", json={"category": "A"}, headers=h, timeout=budget(10))
            if r.status_code not in (201, 503):
                pytest.fail(f"neither issued nor 503 while recovering: {r.status_code} {r.text}")
            return r.status_code == 201

        wait_until(issued, timeout_s=30, what="the server recovering after the database came back",
                   interval_s=0.2)
        assert httpx.get(f"{server.url}{API}/windows", headers=clerk, timeout=budget(10)).status_code == 200
    finally:
        assert server.stop() == 0
    log = server.log()
    assert "Traceback" not in log and "db.unavailable" not in log
    assert "database unavailable on" in log
