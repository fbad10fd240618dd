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


@pytest.mark.parametrize("elderly", [False, True])
def test_text_on_choice_buttons_is_visible(qtbot, cjk_fonts, elderly) -> None:
    """Each wrapped button's label is drawn in a colour that stands out from the button behind it
    (a style rule once painted every unchecked choice white on white)."""
    from PySide6.QtGui import QColor

    win = build_window(load_settings(), elderly=elderly)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    problems = []
    for name, view in sample_views():
        if name not in ("categories", "category_full", "fallback", "rate_reasons"):
            continue
        win.show_view(view)
        for lab in win.flow.findChildren(QLabel, "ChoiceText"):
            button = lab.parentWidget()
            image = button.grab().toImage()
            ink = lab.palette().color(lab.foregroundRole())
            back = QColor(image.pixel(6, image.height() // 2))  # inside the border, left of the text
            if abs(ink.lightness() - back.lightness()) < 60:
                problems.append(f"{name}: {lab.text()[:12]!r} {ink.name()} on {back.name()}")
    assert problems == []
