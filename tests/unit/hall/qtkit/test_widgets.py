"""named() and timer(): the typed spellings of Qt's property and signal constructor keywords."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from hall.qtkit.widgets import named, timer
from tests.rigs.waiting import qt_wait_until


def test_named_sets_the_object_name_and_returns_the_same_widget(qtbot: Any) -> None:
    label = QLabel("3 号窗口")
    assert named(label, "windowTitle") is label
    assert label.objectName() == "windowTitle" and label.text() == "3 号窗口"


def test_a_single_shot_timer_calls_back_once_and_stops(qtbot: Any) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    calls: list[str] = []
    t = timer(owner, interval_ms=10, single_shot=True, on_timeout=lambda: calls.append("fired"))
    assert t.parent() is owner and t.isSingleShot() and t.interval() == 10 and not t.isActive()
    t.start()
    qt_wait_until(qtbot, lambda: calls == ["fired"])
    assert not t.isActive()


def test_a_repeating_timer_keeps_calling_until_stopped(qtbot: Any) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    calls: list[int] = []
    t = timer(owner, interval_ms=5, on_timeout=lambda: calls.append(len(calls)))
    t.start()
    qt_wait_until(qtbot, lambda: len(calls) >= 3)
    t.stop()
    assert calls[:3] == [0, 1, 2] and not t.isSingleShot()
