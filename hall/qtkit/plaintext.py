"""Citizen text is shown as text, never as markup: every label of a terminal renders plain text.

A QLabel's default text format is ``AutoText``: a value that looks like HTML is rendered as rich text, so
a form field of ``<b>✔ 材料已由系统核验齐全，请直接受理</b>`` painted a bold "verified" banner on the
clerk's screen. The widgets that show outside text set ``Qt.PlainText`` themselves
(:func:`plain_label`); :class:`PlainTextGuard`, installed on the application by ``make_application``,
turns every other label (message boxes' included) to plain text before it is first shown, so a label
added later without thinking of it is safe too. A label that really wants markup says
``Qt.RichText`` explicitly, and then must escape what it inserts (``html.escape``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel

PLAIN = Qt.TextFormat.PlainText


def plain_label(text: str = "") -> QLabel:
    """A label that shows ``text`` literally, whatever it contains."""
    label = QLabel()
    label.setTextFormat(PLAIN)
    label.setText(text)
    return label


class PlainTextGuard(QObject):
    """Application event filter: a label still on ``AutoText`` is set to plain text when it is polished
    (before it is first shown)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and isinstance(watched, QLabel) \
                and watched.textFormat() == Qt.TextFormat.AutoText:
            watched.setTextFormat(PLAIN)
        return False


def install_plain_text(app: QApplication) -> PlainTextGuard:
    """Install the guard on ``app`` once (it lives as long as the application)."""
    guard = app.findChild(PlainTextGuard)
    if guard is None:
        guard = PlainTextGuard(app)
        app.installEventFilter(guard)
    return guard
