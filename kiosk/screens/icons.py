"""Line icons painted with QPainter (no image files, no icon font): crisp at any size."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

Painter = Callable[[QPainter, float], None]


def _ticket(p: QPainter, s: float) -> None:
    path = QPainterPath()
    r = QRectF(0.18 * s, 0.3 * s, 0.64 * s, 0.4 * s)
    path.addRoundedRect(r, 0.05 * s, 0.05 * s)
    notch = QPainterPath()
    notch.addEllipse(QPointF(r.left(), r.center().y()), 0.06 * s, 0.06 * s)
    notch.addEllipse(QPointF(r.right(), r.center().y()), 0.06 * s, 0.06 * s)
    p.drawPath(path.subtracted(notch))
    pen = p.pen()
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(QPointF(0.62 * s, 0.34 * s), QPointF(0.62 * s, 0.66 * s))
    pen.setStyle(Qt.PenStyle.SolidLine)
    p.setPen(pen)
    p.drawLine(QPointF(0.28 * s, 0.44 * s), QPointF(0.52 * s, 0.44 * s))
    p.drawLine(QPointF(0.28 * s, 0.56 * s), QPointF(0.46 * s, 0.56 * s))


def _calendar(p: QPainter, s: float) -> None:
    p.drawRoundedRect(QRectF(0.22 * s, 0.27 * s, 0.56 * s, 0.5 * s), 0.05 * s, 0.05 * s)
    p.drawLine(QPointF(0.22 * s, 0.4 * s), QPointF(0.78 * s, 0.4 * s))
    p.drawLine(QPointF(0.36 * s, 0.2 * s), QPointF(0.36 * s, 0.32 * s))
    p.drawLine(QPointF(0.64 * s, 0.2 * s), QPointF(0.64 * s, 0.32 * s))
    p.drawPolyline(QPolygonF([QPointF(0.38 * s, 0.58 * s), QPointF(0.47 * s, 0.67 * s),
                              QPointF(0.63 * s, 0.5 * s)]))


def _document(p: QPainter, s: float) -> None:
    p.drawPolygon(QPolygonF([QPointF(0.27 * s, 0.2 * s), QPointF(0.6 * s, 0.2 * s), QPointF(0.73 * s, 0.33 * s),
                             QPointF(0.73 * s, 0.8 * s), QPointF(0.27 * s, 0.8 * s)]))
    p.drawPolyline(QPolygonF([QPointF(0.6 * s, 0.2 * s), QPointF(0.6 * s, 0.33 * s),
                              QPointF(0.73 * s, 0.33 * s)]))
    for y in (0.45, 0.57, 0.69):
        p.drawLine(QPointF(0.36 * s, y * s), QPointF(0.64 * s, y * s))


def _search(p: QPainter, s: float) -> None:
    p.drawEllipse(QPointF(0.45 * s, 0.45 * s), 0.2 * s, 0.2 * s)
    p.drawLine(QPointF(0.6 * s, 0.6 * s), QPointF(0.77 * s, 0.77 * s))


def _star(p: QPainter, s: float) -> None:
    pts = []
    for i in range(10):
        r = (0.32 if i % 2 == 0 else 0.14) * s
        a = math.radians(-90 + i * 36)
        pts.append(QPointF(0.5 * s + r * math.cos(a), 0.53 * s + r * math.sin(a)))
    p.drawPolygon(QPolygonF(pts))


def _bubble(p: QPainter, s: float) -> None:
    path = QPainterPath()
    path.addRoundedRect(QRectF(0.2 * s, 0.24 * s, 0.6 * s, 0.42 * s), 0.08 * s, 0.08 * s)
    tail = QPainterPath()
    tail.addPolygon(QPolygonF([QPointF(0.34 * s, 0.64 * s), QPointF(0.3 * s, 0.8 * s),
                               QPointF(0.48 * s, 0.64 * s)]))
    p.drawPath(path.united(tail))
    p.drawLine(QPointF(0.5 * s, 0.34 * s), QPointF(0.5 * s, 0.49 * s))
    p.drawPoint(QPointF(0.5 * s, 0.57 * s))


def _bell(p: QPainter, s: float) -> None:
    path = QPainterPath(QPointF(0.24 * s, 0.68 * s))
    path.cubicTo(QPointF(0.32 * s, 0.6 * s), QPointF(0.3 * s, 0.5 * s), QPointF(0.32 * s, 0.42 * s))
    path.cubicTo(QPointF(0.35 * s, 0.22 * s), QPointF(0.65 * s, 0.22 * s), QPointF(0.68 * s, 0.42 * s))
    path.cubicTo(QPointF(0.7 * s, 0.5 * s), QPointF(0.68 * s, 0.6 * s), QPointF(0.76 * s, 0.68 * s))
    path.closeSubpath()
    p.drawPath(path)
    p.drawArc(QRectF(0.42 * s, 0.66 * s, 0.16 * s, 0.14 * s), 180 * 16, 180 * 16)
    p.drawLine(QPointF(0.5 * s, 0.17 * s), QPointF(0.5 * s, 0.23 * s))


def _back(p: QPainter, s: float) -> None:
    p.drawPolyline(QPolygonF([QPointF(0.58 * s, 0.25 * s), QPointF(0.33 * s, 0.5 * s),
                              QPointF(0.58 * s, 0.75 * s)]))


def _home(p: QPainter, s: float) -> None:
    p.drawPolyline(QPolygonF([QPointF(0.2 * s, 0.5 * s), QPointF(0.5 * s, 0.22 * s), QPointF(0.8 * s, 0.5 * s)]))
    p.drawPolyline(QPolygonF([QPointF(0.3 * s, 0.42 * s), QPointF(0.3 * s, 0.78 * s), QPointF(0.7 * s, 0.78 * s),
                              QPointF(0.7 * s, 0.42 * s)]))


ICONS: dict[str, Painter] = {
    "ticket": _ticket, "calendar": _calendar, "document": _document, "search": _search,
    "star": _star, "bubble": _bubble, "bell": _bell, "back": _back, "home": _home,
}


@lru_cache(maxsize=128)
def icon_pixmap(name: str, size: int, *, fg: str, bg: str | None = None, ratio: float = 1.0) -> QPixmap:
    """The icon ``name`` as a square pixmap; ``bg`` paints a filled circle behind it. Cached: pages
    are rebuilt on every step and the same few icons recur (GUI thread only, like every QPixmap)."""
    px = QPixmap(round(size * ratio), round(size * ratio))
    px.setDevicePixelRatio(ratio)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if bg is not None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(bg))
        p.drawEllipse(QRectF(0, 0, size, size))
    pen = QPen(QColor(fg), max(2.0, size * 0.055))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    ICONS[name](p, float(size))
    p.end()
    return px
