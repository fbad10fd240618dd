"""Every kiosk screen fits every screen (issue 14.1): each screen size × language × mode, with live-sized
data (all seven lines of the demo hall, a full queue strip, the longest names, several cases, a form with
an error, an item with five materials). A widget outside the window, text cut off, a window grown past
the screen, a touch target under 72 px, Chinese left on an English screen or English on a Chinese, Tibetan
or Uyghur one fails the test (Tibetan and Uyghur may show Chinese: untranslated strings fall back to it).

The tables are the whole matrix: a language or mode is added with one line.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QApplication

from config import load_settings
from kiosk.app import build_window
from kiosk.screen_fit import SCREENS, ScreenSize, fit_problems, shown_texts, wrong_language
from kiosk.screens.home import QueueLine
from kiosk.screenshot_views import live_queue
from kiosk.screenshots import each_screen

LANGS = ("zh_CN", "en", "bo", "ug")
MODES: dict[str, dict[str, Any]] = {"standard": {}, "elderly": {"elderly": True},
                                    "accessible": {"accessible": True}}
WHEELCHAIR_TOP = 0.4  # accessible mode in portrait: no control in the upper 40 % of the screen (14.8)
# screens whose sample data is Chinese by nature (a citizen's name, a guide with no English text),
# and the panels shown over the form
DATA_IN_CHINESE = {"form", "form_address", "review", "guide", "help_overlay", "confirm_home", "idle_countdown",
                   "guide_counter_only", "form_company", "form_company_typed", "form_date", "review_company"}
# Latin words that are not English: pinyin the sample citizen typed and the pinyin examples of the hint
PINYIN = ("dengji", "shebao", "sb")


def render_all(qtbot: Any, screen: ScreenSize, lang: str, mode: str) -> Any:
    """The window of that combination; yields (name, window) for every screen and overlay, as the
    gallery renders them (kiosk.screenshots.each_screen)."""
    win = build_window(load_settings(), lang=lang, orientation=screen.orientation,
                       size=(screen.width, screen.height), **MODES[mode])
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    for name in each_screen(win):
        yield name, win


def out_of_reach(win: Any, height: int) -> list[str]:
    """Controls a wheelchair user cannot reach: any visible button starting above the lower 60 %."""
    top = height * WHEELCHAIR_TOP
    return [f"control out of reach at y={b.mapTo(win, QPoint(0, 0)).y()}: {b.text() or b.accessibleName()!r}"
            for b in win.findChildren(QAbstractButton)
            if b.isVisibleTo(win) and b.mapTo(win, QPoint(0, 0)).y() < top]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS, ids=[s.folder for s in SCREENS])
def test_every_screen_fits(request, qtbot, cjk_fonts, screen: ScreenSize, lang: str, mode: str) -> None:
    if lang in ("bo", "ug"):
        request.getfixturevalue("script_fonts")
    problems = []
    for name, win in render_all(qtbot, screen, lang, mode):
        problems += [f"{name}: {p}" for p in fit_problems(win, (screen.width, screen.height))]
        page = win.home if name == "home" else win
        small = [b.text() or b.accessibleName() for b in page.findChildren(QAbstractButton)
                 if b.isVisibleTo(win) and (b.width() < 72 or b.height() < 72)]
        if small:
            problems.append(f"{name}: touch targets under 72 px {small}")
        if mode == "accessible" and screen.orientation == "portrait":
            problems += [f"{name}: {p}" for p in out_of_reach(win, screen.height)]
        if not (lang == "en" and name in DATA_IN_CHINESE):
            # each language button names itself (中文, English, བོད་ཡིག, ئۇيغۇرچە); the chrome is scanned with home
            texts = shown_texts(page, win, skip=win.top.lang_buttons.values())
            problems += [f"{name}: {p}" for p in wrong_language(texts, lang, allowed=PINYIN)]
    assert problems == []


def test_a_full_queue_strip_never_widens_the_window(qtbot, cjk_fonts) -> None:
    """The bug behind 14.1: nine long lines in elderly English on a portrait screen stay inside it."""
    win = build_window(load_settings(), lang="en", elderly=True, orientation="portrait", size=(1080, 1920))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    lines = [QueueLine(c, z, e + " and related services", n + 100) for c, z, e, n in live_queue()]
    win.home.set_queue(lines + lines[:2])
    QApplication.processEvents()
    assert (win.width(), win.height()) == (1080, 1920)
    assert len(win.home.queue.texts()) == win.home.queue.MAX_LINES
    assert fit_problems(win, (1080, 1920)) == []
