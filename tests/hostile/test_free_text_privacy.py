"""Personal data in free text (issue 13 item 8), against a real server: an ID number or mobile number typed
into a status note, help message, follow-up note, pause reason, terminal name or device message is masked
before it is stored (no reader — API, dashboard or the database file — ever sees it whole); a code field
(``item_code``, ``local_code``, terminal ids) carrying one is refused; and ``GET /submissions/{code}``
gives a terminal no free text at all.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

ID = "110101199003071233"
MOBILE = "13812345678"
TEXT = f"张三 身份证{ID} 电话{MOBILE} abc{ID}"


def _api(server: HallServer, method: str, path: str, role: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{server.url}/api/v1{path}", timeout=budget(10),
                         headers={"Authorization": f"Bearer {server.tokens[role]}"}, **kwargs)


def _whole(text: str) -> bool:
    return ID in text or MOBILE in text


def _db_text(server: HallServer) -> str:
    path = Path(server.db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*")).decode("utf-8", "replace")


def test_free_text_is_masked_on_write_for_every_reader(hall_server: HallServer) -> None:
    s = hall_server
    writes = [
        ("POST", "/terminals/register", "terminal", {"id": "K9", "name": TEXT, "location": TEXT}),
        ("POST", "/terminals/K9/heartbeat", "terminal",
         {"devices": [{"kind": "printer", "health": "degraded", "message_zh": TEXT, "message_en": TEXT}]}),
        ("POST", "/help", "terminal", {"terminal_id": "K9", "message": TEXT}),
        ("POST", "/alerts", "clerk", {"window": 5, "message": TEXT[:200]}),
        ("POST", "/windows/5/open", "clerk", {"clerk": "王芳"}),
        ("POST", "/windows/5/pause", "clerk", {"reason": TEXT[:128]}),
    ]
    for method, path, role, body in writes:
        r = _api(s, method, path, role, json=body)
        assert r.status_code in (200, 201), (path, r.text)
        assert not _whole(r.text), path
    fid = _api(s, "POST", "/help", "terminal", json={"terminal_id": "K9", "message": "x"}).json()["id"]
    r = _api(s, "POST", f"/followups/{fid}/acknowledge", "manager", json={"note": TEXT})
    assert r.status_code == 200 and not _whole(r.text)
    assert "110101********1233" in r.text  # masked, not dropped: the clerk still sees whose case it is

    data = {"item_code": "A-004", "id_number": ID, "proof": card_proof(ID), "form": STANDARD_ANSWERS}
    sub = _api(s, "POST", "/submissions", "terminal", data={"data": json.dumps(data)}).json()
    r = _api(s, "POST", f"/submissions/{sub['code']}/status", "clerk", json={"status": "rejected", "note": TEXT})
    assert r.status_code == 200 and not _whole(r.text)

    for path, role in (("/terminals", "manager"), ("/followups", "manager"), ("/windows", "clerk"),
                       (f"/submissions/{sub['code']}", "clerk"), ("/dashboard/overview", "manager")):
        r = _api(s, "GET", path, role)
        assert r.status_code == 200 and not _whole(r.text), path
    assert not _whole(_db_text(s))


def test_code_fields_refuse_personal_numbers(hall_server: HallServer) -> None:
    s = hall_server
    for data in ({"item_code": ID, "id_number": ID},
                 {"item_code": "A-004", "id_number": ID, "proof": card_proof(ID), "local_code": f"L{ID}"},
                 {"item_code": "A-004", "id_number": ID, "proof": card_proof(ID), "terminal_id": MOBILE}):
        r = _api(s, "POST", "/submissions", "terminal", data={"data": json.dumps(data)})
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation", r.text
        assert not _whole(r.text)
    r = _api(s, "POST", "/terminals/register", "terminal", json={"id": ID})
    assert r.status_code == 422
    # A kiosk's own local codes and ids pass.
    data = {"item_code": "A-004", "id_number": ID, "proof": card_proof(ID), "local_code": "LK120261207001AB3X",
            "terminal_id": "K1"}
    assert _api(s, "POST", "/submissions", "terminal", data={"data": json.dumps(data)}).status_code == 201


def test_progress_by_code_gives_terminals_no_free_text(hall_server: HallServer) -> None:
    s = hall_server
    sub = _api(s, "POST", "/submissions", "terminal",
               data={"data": json.dumps({"item_code": "A-004", "id_number": ID, "proof": card_proof(ID),
                                         "form": STANDARD_ANSWERS})}).json()
    note = "材料复印件不清楚，张老师已电话联系"
    assert _api(s, "POST", f"/submissions/{sub['code']}/status", "clerk",
                json={"status": "rejected", "note": note}).status_code == 200
    as_kiosk = _api(s, "GET", f"/submissions/{sub['code']}", "terminal")
    assert as_kiosk.status_code == 200 and as_kiosk.json()["status"] == "rejected"
    assert note not in as_kiosk.text and all(h["note"] == "" for h in as_kiosk.json()["history"])
    as_clerk = _api(s, "GET", f"/submissions/{sub['code']}", "clerk")
    assert note in as_clerk.text
