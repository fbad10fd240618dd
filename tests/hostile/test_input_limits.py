"""No 5xx from input (issue 13 item 7), against real servers on SQLite and PostgreSQL: JSON nested past
the limit, integers past SQLite's 2^63 and PostgreSQL's 2^31 (``outbox_backlog``), numbers that are not
finite and NUL characters in text are refused with 422 ``validation`` — and a database error never puts
the statement's parameters (names, ID numbers) in the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

NAME_AND_ID = "张三丰 110101199003071233"


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HallServer]:
    url = f"sqlite:///{tmp_path / 'hall.db'}" if request.param == "sqlite" \
        else request.getfixturevalue("fresh_postgres_url")
    srv = start_prepared(url, tmp_path)
    yield srv
    srv.stop()


def _post(server: HallServer, path: str, body: str, role: str = "terminal") -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1{path}", content=body.encode(), timeout=budget(10), headers={
        "Authorization": f"Bearer {server.tokens[role]}", "Content-Type": "application/json"})


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


HOSTILE: list[tuple[str, str, str]] = [
    ("/tickets", '{"category": "A", "priority": "elderly", "notify": ' + _nested(30) + "}", "nested deeper"),
    ("/tickets", '{"category": "A", "notify": ' + _nested(100_000) + "}", "nested deeper"),
    ("/tickets", json.dumps({"category": "A", "terminal_id": "K1\u0000"}), "NUL"),
    ("/terminals/K1/heartbeat", json.dumps({"outbox_backlog": 2**63}), "integer"),
    ("/terminals/K1/heartbeat", json.dumps({"outbox_backlog": 2**31}), "integer"),
    ("/terminals/K1/heartbeat", '{"oldest_pending_s": Infinity}', "not finite"),
    ("/help", json.dumps({"terminal_id": "K1", "message": "请帮忙\u0000"}), "NUL"),
    ("/help", json.dumps({"terminal_id": "K1\u0000", "message": "x"}), "NUL"),
    ("/evaluations", json.dumps({"level": 5, "window": 1, "comment": "好\u0000"}), "NUL"),
]


def test_hostile_values_are_422_not_5xx(server: HallServer) -> None:
    assert _post(server, "/terminals/register", json.dumps({"id": "K1"})).status_code == 200
    for path, body, problem in HOSTILE:
        r = _post(server, path, body)
        assert r.status_code in (404, 422), (path, body[:80], r.status_code, r.text[:300])
        if r.status_code == 422:
            assert r.json()["error"]["code"] == "validation" and problem in r.json()["error"]["message"]
            assert r.json()["error"]["message_zh"].startswith("请求内容有误")
    # A submission's free-form fields are held to the same rules.
    for form in ({"a": json.loads(_nested(20))}, {"note": "x\u0000y"}, {"n": 2**63}):
        data = {"item_code": "A-004", "id_number": "110101199003071233", "proof": card_proof("110101199003071233"),
                "form": form}
        r = httpx.post(f"{server.url}/api/v1/submissions", data={"data": json.dumps(data)}, timeout=budget(10),
                       headers={"Authorization": f"Bearer {server.tokens['terminal']}"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation", r.text[:300]
    server.stop()
    log = server.log()
    assert "Traceback" not in log and " 500" not in log


def test_database_errors_never_carry_the_statements_parameters(fresh_postgres_url: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    from hall.server.core.db import Database
    from hall.server.migrate import upgrade

    db = Database(fresh_postgres_url)
    try:
        upgrade(db.engine)
        with pytest.raises(SQLAlchemyError) as failed, db.write() as s:
            # NUL in text: PostgreSQL refuses it, as it refused a help message before the 422 existed.
            s.execute(text("INSERT INTO audit_log (at, actor, role, action, target, detail) "
                           "VALUES (now(), :actor, 'x', 'x', 'x', :detail)"),
                      {"actor": NAME_AND_ID, "detail": NAME_AND_ID + "\u0000"})
        assert "110101199003071233" not in str(failed.value) and "张三丰" not in str(failed.value)
        assert "hidden" in str(failed.value)
    finally:
        db.dispose()
