"""What the counter shows from the server rather than working out itself, against a real server process:
served today and average handling time (window record and window.changed), the appointment behind a
ticket (GET /appointments/{id}), and the clerk's per-material review (POST /submissions/{code}/review)
with the 容缺 commitment's signature among the materials."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from hall.counter.state import format_duration
from tests.e2e.hall_windows import api, issue, page_png, settings_for
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import earlier_today
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 5  # category D
ID_NUMBER = "110101199003071233"


@pytest.fixture
def counter(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.counter.app import build_counter

    win = build_counter(settings_for(hall_server, tmp_path), window=WINDOW)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def _login(qtbot: Any, win: Any, server: HallServer) -> None:
    win.do_login(server.tokens["clerk"], "王芳")
    qt_wait_until(qtbot, lambda: win.state.logged_in and win.state.online and bool(win.state.categories),
                  timeout=10_000)


def _call(qtbot: Any, win: Any, status: str = "called", action: str = "do_call_next") -> None:
    qt_wait_until(qtbot, lambda: win.state.busy is None, timeout=8000)
    getattr(win, action)()
    qt_wait_until(qtbot, lambda: (win.state.current or {}).get("status") == status and win.state.busy is None,
                         timeout=10_000)


def _my_window(server: HallServer) -> dict[str, Any]:
    return next(w for w in api(server, "GET", "/windows", "clerk").json() if w["number"] == WINDOW)


def test_served_today_and_average_handling_come_from_the_server(qtbot: Any, counter: Any,
                                                                hall_server: HallServer) -> None:
    s = hall_server
    # Served earlier today, before this terminal started: only the server knows.
    issue(s, "D")
    api(s, "POST", f"/windows/{WINDOW}/open", "clerk", json={"clerk": "王芳"})
    for route in ("call-next", "start", "finish"):
        assert api(s, "POST", f"/windows/{WINDOW}/{route}", "clerk").status_code == 200
    before = _my_window(s)
    assert before["served_today"] == 1 and before["avg_handling_s"] is not None
    _login(qtbot, counter, s)
    qt_wait_until(qtbot, lambda: counter.state.served_today == 1, timeout=8000)
    assert counter.stat_labels["served"].text() == "1 人"
    assert counter.stat_labels["avg"].text() == format_duration(before["avg_handling_s"])
    # One served at this counter: the figures follow the server's window.changed, not a local count.
    issue(s, "D")
    _call(qtbot, counter)
    _call(qtbot, counter, "serving", "do_start")
    qt_wait_until(qtbot, lambda: counter.state.busy is None, timeout=8000)
    counter.do_finish()
    qt_wait_until(qtbot, lambda: counter.state.current is None and counter.state.served_today == 2, timeout=10_000)
    after = _my_window(s)
    assert after["served_today"] == 2
    qt_wait_until(qtbot, lambda: counter.state.avg_handling_s == after["avg_handling_s"], timeout=8000)
    counter.redraw()
    assert counter.stat_labels["served"].text() == "2 人"
    assert counter.stat_labels["avg"].text() == format_duration(after["avg_handling_s"])


def test_appointment_ticket_shows_the_booking(qtbot: Any, counter: Any, hall_server: HallServer) -> None:
    s = hall_server
    start = earlier_today(timedelta(minutes=5))
    booked = api(s, "POST", "/appointments", "terminal", json={
        "id_number": ID_NUMBER, "category": "D", "item_code": "D-001", "slot_start": start.isoformat(),
        "slot_end": (start + timedelta(minutes=30)).isoformat()})
    assert booked.status_code == 201, booked.text
    checked = api(s, "POST", "/appointments/check-in", "terminal", json={"code": booked.json()["code"]})
    assert checked.status_code == 201, checked.text
    ticket = checked.json()["ticket"]
    issue(s, "D")  # an ordinary ticket too: the appointment is called first
    _login(qtbot, counter, s)
    _call(qtbot, counter)
    assert counter.state.current["id"] == ticket["id"]
    qt_wait_until(qtbot, lambda: counter.state.appointment_for_current() is not None, timeout=8000)
    counter.redraw()
    text = counter.panel.fields["appointment"].text()
    local = f"{start.astimezone():%H:%M}–{(start + timedelta(minutes=30)).astimezone():%H:%M}"
    assert text.startswith(f"预约号 {booked.json()['code']} · {local}")
    assert "国有建设用地使用权及房屋所有权转移登记" in text and "已签到" in text
    assert "110101********1233" in text and ID_NUMBER not in text
    assert ID_NUMBER not in counter.panel.fields["id"].text()


def _signature_png() -> bytes:
    img = Image.new("L", (320, 120), 255)
    img.paste(0, (20, 60, 300, 64))  # a stroke
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _submit_complete(server: HallServer, ticket_id: int) -> dict[str, Any]:
    """Everything present, the marriage certificate under a 容缺 commitment signed on the kiosk."""
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    materials = [{"requirement": "id_card", "elicense": True}, {"requirement": "property_cert", "file": "f0"},
                 {"requirement": "sale_contract", "file": "f1"}, {"requirement": "tax_receipt", "file": "f2"},
                 {"requirement": "marriage_cert", "waive_until": due},
                 {"requirement": "commitment_signature", "file": "sig"}]
    data = {"item_code": "D-001", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER),
            "name": "张三", "ticket_id": ticket_id, "form": STANDARD_ANSWERS,
            "materials": materials}
    files = {f"f{i}": (f"p{i}.png", page_png(f"PAGE {i}"), "image/png") for i in range(3)}
    files["sig"] = ("signature.png", _signature_png(), "image/png")
    r = api(server, "POST", "/submissions", "terminal", data={"data": json.dumps(data, ensure_ascii=False)},
            files=files)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_review_is_saved_on_the_server_and_the_signature_is_listed(qtbot: Any, counter: Any,
                                                                   hall_server: HallServer) -> None:
    s = hall_server
    ticket = issue(s, "D")
    sub = _submit_complete(s, ticket["id"])
    assert sub["status"] == "accepted"
    _login(qtbot, counter, s)
    _call(qtbot, counter)
    qt_wait_until(qtbot, lambda: counter.panel.review is not None, timeout=8000)
    view = counter.panel.review.view
    sig = next(m for m in view.materials if m.kind == "commitment_signature")
    assert sig.requirement == "容缺受理承诺书签名" and sig.is_image
    qt_wait_until(qtbot, lambda: sig.id in counter.panel.thumbs, timeout=8000)
    assert (counter.panel.thumbs[sig.id].width(), counter.panel.thumbs[sig.id].height()) == (320, 120)
    assert "容缺受理承诺书签名" in [lab.text() for lab in counter.panel.submission_box.findChildren(QLabel)]

    contract = next(m for m in view.materials if m.requirement == "存量房买卖合同")
    qtbot.mouseClick(counter.panel.findChild(QPushButton, f"missing_{contract.id}"), Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: not counter.panel.review.verdicts
                         and "存量房买卖合同" in counter.panel.review.view.missing, timeout=8000)
    detail = api(s, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()
    saved = next(m for m in detail["materials"] if m["id"] == contract.id)
    assert saved["verdict"] == "missing" and saved["reviewed_by"]
    assert [e["source"] for e in detail["missing"] if e["requirement"] == "sale_contract"] == ["counter"]
    missing_label = counter.panel.submission_box.findChild(QLabel, "missingList")
    assert missing_label is not None and "存量房买卖合同" in missing_label.text()
    assert not [k for k in counter.service._pending if k.startswith("review")]  # answered: no key left

    # 一次性告知: the clerk asks for the contract again; the server writes the note from its own list.
    qtbot.mouseClick(counter.panel.findChild(QPushButton, "advance_supplement_required"), Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: counter.panel.review.view.status == "supplement_required", timeout=8000)
    detail = api(s, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()
    assert detail["status"] == "supplement_required" and "存量房买卖合同" in detail["history"][-1]["note"]

    # The citizen fixes the contract on the spot: accepting it takes it off the server's list.
    qt_wait_until(qtbot, lambda: counter.panel.findChild(QPushButton, f"accept_{contract.id}") is not None,
                  timeout=3000)
    qtbot.mouseClick(counter.panel.findChild(QPushButton, f"accept_{contract.id}"), Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: not counter.panel.review.verdicts
                         and "存量房买卖合同" not in counter.panel.review.view.missing, timeout=8000)
    detail = api(s, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()
    assert not [e for e in detail["missing"] if e["requirement"] == "sale_contract"]
