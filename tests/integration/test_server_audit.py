"""The audit trail against a real server: who (token name and role) called, finished, transferred, and
opened a citizen's submission and its materials — and nothing personal in it."""

from __future__ import annotations

import json

import httpx

from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof

API = "/api/v1"
ID_NUMBER = "110101199003071233"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _h(server: HallServer, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def test_writes_and_material_reads_are_attributed_without_personal_data(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    clerk = _h(s, "clerk")
    ticket = httpx.post(f"{url}/tickets", json={"category": "A"}, headers=_h(s, "terminal")).json()
    data = {"item_code": "A-004", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER),
            "name": "张三", "ticket_id": ticket["id"], "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "photo", "file": "f0"}]}
    sub = httpx.post(f"{url}/submissions", headers=_h(s, "terminal"), files={"f0": ("p.png", PNG, "image/png")},
                     data={"data": json.dumps(data, ensure_ascii=False)}).json()
    assert httpx.post(f"{url}/windows/1/open", json={"clerk": "王五"}, headers=clerk).status_code == 200
    called = httpx.post(f"{url}/windows/1/call", json={"number": ticket["number"]}, headers=clerk)
    assert called.status_code == 200, called.text
    assert httpx.get(f"{url}/submissions/{sub['code']}/detail", headers=clerk).status_code == 200
    assert httpx.get(f"{url}/files/{sub['materials'][0]['sha256']}", headers=clerk).status_code == 200
    moved = httpx.post(f"{url}/tickets/{ticket['id']}/transfer", json={"category": "B"}, headers=clerk)
    assert moved.status_code == 200, moved.text
    again = httpx.post(f"{url}/windows/3/open", json={}, headers=_h(s, "manager"))
    assert again.status_code == 200
    assert httpx.post(f"{url}/windows/3/call-next", headers=_h(s, "manager")).status_code == 200
    assert httpx.post(f"{url}/windows/3/finish", headers=_h(s, "manager")).status_code == 200

    assert httpx.get(f"{url}/audit", headers=_h(s, "manager")).status_code == 403
    r = httpx.get(f"{url}/audit", headers=_h(s, "admin"))
    assert r.status_code == 200, r.text
    entries = r.json()["entries"]
    seen = {(e["action"], e["actor"], e["role"], e["target"]) for e in entries}
    clerk_name = next(e["actor"] for e in entries if e["role"] == "clerk")
    manager_name = next(e["actor"] for e in entries if e["role"] == "manager")
    assert ("window.call", clerk_name, "clerk", "window 1") in seen
    assert ("submission.open", clerk_name, "clerk", f"submission {sub['code']}") in seen
    assert ("material.open", clerk_name, "clerk", f"submission {sub['code']}") in seen
    assert ("ticket.transfer", clerk_name, "clerk", f"ticket {ticket['number']}") in seen
    assert ("window.call_next", manager_name, "manager", "window 3") in seen
    assert ("window.finish", manager_name, "manager", "window 3") in seen
    call = next(e for e in entries if e["action"] == "window.call")
    assert call["detail"] == f"ticket {ticket['number']}"
    assert ID_NUMBER not in r.text and "张三" not in r.text and s.tokens["clerk"] not in r.text
    # Newest first; paging forward from an id gives the later ones, oldest first.
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)
    later = httpx.get(f"{url}/audit", params={"after_id": ids[-1], "action": "window.call"},
                      headers=_h(s, "admin")).json()["entries"]
    assert [e["action"] for e in later] == ["window.call"]


def test_an_idempotent_replay_is_audited_once(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    clerk = {**_h(s, "clerk"), "Idempotency-Key": "audit-once"}
    httpx.post(f"{url}/tickets", json={"category": "A"}, headers=_h(s, "terminal"))
    httpx.post(f"{url}/windows/1/open", json={}, headers=_h(s, "clerk"))
    first = httpx.post(f"{url}/windows/1/call-next", headers=clerk)
    again = httpx.post(f"{url}/windows/1/call-next", headers=clerk)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    entries = httpx.get(f"{url}/audit", params={"action": "window.call_next"}, headers=_h(s, "admin")).json()
    assert len(entries["entries"]) == 1
