"""Does a rendered kiosk window fit its screen? The checker itself is shared (:mod:`hall.qtkit.screen_fit`,
re-exported here); this module adds the screens kiosks have and the language checks.

Used by ``tests/unit/kiosk/test_screen_fit.py`` (every screen × screen size × language × mode) and by
``python -m kiosk.screenshots``, which refuses to write a gallery picture of a screen that does not fit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from hall.qtkit.screen_fit import fit_problems

__all__ = ["SCREENS", "ScreenSize", "fit_problems", "shown_texts", "wrong_language"]

HAN = re.compile(r"[\u4e00-\u9fff]")
# an English word has lower-case letters ("Fee", "Apply"); codes and acronyms (A001, GJJ-002, QR, ID) pass
LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z][a-z]+(?![A-Za-z])")


@dataclass(frozen=True, slots=True)
class ScreenSize:
    """A physical screen the kiosk runs on; ``orientation`` picks the layout, ``folder`` the gallery folder."""

    folder: str
    width: int
    height: int

    @property
    def orientation(self) -> str:
        return "portrait" if self.height > self.width else "landscape"


# The screens halls use (issue 14.1). More sizes are one line each.
SCREENS: tuple[ScreenSize, ...] = (
    ScreenSize("landscape", 1920, 1080),
    ScreenSize("portrait", 1080, 1920),
    ScreenSize("landscape-1366", 1366, 768),
)


def shown_texts(page: QWidget, win: QWidget, *, skip: Iterable[QWidget] = ()) -> list[str]:
    """Every text a citizen sees on ``page``: labels, buttons and input fields shown in ``win``."""
    skipped = set(skip)
    texts = []
    for w in page.findChildren(QWidget):
        if w in skipped or not w.isVisibleTo(win):
            continue
        text = w.text() if isinstance(w, (QLabel, QAbstractButton, QLineEdit)) else ""
        if text:
            texts.append(text)
    return texts


def wrong_language(texts: Iterable[str], lang: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """Texts in the other language: Chinese on an English screen, English words on a Chinese, Tibetan or
    Uyghur one (those two may show Chinese: a string without a translation falls back to zh_CN).
    ``allowed`` Latin words are not English (pinyin a citizen typed, pinyin examples in a hint)."""
    ok = {a.lower() for a in allowed}
    found = []
    for text in texts:
        if lang == "en":
            wrong = bool(HAN.search(text))
        else:
            wrong = any(word.lower() not in ok for word in LATIN_WORD.findall(text))
        if wrong:
            found.append(f"{'Chinese' if lang == 'en' else 'English'} on a {lang} screen: {text[:60]!r}")
    return found
