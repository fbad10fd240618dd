"""The counter with a staff account (issue 15, item 4), offscreen against a real server: 工号 and PIN
sign the clerk in by name, a wrong PIN is refused in words, the counter registers and beats as a
terminal of its window, and 签退 closes the window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.e2e.hall_windows import api, settings_for
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 3


@pytest.fixture
def counter(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.counter.app import build_counter

    made = api(hall_server, "POST", "/staff", "manager", json={"staff_no": "1005", "name": "李娜", "pin": "4711"})
    assert made.status_code == 201, made.text
    win = build_counter(settings_for(hall_server, tmp_path), window=WINDOW)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def _window(server: HallServer) -> dict[str, Any]:
    (w,) = [w for w in api(server, "GET", "/windows", "manager").json() if w["number"] == WINDOW]
    return w


def test_staff_sign_in_beat_and_sign_out(qtbot: Any, counter: Any, hall_server: HallServer) -> None:
    server = hall_server
    counter.login.token.setText(server.tokens["clerk"])
    counter.login.staff_no.setText("1005")
    counter.login.pin.setText("0000")
    qtbot.keyClick(counter.login.pin, Qt.Key.Key_Return)
    qt_wait_until(qtbot, lambda: "PIN" in counter.login.error.text() or "工号" in counter.login.error.text(),
                  timeout=10_000)
    assert not counter.state.logged_in and _window(server)["status"] == "closed"

    counter.login.pin.setText("4711")
    qtbot.keyClick(counter.login.pin, Qt.Key.Key_Return)
    qt_wait_until(qtbot, lambda: counter.state.logged_in and counter.state.clerk == "李娜", timeout=10_000)
    assert counter.login.pin.text() == ""  # the PIN does not stay in the widget
    assert (_window(server)["status"], _window(server)["clerk"]) == ("open", "李娜")

    def registered() -> dict[str, Any] | None:
        rows = api(server, "GET", "/terminals", "manager").json()
        return next((t for t in rows if t["id"] == f"counter-{WINDOW}" and t["online"]), None)

    qt_wait_until(qtbot, lambda: registered() is not None, timeout=10_000)
    term = registered()
    assert term is not None and term["kind"] == "counter" and term["window"] == WINDOW
    assert _window(server)["counter_online"] is True

    qtbot.mouseClick(counter.sign_out_button, Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: not counter.state.logged_in and counter.stack.currentIndex() == 0, timeout=10_000)
    assert (_window(server)["status"], _window(server)["clerk"]) == ("closed", "")
    assert "签退" in counter.login.error.text()
