"""Evaluation pad against a real server: idle shows the clerk, a finish at the counter asks for a
rating, a low rating needs a reason, and the rating reaches the server through the offline outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.e2e.hall_windows import api, issue, settings_for
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 3  # housing fund (B) in the demo hall


@pytest.fixture
def pad(qtbot: Any, hall_server_shared: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.evaluator.app import build_evaluator
    from offline_cache.factory import open_terminal

    settings = settings_for(hall_server_shared, tmp_path)
    terminal = open_terminal(settings)
    win = build_evaluator(settings, window=WINDOW, terminal=terminal)
    qtbot.addWidget(win)
    win.start()
    win.show()
    yield win
    win.shutdown()
    terminal.close()


def _serve_one(server: HallServer) -> dict[str, Any]:
    ticket = issue(server, "B")
    while True:
        called = api(server, "POST", f"/windows/{WINDOW}/call-next", "clerk").json()
        if called["id"] == ticket["id"]:
            break
    assert api(server, "POST", f"/windows/{WINDOW}/finish", "clerk").status_code == 200
    return ticket


def test_low_rating_with_reason_delivered_through_outbox(qtbot: Any, pad: Any, hall_server_shared: HallServer,
                                                         tmp_path: Path) -> None:
    server = hall_server_shared
    assert api(server, "POST", f"/windows/{WINDOW}/open", "clerk", json={"clerk": "李敏"}).status_code == 200
    qt_wait_until(qtbot, lambda: pad.state.clerk == "李敏", timeout=10_000)
    assert pad.idle_clerk.text() == "柜员 李敏 为您服务"
    pad.grab().save(str(tmp_path / "pad-idle.png"))

    ticket = _serve_one(server)
    qt_wait_until(qtbot, lambda: pad.state.mode == "rate", timeout=8000)
    assert pad.state.ticket_id == ticket["id"] and pad.stack.currentIndex() == 1
    pad.grab().save(str(tmp_path / "pad-rate.png"))
    qtbot.mouseClick(pad.faces[2], Qt.MouseButton.LeftButton)
    assert pad.state.mode == "reasons" and not pad.send_button.isEnabled()  # a reason is required
    qtbot.mouseClick(pad.reason_buttons["long_wait"], Qt.MouseButton.LeftButton)
    assert pad.send_button.isEnabled()
    qtbot.keyClicks(pad.phone_input, "139 0000 1111")  # the citizen leaves a phone for the call back
    qtbot.mouseClick(pad.send_button, Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: pad.state.mode == "thanks", timeout=10_000)
    receipt = pad.receipts[-1]
    qt_wait_until(qtbot, lambda: pad.terminal.backlog().backlog == 0, timeout=15_000)
    followups = api(server, "GET", "/followups", "manager").json()
    low = [f for f in followups if f["kind"] == "low_rating" and f["ticket_id"] == ticket["id"]]
    assert len(low) == 1 and low[0]["window"] == WINDOW and "long_wait" in low[0]["message"]
    assert receipt.kind == "rating"
    assert low[0]["has_contact"] and "0000 1111" not in str(low[0]) and pad.phone_input.text() == ""
    phone = api(server, "GET", f"/followups/{low[0]['id']}/callback-phone", "manager").json()
    assert (phone["phone"], phone["source"]) == ("139 0000 1111", "rating")


def test_high_rating_sent_with_one_touch_and_not_asked_twice(qtbot: Any, pad: Any,
                                                             hall_server_shared: HallServer) -> None:
    server = hall_server_shared
    ticket = _serve_one(server)
    qt_wait_until(qtbot, lambda: pad.state.mode == "rate" and pad.state.ticket_id == ticket["id"], timeout=8000)
    qtbot.mouseClick(pad.faces[5], Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: pad.state.mode == "thanks", timeout=10_000)
    # the same finish event again (e.g. after a reconnect) does not ask again
    assert not pad.state.apply({"type": "ticket.finished", "data": {"id": ticket["id"], "window": WINDOW}})
