"""Choice buttons keep readable text (fit, touch targets and translation: test_screen_fit.py)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from config import load_settings
from kiosk.app import build_window
from kiosk.screenshot_views import sample_views


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
