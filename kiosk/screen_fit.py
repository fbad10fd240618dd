"""Does a rendered kiosk window fit its screen? Widgets outside the window, text cut off, a window
grown past the screen — each found problem is one line of plain text.

Used by ``tests/unit/kiosk/test_screen_fit.py`` (every screen × screen size × language × mode) and by
``python -m kiosk.screenshots``, which refuses to write a gallery picture of a screen that does not fit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QLineEdit, QWidget

SLACK_PX = 1  # rounding of fractional font metrics
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
WORD_BREAK = re.compile(r"\s+|(?<=[\u0f0b\u0f0d])")
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


def _shown(win: QWidget) -> Iterator[QWidget]:
    for w in win.findChildren(QWidget):
        if w.isVisibleTo(win) and not w.isWindow():
            yield w


def _scrolled(w: QWidget, win: QWidget) -> QWidget | None:
    """The scroll area's viewport ``w`` is shown in (contents may be taller than it, never wider)."""
    p = w.parentWidget()
    while p is not None and p is not win:
        area = p.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is p:
            return p
        p = area
    return None


def _name(w: QWidget) -> str:
    text = w.text() if isinstance(w, (QLabel, QAbstractButton)) else ""
    text = " ".join(text.split())
    return f"{w.__class__.__name__}#{w.objectName() or '-'} {text[:40]!r}"


def _outside(w: QWidget, win: QWidget) -> str:
    """Where ``w`` sticks out of the window or out of its parent, if it does."""
    view = _scrolled(w, win)
    parent = w.parentWidget()
    geo = w.geometry()
    if view is not None:
        at = w.mapTo(view, QPoint(0, 0))
        if at.x() < -SLACK_PX or at.x() + w.width() > view.width() + SLACK_PX:
            return f"wider than its scroll area ({at.x()}..{at.x() + w.width()} of {view.width()})"
        return ""
    at = w.mapTo(win, QPoint(0, 0))
    box = QRect(at, w.size())
    if not win.rect().adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(box):
        return f"outside the window at {box.x()},{box.y()} {box.width()}x{box.height()}"
    if parent is not None and not parent.rect().adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(geo):
        return f"outside its parent {_name(parent)} ({geo.x()},{geo.y()} {geo.width()}x{geo.height()})"
    return ""


def _clipped(w: QWidget) -> str:
    """Text cut off: a label shorter or narrower than its text needs, a button narrower than its text."""
    if isinstance(w, QLabel) and w.text() and w.pixmap().isNull():
        if w.wordWrap():
            need = w.heightForWidth(w.width())
            if need > w.height() + SLACK_PX:
                return f"text cut off (needs {need} px high, has {w.height()})"
            # Chinese breaks between any two characters, Tibetan after each syllable (tsheg ་, shad །);
            # other scripts only between words
            words = max((w.fontMetrics().horizontalAdvance(p) for p in WORD_BREAK.split(w.text())
                         if p and not CJK.search(p)), default=0)
            if words > w.contentsRect().width() + SLACK_PX:
                return f"a word wider than the label ({words} > {w.contentsRect().width()})"
            return ""
        hint = w.minimumSizeHint()
        if hint.width() > w.width() + SLACK_PX or hint.height() > w.height() + SLACK_PX:
            return f"text cut off (needs {hint.width()}x{hint.height()}, has {w.width()}x{w.height()})"
    if isinstance(w, QAbstractButton) and w.text():
        # the style's hint is the text plus the button's padding: narrower than that cuts letters off
        need = w.sizeHint().width()
        if need > w.width() + SLACK_PX:
            return f"text wider than the button ({need} > {w.width()})"
    return ""


def fit_problems(win: QWidget, size: tuple[int, int]) -> list[str]:
    """Every way the shown window fails to fit a ``size`` screen (empty list: it fits)."""
    problems = []
    if win.width() > size[0] or win.height() > size[1]:
        problems.append(f"window {win.width()}x{win.height()} exceeds the screen {size[0]}x{size[1]}")
    hint = win.minimumSizeHint()
    if hint.width() > size[0] or hint.height() > size[1]:
        problems.append(f"content needs {hint.width()}x{hint.height()} on a {size[0]}x{size[1]} screen")
    for w in _shown(win):
        why = _outside(w, win) or _clipped(w)
        if why:
            problems.append(f"{_name(w)}: {why}")
    return problems


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
