"""Does a rendered terminal window fit its screen? Widgets outside the window, text cut off, a window
grown past the screen, buttons too small to hit, text too small to read — each found problem is one
line of plain text.

Shared by the kiosk (``kiosk.screen_fit``: every screen × size × language × mode) and the counter
(``tests/e2e/test_counter_fits_its_screen.py``: live data on the screens real counters have).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QWidget

SLACK_PX = 1  # rounding of fractional font metrics
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
WORD_BREAK = re.compile(r"\s+|(?<=[\u0f0b\u0f0d])")


def shown_widgets(win: QWidget) -> Iterator[QWidget]:
    """Every widget of ``win`` that is shown (not hidden, not a window of its own)."""
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


def widget_name(w: QWidget) -> str:
    """Class, object name and the start of its text: enough to find the widget in the code."""
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
        return f"outside its parent {widget_name(parent)} ({geo.x()},{geo.y()} {geo.width()}x{geo.height()})"
    return ""


def _clipped(w: QWidget) -> str:
    """Text cut off: a label shorter or narrower than its text needs, a button narrower than its text.
    A label that elides (its minimum size hint says so) shows the rest in its tooltip."""
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
    for w in shown_widgets(win):
        why = _outside(w, win) or _clipped(w)
        if why:
            problems.append(f"{widget_name(w)}: {why}")
    return problems


def small_targets(win: QWidget, min_px: int) -> list[str]:
    """Shown buttons lower or narrower than ``min_px``: too small to hit."""
    return [f"{widget_name(b)}: button {b.width()}x{b.height()} under {min_px} px"
            for b in shown_widgets(win) if isinstance(b, QAbstractButton) and min(b.width(), b.height()) < min_px]


def small_text(win: QWidget, min_px: int) -> list[str]:
    """Shown labels and buttons whose text is drawn smaller than ``min_px`` (the font's pixel size)."""
    return [f"{widget_name(w)}: text {QFontInfo(w.font()).pixelSize()} px under {min_px} px"
            for w in shown_widgets(win)
            if isinstance(w, (QLabel, QAbstractButton)) and w.text() and QFontInfo(w.font()).pixelSize() < min_px]


def available_size(widget: QWidget | None = None) -> tuple[int, int] | None:
    """The usable size of the screen ``widget`` is on (else the primary one): the screen less the taskbar
    and panels. None without a screen."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return None
    geo = screen.availableGeometry()
    return geo.width(), geo.height()
