"""A hall server configured with the provincial face service's key takes its signed decisions as proof
of identity (issue 14.2): the decision the provincial driver got from the service's HTTP twin opens the
citizen's cases and e-licences; for anyone else, a ``no_match``, an altered score or a stale one do not."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devices.face_verifier.protocol import Decision, IdNumberReference
from devices.registry import open_device
from devices.twins.face_verifier import testset as ts
from devices.twins.face_verifier.provincial_service import ProvincialService
from hall.server.app import create_app
from hall.server.core.options import ServerOptions
from tests.rigs.hall_server import sqlite_template

KEY = "province-key-for-this-hall"
ALICE = "110101199003071233"
BOB = "310115200001010016"
SRC = ts.sources()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    app = create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}",
                     options=ServerOptions(data_dir=tmp_path / "d", face_service_key=KEY))
    with TestClient(app) as c:
        yield c, {"Authorization": f"Bearer {tokens['terminal']}"}


def _decision(frames_of: str) -> dict[str, object]:
    with ProvincialService(key=KEY.encode()) as svc:
        svc.register(ALICE, ts.id_photo(SRC["collins_1"]))
        with open_device("face_verifier", "provincial", url=svc.url, app_id="hall", app_key="secret",
                         timeout_s=20) as v:
            d = v.verify(IdNumberReference(ALICE), ts.frames(SRC[frames_of]))
    assert d.decision in (Decision.MATCH, Decision.NO_MATCH)
    return {k: d.attestation[k] for k in ("serial", "result", "score", "issued_at", "signature")}


def test_a_signed_face_match_opens_the_citizens_own_data(client: tuple[TestClient, dict[str, str]]) -> None:
    c, h = client
    face = _decision("collins_1")
    assert face["result"] == "match"
    proof = {"method": "face", "face": face}
    assert c.post("/api/v1/submissions/lookup", headers=h, json={"id_number": ALICE, "proof": proof}).status_code == 200
    assert c.post("/api/v1/elicenses/query", headers=h, json={"id_number": ALICE, "proof": proof}).status_code == 200
    token = c.post("/api/v1/identity/proofs", headers=h, json={"id_number": ALICE, "proof": proof}).json()["token"]
    assert token.startswith("HIP1.face.")
    # the same decision for someone else, with its score changed, or a day old: refused
    for body, code in (({"id_number": BOB, "proof": proof}, "identity.proof_invalid"),
                       ({"id_number": ALICE, "proof": {"method": "face", "face": {**face, "score": 0.99}}},
                        "identity.proof_invalid"),
                       ({"id_number": ALICE, "proof": {"method": "face", "face": {
                           **face, "issued_at": int(time.time()) - 86400}}}, "identity.proof_invalid")):
        r = c.post("/api/v1/submissions/lookup", headers=h, json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == code, r.text


def test_a_signed_no_match_proves_nothing(client: tuple[TestClient, dict[str, str]]) -> None:
    c, h = client
    face = _decision("obama_1")
    assert face["result"] == "no_match"
    r = c.post("/api/v1/submissions/lookup", headers=h, json={"id_number": ALICE, "proof": {"method": "face",
                                                                                            "face": face}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "identity.proof_invalid"
