"""The 一网通办 platform push against its HTTP twin: an accepted submission is delivered at least once
with its registration code as the idempotency key, survives a platform outage (durable outbox, retries),
is never duplicated on the platform, and the platform's status change comes back through the domain."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.connectors.platform import HttpPlatform
from hall.server.connectors.twins.http import HttpTwin
from hall.server.core.options import ServerOptions
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import sqlite_template
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import wait_until

HOLDER = "110101199003071233"  # in the demo e-licence file
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def twin() -> Iterator[HttpTwin]:
    with HttpTwin(token="pt") as platform:
        yield platform


def _submit(c: TestClient, kiosk: dict[str, str]) -> str:
    data = {"item_code": "A-001", "id_number": HOLDER, "proof": card_proof(HOLDER), "name": "张三",
            "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "id_card", "elicense": True},
                          {"requirement": "hukou_book", "elicense": True},
                          {"requirement": "photo", "file": "f0"}, {"requirement": "photo", "file": "f1"}]}
    r = c.post("/api/v1/submissions", headers=kiosk, data={"data": json.dumps(data, ensure_ascii=False)},
               files={"f0": ("a.png", PNG, "image/png"), "f1": ("b.png", PNG + b"1", "image/png")})
    assert r.status_code == 201 and r.json()["status"] == "accepted", r.text
    return str(r.json()["code"])


def test_accepted_submissions_reach_the_platform_once_and_status_comes_back(twin: HttpTwin, tmp_path: Path) -> None:
    template, tokens = sqlite_template()
    db = tmp_path / "hall.db"
    shutil.copyfile(template, db)
    options = ServerOptions(data_dir=tmp_path / "d", demo_mode=True, connectors={"platform": {
        "driver": "http", "base_url": twin.url, "token": "pt", "hall_code": "350102-01", "poll_s": 0.05,
        "pull_every_s": 0.05, "retry_base_s": 0.05, "retry_cap_s": 0.1}})
    twin.down = True  # the platform is out when the citizen submits
    with TestClient(create_app(db_url=f"sqlite:///{db}", options=options)) as c:
        kiosk = {"Authorization": f"Bearer {tokens['terminal']}"}
        code = _submit(c, kiosk)
        wait_until(lambda: _rows(db, "select 1 from platform_outbox where state = 'pending' and attempts >= 2"),
                   timeout_s=10, what="failed pushes retried")
        twin.down = False
        wait_until(lambda: code in twin.cases, timeout_s=10, what="the case on the platform")
        case = twin.cases[code]
        assert case["registration_code"] == code and case["hall_code"] == "350102-01" and case["status"] == "accepted"
        assert case["applicant_id_masked"] == "110101********1233" and HOLDER not in json.dumps(case)
        twin.set_status(code, "in_review", note="省平台受理")
        wait_until(lambda: c.get(f"/api/v1/submissions/{code}", headers=kiosk).json()["status"] == "in_review",
                   timeout_s=10, what="the platform's status pulled back")
        assert _rows(db, "select status, actor, note from submission_status order by id desc limit 1") == [
            ("in_review", "platform", "省平台受理")]
        platform = c.app.state.hall.connectors.platform  # type: ignore[attr-defined]
        assert isinstance(platform, HttpPlatform)
        posts = twin.case_posts
        platform.push(c.app.state.hall)  # type: ignore[attr-defined]
        assert twin.case_posts == posts and len(twin.cases) == 1  # pushed rows are not sent again
    assert _rows(db, "select code, state from platform_outbox") == [(code, "pushed")]


def test_a_repeated_push_is_one_case_on_the_platform(twin: HttpTwin) -> None:
    from hall.server.connectors.http import HttpCaller

    caller = HttpCaller(base_url=twin.url, token="pt")
    body = {"registration_code": "R20261207000001", "status": "accepted"}
    for _ in range(2):  # a push whose answer was lost is sent again with the same key
        caller.call("POST", "/cases", json=body, headers={"Idempotency-Key": body["registration_code"]},
                    accept=(200, 201, 409))
    assert twin.case_posts == 2 and list(twin.cases) == ["R20261207000001"]


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))
