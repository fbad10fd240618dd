"""The lean front for plain tickets answers exactly like the full route, and leaves every other request
to it (in-process app with its lifespan, on a copy of the seeded SQLite template)."""

from __future__ import annotations

import shutil
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


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[tuple[TestClient, HallContext, dict[str, str]]]:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    app = create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=ServerOptions(data_dir=tmp_path / "data"))
    with TestClient(app) as client:
        yield client, app.state.hall, tokens


def _h(tokens: dict[str, str], role: str = "terminal", **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}", **extra}


def test_plain_ticket_is_answered_by_the_lean_path_like_the_route(
        app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, hall, tokens = app_client
    fast = client.post("/api/v1/tickets", json={"category": "A"}, headers=_h(tokens))
    assert fast.status_code == 201 and hall.fast_served == 1
    full = client.post("/api/v1/tickets", json={"category": "A"},
                       headers=_h(tokens, **{"Idempotency-Key": str(uuid.uuid4())}))
    assert full.status_code == 201 and hall.fast_served == 1
    a, b = fast.json(), full.json()
    assert set(a) == set(b)
    assert (a["number"], b["number"]) == ("A001", "A002")
    assert (a["waiting_ahead"], b["waiting_ahead"]) == (0, 1)
    assert a["status"] == "waiting" and a["source"] == "kiosk" and a["public_url"].startswith("/t/")
    shown = client.get(f"/api/v1/tickets/{a['id']}", headers=_h(tokens)).json()
    assert shown["number"] == "A001" and shown["issued_at"] == a["issued_at"]
    page = client.get(a["public_url"] + ".json")
    assert page.status_code == 200 and page.json()["number"] == "A001"
    with_source = client.post("/api/v1/tickets", json={"category": "B", "source": "counter", "terminal_id": "K1"},
                              headers=_h(tokens))
    assert with_source.json()["source"] == "counter" and hall.fast_served == 2


def test_events_of_lean_tickets(app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, _hall, tokens = app_client
    with client.websocket_connect(f"/api/v1/events?token={tokens['terminal']}") as ws:
        assert ws.receive_json()["type"] == "hello"
        client.post("/api/v1/tickets", json={"category": "C"}, headers=_h(tokens))
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
])
def test_everything_else_goes_to_the_route(app_client: tuple[TestClient, HallContext, dict[str, str]],
                                           body: dict[str, Any], headers: dict[str, str] | None, status: int,
                                           code: str) -> None:
    client, hall, tokens = app_client
    r = client.post("/api/v1/tickets", json=body, headers=_h(tokens) if headers is None else headers)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert hall.fast_served == 0


def test_id_numbers_priority_caps_and_hours_take_the_full_rules(
        app_client: tuple[TestClient, HallContext, dict[str, str]]) -> None:
    client, hall, tokens = app_client
    manager = _h(tokens, "manager")
    assert client.post("/api/v1/tickets", json={"category": "D", "id_number": YOUNG}, headers=_h(tokens)).json()[
        "id_masked"] == "110101********1233"
    assert client.post("/api/v1/tickets", json={"category": "D", "priority": "vip"},
                       headers=_h(tokens)).json()["priority"] == "vip"
    capped = {"code": "E", "name_zh": "市场主体登记", "name_en": "Business registration", "daily_cap": 1}
    assert client.put("/api/v1/categories/E", json=capped, headers=manager).status_code == 200
    assert client.post("/api/v1/tickets", json={"category": "E"}, headers=_h(tokens)).status_code == 201
    full = client.post("/api/v1/tickets", json={"category": "E"}, headers=_h(tokens))
    assert full.status_code == 422 and full.json()["error"]["code"] == "category_full"
    assert full.json()["error"]["params"]["cap"] == 1 and "1" in full.json()["error"]["message_zh"]
    # A kiosk sees the line full before a citizen taps it; cancelling does not give the number back.
    lines = {c["code"]: c for c in client.get("/api/v1/categories", headers=_h(tokens)).json()}
    assert (lines["E"]["issued_today"], lines["E"]["full"]) == (1, True)
    assert (lines["D"]["issued_today"], lines["D"]["full"]) == (2, False)  # no cap
    assert lines["B"]["issued_today"] == 0 and not lines["B"]["full"]
    opens = "13:00" if datetime.now(ZoneInfo("Asia/Shanghai")).hour < 12 else "01:00"  # never now
    closed = {"code": "F", "name_zh": "医疗保障", "name_en": "Medical insurance", "opens": opens,
              "closes": opens.replace(":00", ":30")}
    assert client.put("/api/v1/categories/F", json=closed, headers=manager).status_code == 200
    shut = client.post("/api/v1/tickets", json={"category": "F"}, headers=_h(tokens))
    assert shut.status_code == 422 and shut.json()["error"]["code"] == "closed"
    assert shut.json()["error"]["params"]["next_opening"].endswith(opens)
    assert hall.fast_served == 0


def test_database_held_by_another_process_goes_the_patient_way(
        app_client: tuple[TestClient, HallContext, dict[str, str]], tmp_path: Path) -> None:
    import sqlite3
    import threading

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
    assert r.status_code == 201 and r.json()["number"] == "A001"
    assert hall.fast_served == 0  # the lean path stepped aside instead of stalling the loop
    assert client.post("/api/v1/tickets", json={"category": "A"}, headers=_h(tokens)).json()["number"] == "A002"
    assert hall.fast_served == 1
