"""What the counter reads from the server instead of counting itself: served-today figures on the window
record (REST and window events), an appointment's details, and the per-material review of a submission
— against a real server process."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from websockets.sync.client import connect

from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import earlier_today
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
ID_NUMBER = "110101199003071233"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _h(server: HallServer, role: str = "clerk", **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}", **extra}


def test_window_record_carries_served_today_and_average_handling(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    for _ in range(3):
        httpx.post(f"{url}/tickets", json={"category": "B"}, headers=_h(s, "terminal"))
    httpx.post(f"{url}/windows/3/open", json={"clerk": "王五"}, headers=_h(s))
    before = next(w for w in httpx.get(f"{url}/windows", headers=_h(s)).json() if w["number"] == 3)
    assert before["served_today"] == 0 and before["avg_handling_s"] is None
    ws_url = s.url.replace("http://", "ws://") + f"{API}/events"
    auth = {"Authorization": f"Bearer {s.tokens['terminal']}"}
    with connect(ws_url, open_timeout=budget(5), additional_headers=auth) as ws:
        assert json.loads(ws.recv(timeout=budget(5)))["type"] == "hello"
        assert httpx.post(f"{url}/windows/3/call-next", headers=_h(s)).status_code == 200
        assert httpx.post(f"{url}/windows/3/start", headers=_h(s)).status_code == 200
        assert httpx.post(f"{url}/windows/3/finish", headers=_h(s)).status_code == 200
        assert httpx.post(f"{url}/windows/3/call-next", headers=_h(s)).status_code == 200
        # Calling the next citizen closes the current one as done: it counts too.
        assert httpx.post(f"{url}/windows/3/call-next", headers=_h(s)).status_code == 200
        seen: list[dict[str, Any]] = []
        while len(seen) < 4:
            frame = json.loads(ws.recv(timeout=budget(5)))
            if frame["type"] == "window.changed" and frame["data"]["number"] == 3:
                seen.append(frame["data"])
    assert [w["served_today"] for w in seen] == [0, 1, 1, 2]
    assert seen[-1]["avg_handling_s"] is not None and seen[-1]["avg_handling_s"] >= 0
    listed = next(w for w in httpx.get(f"{url}/windows", headers=_h(s)).json() if w["number"] == 3)
    assert listed["served_today"] == 2 and listed["avg_handling_s"] == seen[-1]["avg_handling_s"]
    board = httpx.get(f"{url}/dashboard/overview", headers=_h(s, "manager")).json()
    w3 = next(w for w in board["windows"] if w["number"] == 3)
    assert (w3["served_today"], w3["avg_handling_s"]) == (2, listed["avg_handling_s"])


def test_clerk_reads_the_appointment_behind_a_ticket(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    start = earlier_today(timedelta(minutes=5))
    appt = httpx.post(f"{url}/appointments", headers=_h(s, "terminal"), json={
        "id_number": ID_NUMBER, "category": "A", "item_code": "A-004", "slot_start": start.isoformat(),
        "slot_end": (start + timedelta(minutes=30)).isoformat()}).json()
    ticket = httpx.post(f"{url}/appointments/check-in", json={"code": appt["code"]}, headers=_h(s, "terminal"))
    assert ticket.status_code == 201, ticket.text
    aid = ticket.json()["ticket"]["appointment_id"]
    r = httpx.get(f"{url}/appointments/{aid}", headers=_h(s))
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["code"] == appt["code"] and got["status"] == "checked_in" and got["item_code"] == "A-004"
    assert got["category_name"] == "社会保险" and got["item_name"] and got["id_masked"] == "110101********1233"
    assert ID_NUMBER not in r.text
    assert httpx.get(f"{url}/appointments/{aid}", headers=_h(s, "terminal")).status_code == 403
    assert httpx.get(f"{url}/appointments/999999", headers=_h(s)).json()["error"]["code"] == "appointment.not_found"


def test_material_review_feeds_the_missing_list_and_the_history(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    data = {"item_code": "A-004", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER), "name": "张三",
            "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "id_card", "file": "f0"}, {"requirement": "photo", "file": "f1"},
                          {"requirement": "photo", "file": "f2"}]}
    files = {"f0": ("a.jpg", JPEG, "image/jpeg"), "f1": ("b.jpg", JPEG + b"1", "image/jpeg"),
             "f2": ("c.jpg", JPEG + b"2", "image/jpeg")}
    sub = httpx.post(f"{url}/submissions", headers=_h(s, "terminal"), data={"data": json.dumps(data)},
                     files=files).json()
    assert sub["status"] == "accepted" and sub["missing"] == []
    card = next(m["id"] for m in sub["materials"] if m["requirement"] == "id_card")
    photos = [m["id"] for m in sub["materials"] if m["requirement"] == "photo"]
    body = {"materials": [{"id": card, "verdict": "missing", "note": "证件照片面模糊"},
                          *({"id": p, "verdict": "accepted"} for p in photos)],
            "status": "supplement_required"}
    key = {"Idempotency-Key": "rv-1"}
    r = httpx.post(f"{url}/submissions/{sub['code']}/review", json=body, headers=_h(s, **key))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "supplement_required" and out["applicant"]["name"] == "张三"
    verdicts = {m["id"]: (m["verdict"], m["note"], bool(m["reviewed_by"])) for m in out["materials"]}
    assert verdicts == {card: ("missing", "证件照片面模糊", True), **{p: ("accepted", None, True) for p in photos}}
    assert [m["requirement"] for m in out["missing"]] == ["id_card"] and "证件照片面模糊" in out["missing"][0]["zh"]
    assert "居民身份证" in out["history"][-1]["note"] and out["history"][-1]["status"] == "supplement_required"
    again = httpx.post(f"{url}/submissions/{sub['code']}/review", json=body, headers=_h(s, **key))
    assert again.json() == out  # a resent review is a replay, not a second status change
    public = httpx.get(f"{url}/submissions/{sub['code']}", headers=_h(s, "terminal")).json()
    assert [m["requirement"] for m in public["missing"]] == ["id_card"] and "张三" not in json.dumps(public)
    # Accepting it afterwards takes it off the list; an unknown material id is refused.
    fixed = httpx.post(f"{url}/submissions/{sub['code']}/review", headers=_h(s),
                       json={"materials": [{"id": card, "verdict": "accepted"}]}).json()
    assert fixed["missing"] == [] and fixed["status"] == "supplement_required"
    bad = httpx.post(f"{url}/submissions/{sub['code']}/review", headers=_h(s),
                     json={"materials": [{"id": 999999, "verdict": "accepted"}]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "submission.material_unknown"
