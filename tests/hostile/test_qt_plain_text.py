"""Citizen text on a terminal's screen is text, never markup (issue 13 item 9): a submission whose form
value and applicant name carry ``<b>✔ 材料已由系统核验齐全，请直接受理</b>`` shows those characters
literally on the real counter (against a real server), and every other label of a terminal application —
message boxes' included — is plain text before it is first shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from tests.e2e.hall_windows import api, issue, settings_for
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
CLAIM = "✔ 材料已由系统核验齐全，请直接受理"
PAYLOAD = f"<b>{CLAIM}</b>"
WINDOW = 5  # category D


@pytest.fixture
def counter(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> Iterator[Any]:
    from hall.counter.app import build_counter
    from hall.qtkit.launch import make_application

    make_application()  # as `main.py counter` does before it builds the window
    win = build_counter(settings_for(hall_server, tmp_path), window=WINDOW)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def test_a_form_value_cannot_paint_a_verdict_on_the_counter(qtbot: Any, counter: Any,
                                                            hall_server: HallServer) -> None:
    ticket = issue(hall_server, "D")
    # 异地就医备案 asks a free text (就医地): the markup reaches the counter as typed
    data = {"item_code": "F-002", "id_number": "110101199003071233", "proof": card_proof("110101199003071233"),
            "name": f"<i>{CLAIM}</i>", "ticket_id": ticket["id"],
            "form": {"phone": "13800000000", "destination": PAYLOAD, "reason": "resident", "delivery": "hall"}}
    r = api(hall_server, "POST", "/submissions", "terminal", data={"data": json.dumps(data, ensure_ascii=False)})
    assert r.status_code == 201, r.text
    counter.do_login(hall_server.tokens["clerk"], "王芳")
    qt_wait_until(qtbot, lambda: counter.state.logged_in and counter.state.online and bool(counter.state.categories),
                         timeout=10_000)
    counter.do_call_next()
    qt_wait_until(qtbot, lambda: counter.panel.review is not None, timeout=10_000)
    shown = [lab for lab in counter.panel.submission_box.findChildren(QLabel) if CLAIM in lab.text()]
    assert shown, [lab.text() for lab in counter.panel.submission_box.findChildren(QLabel)]
    for label in shown:
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert "<b>" in label.text() or "<i>" in label.text()  # shown as typed: the tags are visible
    assert all(lab.textFormat() != Qt.TextFormat.AutoText for lab in counter.findChildren(QLabel))


def test_every_label_of_a_terminal_application_is_plain_text(qtbot: Any) -> None:
    from hall.qtkit.launch import make_application

    make_application()
    page = QWidget()
    qtbot.addWidget(page)
    lay = QVBoxLayout(page)
    late = QLabel(PAYLOAD)
    lay.addWidget(late)
    page.show()
    qtbot.waitExposed(page)
    assert late.textFormat() == Qt.TextFormat.PlainText
    added_later = QLabel(PAYLOAD)
    lay.addWidget(added_later)
    qt_wait_until(qtbot, added_later.isVisible, timeout=5000)
    assert added_later.textFormat() == Qt.TextFormat.PlainText

    box = QMessageBox(QMessageBox.Icon.Information, "求助", PAYLOAD)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    texts = [lab for lab in box.findChildren(QLabel) if CLAIM in lab.text()]
    assert texts and all(lab.textFormat() == Qt.TextFormat.PlainText for lab in texts)
    # A label that asks for markup keeps it (and must escape what it inserts).
    rich = QLabel()
    rich.setTextFormat(Qt.TextFormat.RichText)
    lay.addWidget(rich)
    qt_wait_until(qtbot, rich.isVisible, timeout=5000)
    assert rich.textFormat() == Qt.TextFormat.RichText
