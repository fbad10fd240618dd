"""Counter terminal against a real hall server: login, F-key shortcuts, the display and its voice,
the kiosk submission review, transfer/pause/call-a-number dialogs, the emergency button."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from tests.e2e.hall_windows import announcements, api, issue, press, settings_for, submit_for_ticket
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 5  # serves category D in the demo hall


@pytest.fixture
def counter(qtbot: Any, hall_server_shared: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.counter.app import build_counter

    win = build_counter(settings_for(hall_server_shared, tmp_path), window=WINDOW)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def _login(qtbot: Any, win: Any, server: HallServer) -> None:
    win.login.token.setText(server.tokens["clerk"])  # keyClicks cannot type "_" or Chinese
    win.login.clerk.setText("王芳")
    qtbot.keyClick(win.login.token, Qt.Key.Key_Return)
    qt_wait_until(qtbot, lambda: win.state.logged_in and win.state.online and bool(win.state.categories),
                       timeout=10_000)


def _key(qtbot: Any, win: Any, key: Qt.Key, until: Any) -> None:
    """Press and wait for the result; the terminal ignores keys while an action is in flight."""
    qt_wait_until(qtbot, lambda: win.state.busy is None, timeout=8000)
    press(qtbot, win, key)
    qt_wait_until(qtbot, lambda: until() and win.state.busy is None, timeout=15_000)



def test_shortcuts_drive_a_ticket_and_the_display_announces_it(qtbot: Any, counter: Any,
                                                               hall_server_shared: HallServer, tmp_path: Path) -> None:
    from hall.display.app import build_display, open_voice

    server = hall_server_shared
    settings = settings_for(server, tmp_path)
    display = build_display(settings, voice=open_voice(settings))
    qtbot.addWidget(display)
    display.start()
    try:
        qt_wait_until(qtbot, lambda: display.board.online, timeout=10_000)
        _login(qtbot, counter, server)
        assert counter.stack.currentIndex() == 1 and counter.state.clerk == "王芳"
        first, second = issue(server, "D", priority="elderly"), issue(server, "D")

        _key(qtbot, counter, Qt.Key.Key_F1, lambda: (counter.state.current or {}).get("status") == "called")
        assert counter.state.current["number"] == first["number"]  # elderly first
        assert counter.panel.fields["priority"].text() == "老年人优先"
        qt_wait_until(qtbot, lambda: display.board.newest() is not None
                                  and display.board.newest().number == first["number"], timeout=5000)
        assert display.board.newest().window == WINDOW
        qt_wait_until(qtbot, lambda: len(announcements(tmp_path)) == 1, timeout=10_000)
        said = announcements(tmp_path)[0]
        assert said["text"] == f"请 {first['number']} 号 到 {WINDOW} 号窗口 办理" and said["repeat"] == 2

        _key(qtbot, counter, Qt.Key.Key_F2, lambda: counter.state.current["call_count"] == 2)
        qt_wait_until(qtbot, lambda: len(announcements(tmp_path)) == 2, timeout=10_000)
        assert announcements(tmp_path)[1]["text"].startswith("再次呼叫")

        _key(qtbot, counter, Qt.Key.Key_F3, lambda: counter.state.current["status"] == "serving")
        _key(qtbot, counter, Qt.Key.Key_F4, lambda: counter.state.current is None and counter.state.served_today == 1)
        assert counter.stat_labels["served"].text() == "1 人"

        _key(qtbot, counter, Qt.Key.Key_F1, lambda: (counter.state.current or {}).get("number") == second["number"])
        press(qtbot, counter, Qt.Key.Key_F5)  # asks first (tests/e2e/test_counter_undo.py)
        qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=3000)
        counter.dialog.buttons.accepted.emit()
        qt_wait_until(qtbot, lambda: counter.state.current is None and counter.state.busy is None, timeout=15_000)
        ticket = api(server, "GET", f"/tickets/{second['id']}", "clerk").json()
        assert ticket["status"] == "no_show"
        counter.grab().save(str(tmp_path / "counter.png"))
    finally:
        display.shutdown()


def test_submission_review_materials_and_status(qtbot: Any, counter: Any, hall_server_shared: HallServer) -> None:
    server = hall_server_shared
    _login(qtbot, counter, server)
    while api(server, "POST", f"/windows/{WINDOW}/call-next", "clerk").status_code == 200:
        pass  # an empty queue, whatever earlier tests left
    api(server, "POST", f"/windows/{WINDOW}/finish", "clerk")
    ticket = issue(server, "D")
    sub = submit_for_ticket(server, ticket["id"])
    counter.do_call_next()
    qt_wait_until(qtbot, lambda: counter.panel.review is not None, timeout=8000)
    view = counter.panel.review.view
    assert view.code == sub["code"] and view.applicant_id == "110101********1233"
    assert view.applicant_name == "张*"
    assert ("联系电话", "138****0000") in view.form  # labelled, masked like the name
    shown = " ".join(lab.text() for lab in counter.panel.submission_box.findChildren(QLabel))
    assert "联系电话：138****0000" in shown and "phone" not in shown and "13800000000" not in shown
    contract = next(m for m in view.materials if m.requirement == "存量房买卖合同")
    qt_wait_until(qtbot, lambda: contract.id in counter.panel.thumbs, timeout=8000)
    counter.do_open_material(contract)
    qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=8000)
    viewer = counter.dialog
    viewer.rotate()
    viewer.set_zoom(2.0)
    assert viewer.angle == 90 and viewer.view.pixmap().height() > viewer.view.pixmap().width()
    viewer.close()
    assert view.status == "supplement_required" and "不动产权证书" in view.missing  # told at the kiosk
    note = counter.panel.submission_box.findChild(QLineEdit, f"note_{contract.id}")
    note.setText("缺第3页签字")
    note.textEdited.emit("缺第3页签字")  # as typed by the clerk: a note per material
    counter.do_verdict(contract.id, "missing")
    assert counter.panel.review.missing()[-1] == "存量房买卖合同"  # shown at once …
    qt_wait_until(qtbot, lambda: not counter.panel.review.verdicts, timeout=8000)  # … and saved on the server
    saved = api(server, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()
    assert next(m for m in saved["materials"] if m["id"] == contract.id)["note"] == "缺第3页签字"
    assert "缺第3页签字" in " ".join(lab.text() for lab in counter.panel.submission_box.findChildren(QLabel))
    assert counter.panel.review.view.missing[-1] == "存量房买卖合同"
    counter.do_verdict(contract.id, "accepted")  # on a second look the contract is fine
    qt_wait_until(qtbot, lambda: not counter.panel.review.verdicts, timeout=8000)
    assert "存量房买卖合同" not in counter.panel.review.view.missing
    # the citizen brought the rest to the counter: the clerk accepts (受理)
    assert "accepted" in view.next_status
    qtbot.mouseClick(counter.panel.findChild(QPushButton, "advance_accepted"), Qt.MouseButton.LeftButton)
    qt_wait_until(qtbot, lambda: counter.panel.review.view.status == "accepted", timeout=8000)
    detail = api(server, "GET", f"/submissions/{sub['code']}/detail", "clerk").json()
    assert detail["status"] == "accepted" and detail["history"][-1]["actor"]


def test_a_companys_submission_shows_its_applicant_type_and_company_block_first(
        qtbot: Any, counter: Any, hall_server_shared: HallServer) -> None:
    server = hall_server_shared
    _login(qtbot, counter, server)
    while api(server, "POST", f"/windows/{WINDOW}/call-next", "clerk").status_code == 200:
        pass  # an empty queue, whatever earlier tests left
    api(server, "POST", f"/windows/{WINDOW}/finish", "clerk")
    ticket = issue(server, "D")
    company = {"applicant_type": "legal_person", "credit_code": "91310115MA1H3T6R23",
               "company_name": "上海浦东示例餐饮管理有限公司", "legal_representative": "李示例",
               "phone": "13900000000", "business_kind": "canteen", "diners": "120",
               "premises": "上海市浦东新区某路8号", "area": "85", "online": "no", "delivery": "hall"}
    sub = submit_for_ticket(server, ticket["id"], item_code="E-004", form=company, material="layout")
    counter.do_call_next()
    qt_wait_until(qtbot, lambda: counter.panel.review is not None and counter.panel.review.view.code == sub["code"],
                  timeout=8000)
    view = counter.panel.review.view
    assert view.is_company and view.form[:4] == [
        ("申请人类型", "企业/单位"), ("统一社会信用代码", "91310115MA1H3T6R23"),
        ("企业名称", "上海浦东示例餐饮管理有限公司"), ("法定代表人", "李**")]
    shown = " ".join(lab.text() for lab in counter.panel.submission_box.findChildren(QLabel))
    assert "表单：申请人类型：企业/单位；统一社会信用代码：91310115MA1H3T6R23；企业名称：" in shown
    assert "经营项目：单位食堂" in shown and "就餐人数：120" in shown
    assert "李示例" not in shown and "business_kind" not in shown and "canteen" not in shown


def test_dialog_actions_and_alarm(qtbot: Any, counter: Any, hall_server_shared: HallServer) -> None:
    server = hall_server_shared
    _login(qtbot, counter, server)
    while api(server, "POST", f"/windows/{WINDOW}/call-next", "clerk").status_code == 200:
        pass
    api(server, "POST", f"/windows/{WINDOW}/finish", "clerk")
    a, b = issue(server, "D"), issue(server, "D")
    # call a specific number (F8 opens the dialog)
    press(qtbot, counter, Qt.Key.Key_F8)
    qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=3000)
    counter.dialog.number.setText(b["number"].lower())
    counter.dialog.buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: (counter.state.current or {}).get("number") == b["number"], timeout=8000)
    # transfer it to category A (F6)
    press(qtbot, counter, Qt.Key.Key_F6)
    qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=3000)
    counter.dialog.category.setCurrentIndex(counter.dialog.category.findData("A"))
    counter.dialog.buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: counter.state.current is None and counter.state.busy is None, timeout=15_000)
    moved = api(server, "GET", f"/tickets/{b['id']}", "clerk").json()
    assert (moved["category"], moved["status"], moved["number"]) == ("A", "waiting", b["number"])
    # pause with a reason, then resume (F7 both ways)
    press(qtbot, counter, Qt.Key.Key_F7)
    qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=3000)
    counter.dialog.reason.setCurrentText("系统故障")
    counter.dialog.buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: counter.state.window_status == "paused", timeout=8000)
    assert counter.state.pause_reason == "系统故障" and not counter.state.actions()["call_next"]
    _key(qtbot, counter, Qt.Key.Key_F7, lambda: counter.state.window_status == "open")
    # the emergency button reaches the manager's follow-ups with the window number
    _key(qtbot, counter, Qt.Key.Key_F12, lambda: counter.state.message is not None
         and counter.state.message.text.startswith("已报警"))
    alerts = [f for f in api(server, "GET", "/followups", "manager").json() if f["kind"] == "alert"]
    assert any(f["window"] == WINDOW for f in alerts)
    assert a["id"] != b["id"]


def test_paused_says_so_and_the_alarm_waits_for_the_managers_acknowledgement(qtbot: Any, counter: Any,
                                                                              hall_server_shared: HallServer) -> None:
    server = hall_server_shared
    _login(qtbot, counter, server)
    while api(server, "POST", f"/windows/{WINDOW}/call-next", "clerk").status_code == 200:
        pass
    api(server, "POST", f"/windows/{WINDOW}/finish", "clerk")
    qt_wait_until(qtbot, lambda: counter.state.current is None and "空闲" in counter.panel.status.text(),
                  timeout=10_000)
    press(qtbot, counter, Qt.Key.Key_F7)
    qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=3000)
    counter.dialog.reason.setCurrentText("临时离开")
    counter.dialog.buttons.accepted.emit()
    qt_wait_until(qtbot, lambda: "暂停中" in counter.panel.status.text(), timeout=8000)
    assert "临时离开" in counter.panel.status.text() and "F1" not in counter.panel.status.text()
    _key(qtbot, counter, Qt.Key.Key_F7, lambda: counter.state.window_status == "open")
    assert "空闲" in counter.panel.status.text()
    # the emergency button: sent, then "acknowledged" only once a manager has acknowledged it
    _key(qtbot, counter, Qt.Key.Key_F12, lambda: counter.state.alert_id is not None)
    assert "等待大厅管理员确认" in counter.message.text() and "已确认" not in counter.message.text()
    r = api(server, "POST", f"/followups/{counter.state.alert_id}/acknowledge", "manager", json={"note": "马上到"})
    assert r.status_code == 200, r.text
    qt_wait_until(qtbot, lambda: "大厅管理员已确认报警" in counter.message.text(), timeout=10_000)


@pytest.mark.parametrize("output", ["printer", "pdf"])
def test_the_one_time_notice_is_printed_or_written_as_pdf(qtbot: Any, hall_server_shared: HallServer,
                                                          tmp_path: Path, output: str) -> None:
    """一次性告知书: every missing material, with the clerk's note, on the counter's printer — or as a PDF."""
    from devices.printer.interpreter import interpret
    from hall.counter.app import build_counter

    server = hall_server_shared
    settings = settings_for(server, tmp_path, f'devices.printer.capture_dir="{tmp_path / "printed"}"',
                            f'counter.notice_output="{output}"', f'counter.notice_dir="{tmp_path / "pdf"}"')
    counter = build_counter(settings, window=WINDOW)
    qtbot.addWidget(counter)
    counter.show()
    try:
        _login(qtbot, counter, server)
        while api(server, "POST", f"/windows/{WINDOW}/call-next", "clerk").status_code == 200:
            pass
        api(server, "POST", f"/windows/{WINDOW}/finish", "clerk")
        ticket = issue(server, "D")
        submit_for_ticket(server, ticket["id"])
        counter.do_call_next()
        qt_wait_until(qtbot, lambda: counter.panel.review is not None and bool(counter.panel.review.missing()),
                      timeout=8000)
        missing = counter.panel.review.missing()
        button = counter.panel.findChild(QPushButton, "print_notice")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qt_wait_until(qtbot, lambda: counter.last_notice is not None, timeout=15_000)
        result = counter.last_notice
        assert result.how == output
        if output == "printer":
            jobs = sorted((tmp_path / "printed").glob("job-*.bin"))
            lines = interpret(jobs[-1].read_bytes()).text_lines()
            text = "\n".join(lines)
            assert "一次性告知书" in text and all(name in text for name in missing)
            assert "已打印" in counter.message.text()
        else:
            assert result.path.read_bytes().startswith(b"%PDF") and result.path.parent == tmp_path / "pdf"
            assert "PDF" in counter.message.text()
    finally:
        counter.shutdown()
