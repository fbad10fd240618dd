"""The kit's fitting widgets: a one-line label that shortens instead of widening its window (the whole text
on hover), a flow layout that wraps instead of growing sideways, and a relayout that reaches hidden pages."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from hall.qtkit.fitting import ElidedLabel, FlowLayout, relayout
from hall.qtkit.screen_fit import fit_problems

pytestmark = pytest.mark.usefixtures("cjk_fonts")
LONG = "   ".join(f"{c} 综合咨询与办不成事反映 {n}人" for c, n in zip("ABCDEFG", range(10, 17), strict=True))
SHORT = "  ".join(f"{c} {n}人" for c, n in zip("ABCDEFG", range(10, 17), strict=True))


def _window(qtbot: Any, *widgets: QWidget, width: int) -> QWidget:
    win = QWidget()
    row = QHBoxLayout(win)
    for w in widgets:
        row.addWidget(w)
    qtbot.addWidget(win)
    win.resize(width, 60)
    win.show()
    QApplication.processEvents()
    return win


def test_a_long_line_shows_its_short_form_then_an_ellipsis_and_never_widens_the_window(qtbot: Any) -> None:
    label = ElidedLabel()
    label.setText(LONG, short=SHORT)
    win = _window(qtbot, label, width=2000)
    assert label.shown_text() == LONG and label.toolTip() == ""
    win.resize(label.fontMetrics().horizontalAdvance(SHORT) + 40, 60)
    QApplication.processEvents()
    assert label.shown_text() == SHORT and label.toolTip() == LONG  # the names are on hover
    win.resize(200, 60)
    QApplication.processEvents()
    assert win.width() == 200 and label.shown_text().endswith("…") and label.toolTip() == LONG
    assert label.text() == LONG and fit_problems(win, (200, 60)) == []


def test_the_label_with_more_protected_characters_keeps_them(qtbot: Any) -> None:
    name, reason = ElidedLabel("柜员：欧阳娜仁花", min_chars=12), ElidedLabel("暂停（" + "网络中断，" * 30 + "）")
    win = _window(qtbot, name, reason, width=500)
    assert win.width() == 500 and name.shown_text() == "柜员：欧阳娜仁花" and reason.shown_text().endswith("…")


def test_a_flow_layout_wraps_onto_more_rows_as_it_narrows(qtbot: Any) -> None:
    box = QWidget()
    flow = FlowLayout(box, spacing=10)
    for i in range(6):
        button = QPushButton(f"材料 {i}")
        button.setFixedSize(150, 80)
        flow.addWidget(button)
    assert flow.heightForWidth(6 * 160) == 80  # one row
    assert flow.heightForWidth(3 * 160) == 2 * 80 + 10  # two rows of three
    assert flow.heightForWidth(150) == 6 * 80 + 5 * 10  # one a row
    assert flow.minimumSize().width() == 150  # never asks for more than one tile's width


def test_relayout_reaches_a_hidden_page(qtbot: Any) -> None:
    """A style change on a page behind another one still changes the window's minimum size at once."""
    win = QWidget()
    stack = QStackedWidget()
    QVBoxLayout(win).addWidget(stack)
    stack.addWidget(QLabel("登录"))
    page = QWidget()
    panel = QWidget()
    QVBoxLayout(panel).addWidget(QLabel("大字"))
    row = QHBoxLayout()  # a layout inside the page's layout: its cached size is what went stale
    row.addWidget(panel)
    QVBoxLayout(page).addLayout(row)
    stack.addWidget(page)
    qtbot.addWidget(win)
    win.setStyleSheet("QLabel { font-size: 200px; }")
    stack.setCurrentIndex(1)
    win.show()
    QApplication.processEvents()
    tall = win.minimumSizeHint().height()
    stack.setCurrentIndex(0)  # the big page goes behind the login
    QApplication.processEvents()
    win.setStyleSheet("QLabel { font-size: 14px; }")
    relayout(win)
    assert win.minimumSizeHint().height() < tall / 4
