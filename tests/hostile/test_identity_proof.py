"""A kiosk token plus a typed ID number opens nobody's data (issue 14.2), on a real server process.

Cases, e-licences and applications in a person's name need proof bound to the session: a card read's
own blocks, a 亮码 the server resolved, or a face decision signed by the provincial service. Every
refusal is a 403 with a translated message and a stable code; nothing personal comes back.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping

import httpx
import pytest

from hall.server.domain.identity_proof import sign_face_decision
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_photo, card_proof, card_text

API = "/api/v1"
ALICE = "110101199003071233"
MALLORY = "310115200001010016"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _h(server: HallServer, role: str = "terminal") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _post(server: HallServer, path: str, body: dict[str, object], role: str = "terminal") -> httpx.Response:
    return httpx.post(f"{server.url}{API}{path}", json=body, headers=_h(server, role))


def _submit(server: HallServer, data: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{server.url}{API}/submissions", headers=_h(server),
                      files={"f0": ("p.png", PNG, "image/png")},
                      data={"data": json.dumps(data, ensure_ascii=False)})


def _application(id_number: str, proof: Mapping[str, object] | None) -> dict[str, object]:
    data: dict[str, object] = {"item_code": "A-004", "id_number": id_number, "name": "张三", "form": STANDARD_ANSWERS,
                               "materials": [{"requirement": "photo", "file": "f0"}]}
    if proof is not None:
        data["proof"] = proof
    return data


def _refused(r: httpx.Response, code: str) -> None:
    assert r.status_code == 403, r.text
    err = r.json()["error"]
    assert err["code"] == code
    assert err["message_zh"] and err["message_en"] and ALICE not in r.text


@pytest.mark.parametrize("path", ["/submissions/lookup", "/elicenses/query"])
def test_typed_number_alone_reads_nothing(hall_server_shared: HallServer, path: str) -> None:
    s = hall_server_shared
    assert _submit(s, _application(ALICE, card_proof(ALICE))).status_code == 201
    _refused(_post(s, path, {"id_number": ALICE}), "identity.proof_required")
    # a made-up token or a half-card proves nothing either
    _refused(_post(s, path, {"id_number": ALICE, "proof": {"method": "service_code", "token": "HIP1.x"}}),
             "identity.proof_invalid")
    half = {"method": "id_card", "card_text": base64.b64encode(card_text(ALICE)).decode(),
            "card_photo": base64.b64encode(b"\x20" * 1024).decode()}
    _refused(_post(s, path, {"id_number": ALICE, "proof": half}), "identity.proof_invalid")
    # the claimed method without its evidence
    _refused(_post(s, path, {"id_number": ALICE, "proof": {"method": "id_card"}}), "identity.proof_invalid")


def test_an_application_in_someone_elses_name_is_refused(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    _refused(_submit(s, _application(ALICE, None)), "identity.proof_required")
    # Mallory's own card does not open Alice's name
    _refused(_submit(s, _application(ALICE, card_proof(MALLORY))), "identity.proof_mismatch")
    _refused(_submit(s, _application(ALICE, card_proof(ALICE, valid_until="20200101"))), "identity.card_expired")


def test_a_card_read_proves_the_holder(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    code = _submit(s, _application(ALICE, card_proof(ALICE))).json()["code"]
    r = _post(s, "/submissions/lookup", {"id_number": ALICE, "proof": card_proof(ALICE)})
    assert r.status_code == 200 and code in [c["code"] for c in r.json()["items"]]
    # exchanged once for a token, good for this terminal and this number only
    token = _post(s, "/identity/proofs", {"id_number": ALICE, "proof": card_proof(ALICE)}).json()["token"]
    proof = {"method": "id_card", "token": token}
    assert _post(s, "/submissions/lookup", {"id_number": ALICE, "proof": proof}).status_code == 200
    _refused(_post(s, "/submissions/lookup", {"id_number": MALLORY, "proof": proof}), "identity.proof_mismatch")
    _refused(_post(s, "/submissions/lookup", {"id_number": ALICE, "proof": proof}, role="clerk"),
             "identity.proof_invalid")


def test_a_resolved_service_code_carries_its_proof(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    code = _post(s, "/identity/service-codes", {"id_number": ALICE, "name": "张三"}, role="admin").json()["code"]
    found = _post(s, "/identity/service-code", {"code": code}).json()
    proof = {"method": "service_code", "token": found["proof"]}
    assert _post(s, "/elicenses/query", {"id_number": ALICE, "proof": proof}).status_code == 200


def test_face_decisions_count_only_when_signed_by_a_configured_service(hall_server_shared: HallServer) -> None:
    s = hall_server_shared  # this server has no face_service_key: no face decision can prove anything
    now = int(time.time())
    face = {"serial": "T1", "result": "match", "score": 0.9, "issued_at": now,
            "signature": sign_face_decision(b"guess", serial="T1", id_number=ALICE, result="match", score=0.9,
                                            issued_at=now)}
    _refused(_post(s, "/submissions/lookup", {"id_number": ALICE, "proof": {"method": "face", "face": face}}),
             "identity.face_unverifiable")
    assert card_photo(ALICE) != card_photo(MALLORY)
