"""Every flow screen rendered offscreen: fits the screen, touch targets ≥ 72 px, no untranslated text."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from config import load_settings
from kiosk.app import build_window
from kiosk.screenshot_views import sample_views

CJK = re.compile(r"[\u4e00-\u9fff]")
# screens whose sample data is Chinese by nature (a citizen's name, a guide with no English text)
DATA_IN_CHINESE = {"form", "review", "guide"}


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("lang,elderly", [("zh_CN", False), ("en", False), ("zh_CN", True), ("en", True)])
def test_every_screen_fits_and_has_big_touch_targets(qtbot, cjk_fonts, lang, elderly, orientation) -> None:
    win = build_window(load_settings(), lang=lang, elderly=elderly, orientation=orientation)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    size = (1920, 1080) if orientation == "landscape" else (1080, 1920)
    problems = []
    for name, view in sample_views():
        win.show_view(view)
        hint = win.minimumSizeHint()
        if hint.width() > size[0] or hint.height() > size[1]:
            problems.append(f"{name}: needs {hint.width()}x{hint.height()}")
        small = [b.text() for b in win.flow.findChildren(QAbstractButton)
                 if b.isVisibleTo(win) and (b.width() < 72 or b.height() < 72)]
        if small:
            problems.append(f"{name}: small buttons {small}")
        if lang == "en" and name not in DATA_IN_CHINESE:
            texts = [w.text() for w in win.flow.findChildren(QLabel) + win.flow.findChildren(QAbstractButton)
                     if w.isVisibleTo(win) and w.text()]
            chinese = [t for t in texts if CJK.search(t)]
            if chinese:
                problems.append(f"{name}: untranslated {chinese}")
    assert problems == []
