"""Widgets that keep a terminal window inside its screen whatever the data: a one-line label that ends in
"…" (the whole text in its tooltip) instead of widening the window, and a layout that wraps its widgets
onto more rows instead of growing sideways (scrolled, it only grows down).

Proved by :mod:`hall.qtkit.screen_fit` checks in the terminals' fit tests.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QLayoutItem, QSizePolicy, QWidget

ELLIPSIS = "…"
MIN_CHARS = 4  # an elided label asks for room for this many characters (and the ellipsis) by default


class ElidedLabel(QLabel):
    """One line of plain text; narrower than its text it shows the start and "…", the rest as a tooltip.

    ``short`` is a shorter form shown before eliding (``"A 6人"`` for ``"A 社会保险 6人"``); ``text()`` is
    always the full text. The first ``min_chars`` characters are always shown: of two such labels in a row
    the one with the larger ``min_chars`` keeps more."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, min_chars: int = MIN_CHARS) -> None:
        super().__init__(parent)
        self._min_chars = min_chars
        self.setTextFormat(Qt.TextFormat.PlainText)  # citizens' text is never markup (hall.qtkit.plaintext)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._short = ""
        self.setText(text)

    def setText(self, text: str, short: str = "") -> None:
        self._short = short
        super().setText(text)
        self._update_tooltip()

    def shown_text(self) -> str:
        """What is painted at the current width."""
        width = self.contentsRect().width()
        fm = self.fontMetrics()
        for candidate in (self.text(), self._short):
            if candidate and fm.horizontalAdvance(candidate) <= width:
                return candidate
        return fm.elidedText(self._short or self.text(), Qt.TextElideMode.ElideRight, width)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        fm = self.fontMetrics()
        text = self.text()
        room = fm.horizontalAdvance(text if len(text) <= self._min_chars else text[:self._min_chars] + ELLIPSIS)
        m = self.contentsMargins()
        return QSize(min(hint.width(), room + m.left() + m.right()), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        QFrame.paintEvent(self, event)
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment().value), self.palette(),
                                  self.isEnabled(), self.shown_text(), self.foregroundRole())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.shown_text() != self.text() else "")


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto the next row when the width runs out (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m: QMargins = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_h = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_h > 0:
                x, y, row_h = area.x(), y + row_h + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            row_h = max(row_h, hint.height())
        return y + row_h - rect.y() + m.bottom()


def _invalidate(layout: QLayout) -> None:
    layout.invalidate()
    for i in range(layout.count()):
        item = layout.itemAt(i)
        inner = item.layout() if item is not None else None
        if inner is not None:
            _invalidate(inner)


def relayout(window: QWidget) -> None:
    """Forget every cached size of ``window``'s layouts and lay it out again now, hidden pages included.

    After a style sheet change the size hints change; a hidden page (the work page behind a login) passes
    no change up by itself, so the window would keep the old minimum size and a resize would meet it."""
    for w in (window, *window.findChildren(QWidget)):
        layout = w.layout()
        if layout is not None:
            _invalidate(layout)
    top = window.layout()
    if top is not None:
        top.activate()
