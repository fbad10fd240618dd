"""Tickets and windows against a real server process (SQLite)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from hall.client import HallClient, HallConflict, HallRejected
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import earlier_today
from tests.rigs.waiting import budget

ELDER = "11010519491231002X"  # born 1949: elderly priority
YOUNG = "110101199003071233"


@pytest.fixture
def clerk(hall_server: HallServer) -> HallClient:
    return HallClient(hall_server.url, hall_server.tokens["clerk"], read_timeout=budget(5))


@pytest.fixture
def kiosk(hall_server: HallServer) -> HallClient:
    return HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))


def test_issue_contract_shape(hall_server: HallServer) -> None:
    r = httpx.post(f"{hall_server.url}/api/v1/tickets", json={"category": "A"},
                   headers={"Authorization": f"Bearer {hall_server.tokens['terminal']}"})
    assert r.status_code == 201
    body = r.json()
    assert {"id", "number", "category", "status", "waiting_ahead", "estimated_wait_s", "issued_at"} <= set(body)
    assert body["number"] == "A001" and body["category"] == "A" and body["status"] == "waiting"
    assert body["waiting_ahead"] == 0
    page = httpx.get(hall_server.url + body["public_url"])
    assert page.status_code == 200 and "A001" in page.text
    cats = httpx.get(f"{hall_server.url}/api/v1/categories",
                     headers={"Authorization": f"Bearer {hall_server.tokens['terminal']}"}).json()
    assert [c["code"] for c in cats][:6] == ["A", "B", "C", "D", "E", "F"] and cats[0]["name"] == "社会保险"


def test_numbers_and_waiting_ahead(kiosk: HallClient, clerk: HallClient) -> None:
    clerk.open_window(3)  # serves B: with no open window the wait is unknown (test_nobody_stranded.py)
    first, second = kiosk.issue_ticket("B"), kiosk.issue_ticket("B")
    other = kiosk.issue_ticket("C")
    assert (first.number, second.number, other.number) == ("B001", "B002", "C001")
    assert second.waiting_ahead == 1 and second.estimated_wait_s and second.estimated_wait_s > 0


def test_elderly_priority_called_first_and_explained(kiosk: HallClient, clerk: HallClient) -> None:
    normal = kiosk.issue_ticket("A", id_number=YOUNG)
    elder = kiosk.issue_ticket("A", id_number=ELDER)
    assert elder.priority == "elderly" and elder.id_masked == "110105********002X"
    why = kiosk.explain(normal.id)
    assert why.position == 2 and "优先" in why.ahead_by_reason[0]["reason_zh"]
    called = clerk.call_next(1)
    assert called is not None and called.number == elder.number and called.window == 1
    assert clerk.call_next(1).number == normal.number  # type: ignore[union-attr]
    assert clerk.call_next(1) is None


def test_quota_per_id_is_explained(kiosk: HallClient) -> None:
    for _ in range(3):
        kiosk.issue_ticket("F", id_number=YOUNG)
    with pytest.raises(HallRejected) as err:
        kiosk.issue_ticket("F", id_number=YOUNG)
    assert err.value.server_code == "quota_exceeded" and err.value.status == 422
    assert "3" in err.value.message_zh


def test_recall_limit_no_show_and_reinstate(kiosk: HallClient, clerk: HallClient) -> None:
    t = kiosk.issue_ticket("D")
    kiosk.issue_ticket("D")
    assert clerk.call_next(5).id == t.id  # type: ignore[union-attr]
    assert clerk.recall(5).call_count == 2
    assert clerk.recall(5).call_count == 3
    assert clerk.recall(5).status == "no_show"
    back = clerk.reinstate(t.id)
    assert back.status == "waiting"
    assert clerk.call_next(5).id == t.id  # type: ignore[union-attr]  # at the head again


def test_start_finish_transfer_pause(kiosk: HallClient, clerk: HallClient) -> None:
    t = kiosk.issue_ticket("E")
    clerk.call_next(6)
    assert clerk.start(6).status == "serving"
    assert clerk.finish(6).status == "done"
    u = kiosk.issue_ticket("E")
    moved = clerk.transfer(u.id, category="C")
    assert moved.number == u.number and moved.category == "C"
    assert clerk.call_next(4).id == u.id  # type: ignore[union-attr]
    assert clerk.pause(4, "午休").status == "paused"
    with pytest.raises(HallConflict):
        clerk.call_next(4)
    assert clerk.resume(4).status == "open"
    assert t.number == "E001"


def test_call_specific_number(kiosk: HallClient, clerk: HallClient) -> None:
    kiosk.issue_ticket("C")
    second = kiosk.issue_ticket("C")
    assert clerk.call_number(4, second.number).id == second.id


def test_idempotent_issue_replays_and_conflicts(hall_server: HallServer) -> None:
    key = str(uuid.uuid4())
    h = {"Authorization": f"Bearer {hall_server.tokens['terminal']}", "Idempotency-Key": key}
    a = httpx.post(f"{hall_server.url}/api/v1/tickets", json={"category": "A"}, headers=h)
    b = httpx.post(f"{hall_server.url}/api/v1/tickets", json={"category": "A"}, headers=h)
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    c = httpx.post(f"{hall_server.url}/api/v1/tickets", json={"category": "B"}, headers=h)
    assert c.status_code == 409 and c.json()["error"]["code"] == "idempotency.mismatch"


def test_offline_ticket_keeps_number_and_original_time(kiosk: HallClient, clerk: HallClient) -> None:
    from datetime import timedelta

    later = kiosk.issue_ticket("B")
    when = earlier_today(timedelta(minutes=5))
    off = kiosk.submit_offline_ticket(category="B", offline_number="K1-B005", issued_at=when, terminal_id="K1",
                                      idempotency_key="k1-off-1")
    assert off.number == "K1-B005" and off.source == "offline"
    again = kiosk.submit_offline_ticket(category="B", offline_number="K1-B005", issued_at=when, terminal_id="K1",
                                        idempotency_key="k1-off-1")
    assert again.id == off.id  # the same ticket (its key): the first answer (tests/hostile/test_offline_numbers.py)
    called = clerk.call_next(3)
    assert called is not None and called.id == off.id  # queued by its original issue time
    assert clerk.call_next(3).id == later.id  # type: ignore[union-attr]


def test_auth_roles_errors_and_validation(hall_server: HallServer) -> None:
    url = f"{hall_server.url}/api/v1"
    assert httpx.post(f"{url}/tickets", json={"category": "A"}).json()["error"]["code"] == "auth.required"
    term = {"Authorization": f"Bearer {hall_server.tokens['terminal']}"}
    r = httpx.post(f"{url}/windows/1/call-next", headers=term)
    assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden"
    r = httpx.post(f"{url}/tickets", content=b"{not json", headers={**term, "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation"
    r = httpx.post(f"{url}/tickets", json={"category": "A", "id_number": "110101199003071234"}, headers=term)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_id_number"
    assert "110101199003071234" not in r.text and "110101199003071234" not in hall_server.log()
    assert httpx.get(f"{url}/tickets/999999", headers=term).status_code == 404


def test_failed_auth_is_rate_limited(hall_server: HallServer) -> None:
    url = f"{hall_server.url}/api/v1/categories"
    codes = [httpx.get(url, headers={"Authorization": f"Bearer wrong{i}"}).status_code for i in range(25)]
    assert codes[0] == 401 and codes[-1] == 429
