"""Terminals identify citizens through the server: cases by ID number (POST, never in a URL) and the
service QR (亮码) — issued signed and short-lived, resolved once — against a real server process, also
through the kiosk's own hall adapter."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hall.client import HallClient
from hall.server.core.security import Keyring
from kiosk.adapters.hall import HallAdapter
from kiosk.flows.ports import PortError
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
ALICE = "110101199003071233"
BOB = "310115200001010016"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _h(server: HallServer, role: str = "terminal") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _submit(server: HallServer, id_number: str, name: str) -> dict[str, Any]:
    data = {"item_code": "A-004", "id_number": id_number, "proof": card_proof(id_number), "name": name,
            "form": STANDARD_ANSWERS, "materials": [{"requirement": "photo", "file": "f0"}]}
    r = httpx.post(f"{server.url}{API}/submissions", headers=_h(server), files={"f0": ("p.png", PNG, "image/png")},
                   data={"data": json.dumps(data, ensure_ascii=False)})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_cases_by_id_number_are_the_citizens_own(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    mine = [_submit(s, ALICE, "张三")["code"] for _ in range(2)]
    theirs = _submit(s, BOB, "李四")["code"]
    httpx.post(f"{s.url}{API}/submissions/{mine[0]}/status", json={"status": "in_review"}, headers=_h(s, "clerk"))
    r = httpx.post(f"{s.url}{API}/submissions/lookup", json={"id_number": ALICE, "proof": card_proof(ALICE)},
                   headers=_h(s))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["code"] for c in body["items"]] == mine[::-1]  # newest first
    assert theirs not in r.text and "李四" not in r.text and "张三" not in r.text and ALICE not in r.text
    first = next(c for c in body["items"] if c["code"] == mine[0])
    statuses = [h["status"] for h in first["history"]]
    assert statuses[0] == "submitted" and statuses[-1] == "in_review" and len(statuses) == 3
    assert body["id_masked"] == "110101********1233"
    assert httpx.post(f"{s.url}{API}/submissions/lookup", json={"id_number": "110101199003071234",
                                                                   "proof": card_proof("110101199003071234")},
                      headers=_h(s)).json()["error"]["code"] == "invalid_id_number"
    nobody = httpx.post(f"{s.url}{API}/submissions/lookup", json={"id_number": "11010519491231002X",
                                                                             "proof": card_proof("11010519491231002X")},
                        headers=_h(s))
    assert nobody.status_code == 200 and nobody.json()["items"] == []
    # The kiosk's adapter reads the same answer into its cases.
    client = HallClient(s.url, s.tokens["terminal"], read_timeout=budget(5))
    try:
        cases = HallAdapter(client).cases(id_number=ALICE, proof=card_proof(ALICE))
        # without a proof the hall refuses, and the adapter says why (the flow asks for a card)
        with pytest.raises(PortError) as refused:
            HallAdapter(client).cases(id_number=ALICE)
    finally:
        client.close()
    assert refused.value.detail["server_code"] == "identity.proof_required"
    assert [c.registration_code for c in cases] == mine[::-1]
    assert cases[-1].history[-1].status == "in_review"


def _issue(server: HallServer, id_number: str = ALICE, name: str = "张三") -> dict[str, object]:
    r = httpx.post(f"{server.url}{API}/identity/service-codes", json={"id_number": id_number, "name": name},
                   headers=_h(server, "admin"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _resolve(server: HallServer, code: str, role: str = "terminal") -> httpx.Response:
    return httpx.post(f"{server.url}{API}/identity/service-code", json={"code": code}, headers=_h(server, role))


def test_service_code_resolves_once_to_the_identity(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    issued = _issue(s)
    code = str(issued["code"])
    assert issued["ttl_s"] == 300 and code.startswith("HSC1.")
    # Nothing readable in the QR: neither the ID number nor the name, plain or base64.
    for needle in (ALICE, "张三", base64.b64encode(ALICE.encode()).decode()[:12]):
        assert needle not in code
    client = HallClient(s.url, s.tokens["terminal"], read_timeout=budget(5))
    try:
        found = HallAdapter(client).resolve_service_code(code)
    finally:
        client.close()
    assert found.pop("proof").startswith("HIP1.service_code.")  # the proof for cases and applications
    assert found == {"id_number": ALICE, "name": "张三"}
    # The terminal's retry of a lost answer gets it again; anyone else finds it used.
    assert _resolve(s, code).json()["id_number"] == ALICE
    used = _resolve(s, code, role="clerk")
    assert used.status_code == 404 and used.json()["error"]["code"] == "service_code.used"
    assert used.json()["error"]["message_zh"] and ALICE not in used.text


def test_altered_foreign_and_expired_codes_are_refused(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    code = str(_issue(s)["code"])
    flipped = code[:10] + ("A" if code[10] != "A" else "B") + code[11:]
    foreign = Keyring(b"\x01" * 32)
    body = code.rsplit(".", 1)[0]
    expired_body = f"{body.rsplit('.', 1)[0]}.{int((datetime.now(UTC) - timedelta(minutes=1)).timestamp()):x}"
    server_key = Keyring(base64.b64decode((s.log_path.parent / "data" / "server.key").read_text()))
    cases = {
        "invalid": [flipped, f"{body}.{foreign.sign_code(body)}", "HSC1.x.y.z", "K7M2-9QXA-3", "😀" * 10],
        "expired": [f"{expired_body}.{server_key.sign_code(expired_body)}"],
    }
    for reason, codes in cases.items():
        for text in codes:
            r = _resolve(s, text)
            assert r.status_code == 404 and r.json()["error"]["code"] == f"service_code.{reason}", (text, r.text)
            assert r.json()["error"]["params"] == {"reason": reason} and r.json()["error"]["message_zh"]
    assert _resolve(s, code).status_code == 200  # the untouched code still works


@pytest.mark.parametrize("role", ["terminal", "clerk", "manager"])
def test_only_the_platform_token_issues_codes(hall_server_shared: HallServer, role: str) -> None:
    r = httpx.post(f"{hall_server_shared.url}{API}/identity/service-codes", json={"id_number": ALICE},
                   headers=_h(hall_server_shared, role))
    assert r.status_code == 403
