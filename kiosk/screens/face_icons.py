"""The five rating faces, painted (very satisfied … very dissatisfied), as big touch buttons."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout

from kiosk.screens.base import UiContext

COLOURS = {5: "#1B7F3B", 4: "#4C9A2A", 3: "#B58100", 2: "#C0551A", 1: "#B3261E"}


@lru_cache(maxsize=16)
def face_pixmap(level: int, size: int) -> QPixmap:
    px = QPixmap(size, size)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(COLOURS[level])
    p.setPen(QPen(colour, size * 0.06))
    p.setBrush(QColor("white"))
    r = QRectF(size * 0.06, size * 0.06, size * 0.88, size * 0.88)
    p.drawEllipse(r)
    p.setBrush(colour)
    p.setPen(Qt.PenStyle.NoPen)
    for x in (0.36, 0.64):
        p.drawEllipse(QPointF(size * x, size * 0.4), size * 0.055, size * 0.055)
    # mouth: the curve bends from a smile (5) to a frown (1)
    bend = (level - 3) * 0.09
    path = QPainterPath(QPointF(size * 0.3, size * 0.64))
    path.quadTo(QPointF(size * 0.5, size * (0.64 + bend * 1.6)), QPointF(size * 0.7, size * 0.64))
    p.setPen(QPen(colour, size * 0.06, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.end()
    return px


def face_button(level: int, text: str, ui: UiContext, *, on_click: Callable[[], None]) -> QPushButton:
    b = QPushButton()
    b.setObjectName("FaceButton")
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    b.setProperty("level", level)
    lay = QVBoxLayout(b)
    pic = QLabel()
    pic.setPixmap(face_pixmap(level, 150 if ui.elderly else 130))
    pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
    pic.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    cap = QLabel(text)
    cap.setObjectName("FaceText")
    cap.setWordWrap(True)
    cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
    cap.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    lay.addStretch(1)
    lay.addWidget(pic)
    lay.addWidget(cap)
    lay.addStretch(1)
    b.clicked.connect(lambda _=False: on_click())
    return b
