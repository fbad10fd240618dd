"""Hostile text in every free-text field a terminal or a manager sends: HTML/JS, RTL override marks,
4-byte characters and rare CJK (𠮷) come back through the API as they were stored, and every HTML page
the server renders itself escapes them (the dashboard renders in the browser: its own Playwright test,
tests/e2e/test_dashboard_browser.py, covers names with <script>)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.rigs import free_port
from tests.rigs.hall_server import ROOT, HallServer, sqlite_template, wait_healthy
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
RTL = "\u202egpj.exe"  # right-to-left override: shows as "exe.jpg"
RARE = "𠮷野家"  # U+20BB7, outside the BMP: 4 bytes in UTF-8, a surrogate pair in UTF-16
EMOJI = "办事😀"
ZERO_WIDTH = "张\u200b三"
SAMPLES = [SCRIPT, IMG, RTL, RARE, EMOJI, ZERO_WIDTH, f"{SCRIPT}{RTL}{RARE}'\"&"]
HALL_NAME = f"示范{SCRIPT}{RARE}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """A server whose configured hall name is hostile too (it is printed into the public page)."""
    workdir = tmp_path_factory.mktemp("text")
    template, tokens = sqlite_template()
    db = workdir / "hall.db"
    shutil.copyfile(template, db)
    port = free_port()
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"),
             "--set", f"hall.name_zh={json.dumps(HALL_NAME, ensure_ascii=False)}",
             "--set", f"server.data_dir={json.dumps(str(workdir / 'data'))}",
             "hall-server", "--db", f"sqlite:///{db}", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    srv = HallServer(f"http://127.0.0.1:{port}", f"sqlite:///{db}", port, proc, log_path, dict(tokens))
    wait_healthy(srv)
    yield srv
    srv.stop()


def _api(server: HallServer, role: str) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/api/v1", timeout=budget(10),
                        headers={"Authorization": f"Bearer {server.tokens[role]}"})


def _same(sent: str, got: Any) -> bool:
    """Stored and shown right: identical, or identical after NFC (the evaluation domain normalises)."""
    return isinstance(got, str) and (got == sent or got == unicodedata.normalize("NFC", sent))


@pytest.mark.parametrize("text", SAMPLES)
def test_names_round_trip(server: HallServer, text: str) -> None:
    with _api(server, "manager") as m:
        r = m.put("/categories/Q", json={"code": "Q", "name_zh": text, "name_en": text})
        assert r.status_code == 200, r.text
        cat = next(c for c in m.get("/categories").json() if c["code"] == "Q")
        assert _same(text, cat["name"]) and _same(text, cat["name_en"])
        r = m.put("/windows/77", json={"name": text, "categories": ["Q"]})
        assert r.status_code == 200, r.text
        win = next(w for w in m.get("/windows").json() if w["number"] == 77)
        assert _same(text, win["name"])
    with _api(server, "terminal") as t:
        r = t.post("/terminals/register", json={"id": "KX", "name": text[:64], "kind": "kiosk", "location": text,
                                                "version": "1"})
        assert r.status_code == 200, r.text
    with _api(server, "manager") as m:
        term = next(x for x in m.get("/terminals").json() if x["id"] == "KX")
        assert _same(text[:64], term["name"]) and _same(text, term["location"])


@pytest.mark.parametrize("text", SAMPLES)
def test_messages_round_trip_to_the_manager(server: HallServer, text: str) -> None:
    with _api(server, "terminal") as t:
        assert t.post("/help", json={"kind": "help", "terminal_id": "KX", "message": text}).status_code == 201
        issued = t.post("/tickets", json={"category": "A"}).json()
    with _api(server, "clerk") as c:  # only a served ticket is rated (issue 15 item 1)
        for step, body in (("open", {"clerk": "王芳"}), ("call", {"number": issued["number"]}), ("finish", None)):
            assert c.post(f"/windows/1/{step}", json=body).status_code == 200
    with _api(server, "terminal") as t:
        r = t.post("/evaluations", json={"level": 1, "reasons": ["attitude"], "comment": text,
                                         "ticket_id": issued["id"]})
        assert r.status_code == 201, r.text
    with _api(server, "clerk") as c:
        assert c.post("/alerts", json={"window": 77, "message": text[:200]}).status_code == 201
    with _api(server, "manager") as m:
        messages = [f["message"] for f in m.get("/followups").json()]
        assert any(_same(text, x) for x in messages), (text, messages[-5:])
        overview = m.get("/dashboard/overview")
        assert overview.status_code == 200
        assert overview.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("text", SAMPLES)
def test_applicant_and_form_round_trip_to_the_clerk(server: HallServer, text: str) -> None:
    data = {"item_code": "A-004", "id_number": "110101199003071233", "proof": card_proof("110101199003071233"),
            "name": text[:64],
            "form": {"phone": "13800000000", "delivery": "mail", "address": text}, "materials": []}
    with _api(server, "terminal") as t:
        r = t.post("/submissions", data={"data": json.dumps(data, ensure_ascii=False)})
        assert r.status_code == 201, r.text
        assert text[:64] not in r.text or not text.strip()  # the terminal's answer shows no name
        code = r.json()["code"]
    with _api(server, "clerk") as c:
        detail = c.get(f"/submissions/{code}/detail").json()
        assert _same(text[:64], detail["applicant"]["name"])
        assert _same(text, detail["applicant"]["form"]["address"])


def test_public_ticket_page_escapes_everything_it_prints(server: HallServer) -> None:
    with _api(server, "terminal") as t:
        ticket = t.post("/tickets", json={"category": "A"}).json()
        off = t.post("/tickets", json={"category": "A", "source": "offline", "offline_number": "K1-A901",
                                       "issued_at": ticket["issued_at"], "terminal_id": "K1"})
        assert off.status_code in (200, 201), off.text
        bad = t.post("/tickets", json={"category": "A", "source": "offline", "offline_number": f"K1-{SCRIPT}",
                                       "issued_at": ticket["issued_at"], "terminal_id": "K1"})
        assert bad.status_code == 422
    for url in (ticket["public_url"], off.json()["public_url"]):
        page = httpx.get(server.url + url, timeout=budget(10))
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert "<script>alert" not in html and "onerror=alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the hall name, escaped
        assert RARE in html  # and the 4-byte character shown as itself
        assert page.headers.get("referrer-policy") == "no-referrer"


def test_api_never_answers_html(server: HallServer) -> None:
    """JSON answers stay JSON (a browser that opens an API URL never renders stored text as HTML)."""
    with _api(server, "manager") as m:
        for path in ("/categories", "/windows", "/followups", "/terminals", "/stats/live"):
            r = m.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), path
        r = m.get("/items/%3Cscript%3E")
        assert r.status_code == 404 and "<script>" not in r.text
