"""The kiosk's promise 点一下输入框，用屏幕键盘输入（拼音） is kept by a real component: on a real X display
(Xvfb), touching a free-text box of the form raises Qt's on-screen keyboard, which the kiosk launcher
turns on (``use_onscreen_keyboard``), in Chinese. The other tests run offscreen, where no input method
loads, so without this one a kiosk whose keyboard plugin went missing would pass every test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.rigs.waiting import budget
from tests.rigs.x11 import xvfb

__all__ = ["xvfb"]  # fixture

ROOT = Path(__file__).resolve().parents[2]

# Runs in its own process: the input method is chosen once, when the QApplication is made.
PROBE = """
import sys
from kiosk.app import use_onscreen_keyboard
use_onscreen_keyboard()
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
app = QApplication(sys.argv)
from kiosk.screens.base import UiContext
from kiosk.screens.form_widgets import TextEntry
win = QWidget()
win.resize(1280, 800)
entry = TextEntry(UiContext(screen=(1280, 800)), submit_text="确定")
QVBoxLayout(win).addWidget(entry)
win.show()
keyboard = QGuiApplication.inputMethod()
def touch():
    win.activateWindow()
    entry.edit.setFocus()
    keyboard.show()
def check():
    if keyboard.isVisible() and not keyboard.keyboardRectangle().isEmpty():
        print("visible", keyboard.locale().name(), QLocale().name(), flush=True)
        app.quit()
QTimer.singleShot(300, touch)
poll = QTimer(interval=100, timeout=check)
poll.start()
QTimer.singleShot(20000, lambda: (print("never shown", flush=True), app.quit()))
app.exec()
"""


def test_touching_a_text_box_raises_the_pinyin_keyboard(xvfb: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_IM_MODULE", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=xvfb, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT), QT_QUICK_BACKEND="software")
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=budget(60))
    lines = done.stdout.split()
    assert lines[:1] == ["visible"], (done.stdout, done.stderr[-2000:])
    assert lines[2] == "zh_CN"  # the keyboard opens in 简体中文
