"""The lean front answers plain tickets — with or without an Idempotency-Key, as every kiosk sends them —
exactly like the route, through the one writer; it leaves every other request to the route (in-process
app with its lifespan, on a copy of the seeded SQLite template)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.core.context import HallContext
from hall.server.core.options import ServerOptions
from tests.rigs.hall_server import sqlite_template

YOUNG = "110101199003071233"
OLD = "110101194001011234"  # born 1940: elderly priority


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[tuple[TestClient, HallContext, dict[str, str]]]:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    app = create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=ServerOptions(data_dir=tmp_path / "data"))
    with TestClient(app) as client:
        yield client, app.state.hall, tokens


def _h(tokens: dict[str, str], role: str = "terminal", key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def test_plain_tickets_with_and_without_a_key_take_the_front_and_answer_like_the_route(
        app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, hall, tokens = app_client
    keyed = client.post("/api/v1/tickets", json={"category": "A", "terminal_id": "K1"},
                        headers=_h(tokens, key=str(uuid.uuid4())))
    bare = client.post("/api/v1/tickets", json={"category": "A"}, headers=_h(tokens))
    assert keyed.status_code == bare.status_code == 201 and hall.writer.requests == 2
    # A priority needs the call order: the route (and only staff may set vip: docs/security.md).
    routed = client.post("/api/v1/tickets", json={"category": "A", "priority": "vip"}, headers=_h(tokens, "clerk"))
    assert routed.status_code == 201 and hall.writer.requests == 2
    a, b, c = keyed.json(), bare.json(), routed.json()
    assert set(a) == set(b) == set(c)  # one shape of a ticket, whichever path wrote it
    assert (a["number"], b["number"], c["number"]) == ("A001", "A002", "A003")
    assert (a["waiting_ahead"], b["waiting_ahead"]) == (0, 1)
    assert a["status"] == "waiting" and a["source"] == "kiosk" and a["terminal_id"] == "K1"
    shown = client.get(f"/api/v1/tickets/{a['id']}", headers=_h(tokens)).json()
    assert shown["number"] == "A001" and shown["issued_at"] == a["issued_at"]
    page = client.get(a["public_url"] + ".json")
    assert page.status_code == 200 and page.json()["number"] == "A001"


def test_a_repeated_key_gets_the_first_answer_and_another_body_is_a_mismatch(
        app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, _hall, tokens = app_client
    key = str(uuid.uuid4())
    first = client.post("/api/v1/tickets", json={"category": "B"}, headers=_h(tokens, key=key))
    again = client.post("/api/v1/tickets", json={"category": "B"}, headers=_h(tokens, key=key))
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = client.post("/api/v1/tickets", json={"category": "C"}, headers=_h(tokens, key=key))
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency.mismatch"
    assert other.json()["error"]["message_zh"]
    # The route keeps the same book: the key with a body only the route takes is a mismatch too.
    routed = client.post("/api/v1/tickets", json={"category": "B", "priority": "vip"},
                         headers=_h(tokens, "clerk", key=key))
    assert routed.status_code == 409 and routed.json()["error"]["code"] == "idempotency.mismatch"
    lines = {c["code"]: c for c in client.get("/api/v1/categories", headers=_h(tokens)).json()}
    assert lines["B"]["issued_today"] == 1


def test_events_of_front_tickets(app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, _hall, tokens = app_client
    with client.websocket_connect("/api/v1/events", headers={"Authorization": f"Bearer {tokens['terminal']}"}) as ws:
        assert ws.receive_json()["type"] == "hello"
        client.post("/api/v1/tickets", json={"category": "C"}, headers=_h(tokens, key="k-1"))
        for _ in range(5):
            event: dict[str, Any] = ws.receive_json()
            if event["type"] == "ticket.issued":
                break
        assert event["type"] == "ticket.issued" and event["data"]["number"] == "C001"
        assert event["data"]["waiting_ahead"] == 0


@pytest.mark.parametrize(("body", "headers", "status", "code"), [
    ({"category": "A"}, {"Authorization": "Bearer nope"}, 401, "auth.invalid_token"),
    ({"category": "A"}, {}, 401, "auth.required"),
    ({"category": "a"}, None, 422, "validation"),
    ({"category": "A", "extra": 1}, None, 422, "validation"),
    ({"category": "Z"}, None, 404, "unknown_category"),
    ({"category": "A", "id_number": "110101199003071234"}, None, 422, "invalid_id_number"),
])
def test_everything_else_goes_to_the_route(app_client: tuple[TestClient, HallContext, dict[str, str]],
                                           body: dict[str, Any], headers: dict[str, str] | None, status: int,
                                           code: str) -> None:
    client, hall, tokens = app_client
    r = client.post("/api/v1/tickets", json=body, headers=_h(tokens) if headers is None else headers)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert hall.writer.requests == 0


def test_id_numbers_quota_and_caps_hold_on_the_front_priorities_and_hours_on_the_route(
        app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, hall, tokens = app_client
    manager = _h(tokens, "manager")
    for n in range(3):
        r = client.post("/api/v1/tickets", json={"category": "D", "id_number": YOUNG}, headers=_h(tokens))
        assert r.status_code == 201 and r.json()["id_masked"] == "110101********1233", n
    over = client.post("/api/v1/tickets", json={"category": "D", "id_number": YOUNG}, headers=_h(tokens))
    assert over.status_code == 422 and over.json()["error"]["code"] == "quota_exceeded"
    assert over.json()["error"]["params"] == {"limit": 3, "used": 3}
    assert hall.writer.requests == 4
    elderly = client.post("/api/v1/tickets", json={"category": "D", "id_number": OLD}, headers=_h(tokens))
    assert elderly.json()["priority"] == "elderly" and hall.writer.requests == 4
    capped = {"code": "E", "name_zh": "市场主体登记", "name_en": "Business registration", "daily_cap": 1}
    assert client.put("/api/v1/categories/E", json=capped, headers=manager).status_code == 200
    assert client.post("/api/v1/tickets", json={"category": "E"}, headers=_h(tokens)).status_code == 201
    full = client.post("/api/v1/tickets", json={"category": "E"}, headers=_h(tokens, key="full-1"))
    assert full.status_code == 422 and full.json()["error"]["code"] == "category_full"
    assert full.json()["error"]["params"]["cap"] == 1 and "1" in full.json()["error"]["message_zh"]
    assert hall.writer.requests == 6
    # A refused keyed request leaves no answer behind: its retry is judged afresh (still full).
    again = client.post("/api/v1/tickets", json={"category": "E"}, headers=_h(tokens, key="full-1"))
    assert again.status_code == 422 and again.json()["error"]["code"] == "category_full"
    lines = {c["code"]: c for c in client.get("/api/v1/categories", headers=_h(tokens)).json()}
    assert (lines["E"]["issued_today"], lines["E"]["full"]) == (1, True)
    assert (lines["D"]["issued_today"], lines["D"]["full"]) == (4, False)  # no cap
    opens = "13:00" if datetime.now(ZoneInfo("Asia/Shanghai")).hour < 12 else "01:00"  # never now
    closed = {"code": "F", "name_zh": "医疗保障", "name_en": "Medical insurance", "opens": opens,
              "closes": opens.replace(":00", ":30")}
    assert client.put("/api/v1/categories/F", json=closed, headers=manager).status_code == 200
    shut = client.post("/api/v1/tickets", json={"category": "F"}, headers=_h(tokens))
    assert shut.status_code == 422 and shut.json()["error"]["code"] == "closed"
    assert shut.json()["error"]["params"]["next_opening"].endswith(opens)


def test_a_database_held_by_another_process_is_waited_for(
        app_client: tuple[TestClient, HallContext, dict[str, str]], tmp_path: Path) -> None:
    client, hall, tokens = app_client
    other = sqlite3.connect(tmp_path / "hall.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # e.g. `hall admin create-token` writing at that moment
    timer = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        r = client.post("/api/v1/tickets", json={"category": "A"}, headers=_h(tokens))
    finally:
        timer.join()
        other.close()
    assert r.status_code == 201 and r.json()["number"] == "A001" and hall.writer.requests == 1
