"""Undo at the counter (issue 15, item 5), offscreen Qt against a real hall server: F5 asks before a
no-show is recorded; F9 lists this window's no-shows within ``reinstate_minutes`` and reinstates the
chosen one at the head of its line; an expired one is no longer offered and the server refuses it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from tests.e2e.hall_windows import api, issue, press, settings_for
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 5  # 不动产登记 D


@pytest.fixture
def counter(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.counter.app import build_counter

    win = build_counter(settings_for(hall_server, tmp_path), window=WINDOW)
    qtbot.addWidget(win)
    win.show()
    win.login.token.setText(hall_server.tokens["clerk"])
    win.login.clerk.setText("刘洋")
    qtbot.keyClick(win.login.token, Qt.Key.Key_Return)
    qt_wait_until(qtbot, lambda: win.state.logged_in and win.state.online and bool(win.state.categories),
                  timeout=10_000)
    yield win
    win.shutdown()


def _dialog(qtbot: Any, win: Any, name: str) -> Any:
    qt_wait_until(qtbot, lambda: win.dialog is not None and win.dialog.isVisible() and win.dialog.objectName() == name,
                         timeout=5000)
    return win.dialog


def _status(server: HallServer, ticket_id: int) -> str:
    return str(api(server, "GET", f"/tickets/{ticket_id}", "clerk").json()["status"])


def _called(qtbot: Any, win: Any, number: str) -> None:
    qt_wait_until(qtbot, lambda: win.state.busy is None, timeout=8000)
    press(qtbot, win, Qt.Key.Key_F1)
    qt_wait_until(qtbot, lambda: (win.state.current or {}).get("number") == number and win.state.busy is None,
                         timeout=10_000)


def test_f5_asks_and_f9_reinstates_within_the_period(qtbot: Any, counter: Any, hall_server: HallServer,
                                                     tmp_path: Path) -> None:
    first, second = issue(hall_server, "D"), issue(hall_server, "D")
    _called(qtbot, counter, first["number"])

    press(qtbot, counter, Qt.Key.Key_F5)
    confirm = _dialog(qtbot, counter, "noShowConfirm")
    assert first["number"] in confirm.question.text()
    confirm.grab().save(str(tmp_path / "confirm-no-show.png"))
    confirm.buttons.rejected.emit()  # the clerk changes their mind: nothing happens
    qt_wait_until(qtbot, lambda: not confirm.isVisible(), timeout=3000)
    assert _status(hall_server, first["id"]) == "called" and counter.state.current["number"] == first["number"]

    press(qtbot, counter, Qt.Key.Key_F5)
    _dialog(qtbot, counter, "noShowConfirm").buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: counter.state.current is None and counter.state.busy is None, timeout=10_000)
    assert _status(hall_server, first["id"]) == "no_show" and "F9" in counter.message.text()

    press(qtbot, counter, Qt.Key.Key_F9)
    pick = _dialog(qtbot, counter, "reinstateDialog")
    assert pick.list.count() == 1 and pick.list.item(0).text().startswith(first["number"])
    pick.grab().save(str(tmp_path / "reinstate.png"))
    pick.buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: _status(hall_server, first["id"]) == "waiting" and counter.state.busy is None,
                         timeout=10_000)
    assert "已恢复" in counter.message.text()
    _called(qtbot, counter, first["number"])  # back at the head of the line, ahead of the second
    assert _status(hall_server, second["id"]) == "waiting"


def test_an_expired_no_show_is_not_offered_and_cannot_be_reinstated(qtbot: Any, counter: Any,
                                                                     hall_server: HallServer) -> None:
    from hall.server.core.db import Database
    from hall.server.tickets.models import Ticket

    t = issue(hall_server, "D")
    _called(qtbot, counter, t["number"])
    press(qtbot, counter, Qt.Key.Key_F5)
    _dialog(qtbot, counter, "noShowConfirm").buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: _status(hall_server, t["id"]) == "no_show" and counter.state.busy is None,
                         timeout=10_000)
    db = Database(hall_server.db_url)
    try:  # the default period is 30 minutes; this one was missed 31 minutes ago
        with db.write() as s:
            s.execute(update(Ticket).where(Ticket.id == t["id"]).values(
                no_show_at=datetime.now(UTC) - timedelta(minutes=31)))
    finally:
        db.dispose()
    press(qtbot, counter, Qt.Key.Key_F9)
    qt_wait_until(qtbot, lambda: "没有可恢复的过号" in counter.message.text(), timeout=8000)
    assert counter.dialog is None or not counter.dialog.isVisible() or counter.dialog.objectName() != "reinstateDialog"
    r = api(hall_server, "POST", f"/tickets/{t['id']}/reinstate", "clerk")
    assert r.status_code == 422 and r.json()["error"]["code"] == "reinstate_expired"
