"""The home screen: every tile, both languages, elderly mode, touch targets, paint-and-exit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from config import load_settings
from kiosk.app import build_window
from kiosk.screens.home import TILES, QueueLine

ROOT = Path(__file__).resolve().parents[3]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def window(qtbot, cjk_fonts):
    win = build_window(load_settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def visible_texts(widget) -> list[str]:
    out = []
    for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        if w.isVisibleTo(widget) and w.text():
            out.append(w.text())
    return out


def test_all_seven_tiles_and_chrome_are_there(window) -> None:
    assert [t for t, _ in TILES] == ["take_number", "checkin", "submit", "query", "rate", "fallback", "help"]
    texts = visible_texts(window)
    for word in ("取号", "预约签到", "自助申报", "办件查询", "好差评", "办不成事", "呼叫帮助", "中文",
                 "English", "长辈模式", "示范区政务服务中心"):
        assert word in texts


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("elderly", [False, True])
def test_touch_targets_are_at_least_72px(qtbot, cjk_fonts, orientation, elderly) -> None:
    win = build_window(load_settings(), orientation=orientation, elderly=elderly)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert (win.width(), win.height()) == ((1920, 1080) if orientation == "landscape" else (1080, 1920))
    small = [(b.objectName(), b.width(), b.height()) for b in win.findChildren(QAbstractButton)
             if b.isVisible() and (b.width() < 72 or b.height() < 72)]
    assert small == []


def test_english_screen_shows_no_chinese_but_the_language_button(window, qtbot) -> None:
    qtbot.mouseClick(window.top.btn_en, Qt.MouseButton.LeftButton)
    assert window.ui.lang == "en"
    leftovers = [t for t in visible_texts(window) if CJK.search(t) and t != "中文"]
    assert leftovers == []
    assert "Take a number" in visible_texts(window)


def test_elderly_mode_scales_text_by_at_least_one_and_a_half(window, qtbot) -> None:
    before = window.home.tiles["checkin"].title.fontInfo().pixelSize()
    qtbot.mouseClick(window.top.btn_elderly, Qt.MouseButton.LeftButton)
    assert window.ui.elderly
    after = window.home.tiles["checkin"].title.fontInfo().pixelSize()
    assert after >= 1.5 * before - 1


def test_tile_touch_emits_its_id(window, qtbot) -> None:
    with qtbot.waitSignal(window.home.chosen) as sig:
        qtbot.mouseClick(window.home.tiles["rate"], Qt.MouseButton.LeftButton)
    assert sig.args == ["rate"]


def test_queue_lengths_render_in_the_current_language(window) -> None:
    lines = [QueueLine("A", "社保业务", "Social insurance", 12), QueueLine("B", "公积金", "Housing fund", 3)]
    window.home.set_queue(lines)
    assert "A 社保业务  等候 12 人" in window.home.queue.texts()
    window.set_language("en")
    assert "B Housing fund  3 waiting" in window.home.queue.texts()
    window.home.set_queue(None, unavailable=True)
    assert window.home.queue.texts() == ["Queue information unavailable"]


def test_exit_after_paint_prints_the_paint_time_and_exits_zero(cjk_fonts) -> None:
    proc = subprocess.run([sys.executable, "main.py", "kiosk", "--exit-after-paint"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**__import__("os").environ,
                                                                            "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"home_painted_s=\d+\.\d+", proc.stdout)
    # nothing slow is imported before the first paint
    assert "Traceback" not in proc.stderr


def test_screenshot_flag_writes_a_png(tmp_path, cjk_fonts) -> None:
    out = tmp_path / "home.png"
    proc = subprocess.run([sys.executable, "main.py", "kiosk", "--screenshot", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**__import__("os").environ,
                                                                            "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
