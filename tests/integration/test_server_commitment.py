"""The 容缺 commitment's touch signature is a submission part (PNG), stored like any material and shown
in the counter's material list, against a real server process."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from PIL import Image

from hall.counter.service import CounterService
from hall.counter.submission import submission_view
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
ID_NUMBER = "110101199003071233"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (320, 120), 255).save(buf, format="PNG")
    return buf.getvalue()


def _submit(server: HallServer, files: dict[str, tuple[str, bytes, str]], signature: str | None) -> httpx.Response:
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    materials: list[dict[str, Any]] = [{"requirement": "id_card", "file": "f0"},
                                       {"requirement": "transfer_form", "file": "f0"},
                                       {"requirement": "labor_contract", "waive_until": due}]
    if signature:
        materials.append({"requirement": "commitment_signature", "file": signature})
    data = {"item_code": "A-002", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER),
            "name": "张三", "form": STANDARD_ANSWERS, "materials": materials}
    return httpx.post(f"{server.url}{API}/submissions", files=files,
                      headers={"Authorization": f"Bearer {server.tokens['terminal']}"},
                      data={"data": json.dumps(data, ensure_ascii=False)})


def test_signature_is_stored_and_listed_for_the_clerk(hall_server_shared: HallServer) -> None:
    s, png = hall_server_shared, _png()
    r = _submit(s, {"f0": ("a.jpg", JPEG, "image/jpeg"), "sig": ("signature.png", png, "image/png")}, "sig")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "accepted"  # the waivable contract is covered by the commitment
    sig = next(m for m in body["materials"] if m["kind"] == "commitment_signature")
    assert sig["requirement"] == "commitment_signature" and sig["content_type"] == "image/png"
    assert sig["name_zh"] == "容缺受理承诺书签名"
    assert any(m["kind"] == "waived" for m in body["materials"])
    clerk = {"Authorization": f"Bearer {s.tokens['clerk']}"}
    assert httpx.get(f"{s.url}{API}/files/{sig['sha256']}", headers=clerk).content == png
    counter = CounterService(s.url, window=1, read_timeout=budget(5))
    counter.login(s.tokens["clerk"])
    try:
        view = submission_view(counter.submission(body["code"]))
    finally:
        counter.close()
    listed = next(m for m in view.materials if m.kind == "commitment_signature")
    assert listed.requirement == "容缺受理承诺书签名" and listed.is_image and listed.sha256 == sig["sha256"]


def test_signature_must_be_a_png_part(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    r = _submit(s, {"f0": ("a.jpg", JPEG, "image/jpeg"), "sig": ("s.jpg", JPEG, "image/jpeg")}, "sig")
    assert r.status_code == 415 and r.json()["error"]["code"] == "upload.signature_not_png"
    r = _submit(s, {"f0": ("a.jpg", JPEG, "image/jpeg")}, "nope")
    assert r.status_code == 422 and r.json()["error"]["code"] == "submission.signature_file"
    # Other unknown materials are still refused (a typo must not pass as a material).
    data = {"item_code": "A-002", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER),
            "materials": [{"requirement": "no_such", "file": "f0"}]}
    r = httpx.post(f"{s.url}{API}/submissions", files={"f0": ("a.jpg", JPEG, "image/jpeg")},
                   headers={"Authorization": f"Bearer {s.tokens['terminal']}"}, data={"data": json.dumps(data)})
    assert r.status_code == 422
