"""The counter survives the server going away: it says so, disables calling, reconnects by itself,
re-reads its state, and never calls two citizens for one press (Idempotency-Key kept on a lost answer)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from hall.client import HallClient
from hall.client.errors import HallUnreachable
from hall.counter.service import CounterService
from tests.e2e.hall_windows import api, issue, press, settings_for, submit_for_ticket
from tests.rigs import free_port
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 6  # market registration (E)


def test_lost_answer_is_replayed_not_called_again(hall_server_shared: HallServer) -> None:
    hall_server = hall_server_shared
    first, second = issue(hall_server, "E"), issue(hall_server, "E")
    service = CounterService(hall_server.url, window=WINDOW)
    try:
        service.login(hall_server.tokens["clerk"])
        # A first press reached the server but its answer was lost on the way back …
        key = uuid.uuid4().hex
        lost = api(hall_server, "POST", f"/windows/{WINDOW}/call-next", "clerk", headers={"Idempotency-Key": key})
        assert lost.json()["id"] == first["id"]
        service._pending["call_next"] = key  # … so the service still holds that press's key
        again = service.call_next()
        assert again is not None and again["id"] == first["id"]  # the server replays; nobody else is called
        assert api(hall_server, "GET", f"/tickets/{second['id']}", "clerk").json()["status"] == "waiting"
        assert "call_next" not in service._pending
        nxt = service.call_next()  # a new press is a new call
        assert nxt is not None and nxt["id"] == second["id"]
    finally:
        service.close()


def test_review_lost_answer_is_replayed_and_a_later_verdict_settles_it(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    sub = submit_for_ticket(s, issue(s, "D")["id"])
    service = CounterService(s.url, window=WINDOW)
    try:
        service.login(s.tokens["clerk"])
        contract = next(m for m in service.submission(sub["code"])["materials"] if m["requirement"] == "sale_contract")
        cid = contract["id"]
        # The clerk's 缺失 reached the server but the answer was lost; the press's key is still held …
        key = uuid.uuid4().hex
        lost = api(s, "POST", f"/submissions/{sub['code']}/review", "clerk", headers={"Idempotency-Key": key},
                   json={"materials": [{"id": cid, "verdict": "missing"}]})
        assert lost.status_code == 200
        service._pending[f"review {sub['code']} {cid}:missing "] = key
        # … and a stale key of an earlier press of the other verdict whose answer was lost too.
        service._pending[f"review {sub['code']} {cid}:accepted "] = uuid.uuid4().hex
        again = service.review(sub["code"], {cid: "missing"})  # the resend: replayed, not applied twice
        assert [m["verdict"] for m in again["materials"] if m["id"] == cid] == ["missing"]
        assert not [k for k in service._pending if k.startswith("review")]  # the answer settles every mark
        history = api(s, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()["history"]
        ok = service.review(sub["code"], {cid: "accepted"})
        assert [m["verdict"] for m in ok["materials"] if m["id"] == cid] == ["accepted"]
        assert not [e for e in ok["missing"] if e.get("source") == "counter"]
        assert api(s, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()["history"] == history
    finally:
        service.close()


def test_unreachable_keeps_the_key_for_the_retry(hall_server_shared: HallServer) -> None:
    service = CounterService(hall_server_shared.url, window=WINDOW, connect_timeout=0.3)
    service.login(hall_server_shared.tokens["clerk"])
    service.client.close()
    service._client = HallClient(f"http://127.0.0.1:{free_port()}", "x", connect_timeout=0.3)  # nobody listens
    try:
        with pytest.raises(HallUnreachable):
            service.call_next()
        key = service._pending["call_next"]
        with pytest.raises(HallUnreachable):
            service.call_next()
        assert service._pending["call_next"] == key
    finally:
        service.close()


@pytest.fixture
def counter(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.counter.app import build_counter

    win = build_counter(settings_for(hall_server, tmp_path), window=WINDOW)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def test_server_away_then_back(qtbot: Any, counter: Any, hall_server: HallServer, tmp_path: Path) -> None:
    counter.do_login(hall_server.tokens["clerk"], "")
    qt_wait_until(qtbot, lambda: counter.state.online and bool(counter.state.categories), timeout=10_000)
    ticket = issue(hall_server, "E")
    press(qtbot, counter, Qt.Key.Key_F1)
    qt_wait_until(qtbot, lambda: (counter.state.current or {}).get("id") == ticket["id"], timeout=8000)

    hall_server.stop()
    qt_wait_until(qtbot, lambda: not counter.state.online, timeout=10_000)
    assert counter.state.stale and not counter.state.actions()["call_next"]
    assert "连接中断" in counter.online_badge.text()
    assert "（连接中断，状态待确认）" in counter.panel.status.text()
    press(qtbot, counter, Qt.Key.Key_F1)  # ignored while away: no request, no error
    counter.grab().save(str(tmp_path / "counter-offline.png"))

    back = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="server-again")
    back.tokens = hall_server.tokens
    try:
        qt_wait_until(qtbot, lambda: counter.state.online and not counter.state.stale, timeout=15_000)
        assert counter.state.current["id"] == ticket["id"]  # state re-read from the server
        again = issue(back, "E")
        press(qtbot, counter, Qt.Key.Key_F1)
        qt_wait_until(qtbot, lambda: (counter.state.current or {}).get("id") == again["id"], timeout=8000)
        calls = [api(back, "GET", f"/tickets/{i}", "clerk").json() for i in (ticket["id"], again["id"])]
        assert [t["status"] for t in calls] == ["done", "called"]
    finally:
        back.stop()
