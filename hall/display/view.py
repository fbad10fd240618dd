"""The calling display's picture, painted to scale: readable from 10 m at 1080p and 4K, both ways up.

Everything is laid out in units of a 1920×1080 design (1080×1920 in portrait) and scaled to the
screen, so a 4K screen gets the same picture twice as sharp. Calm colours: deep blue ground,
white type, one warm accent for the newest call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from hall.display.board import Board, CallEntry, notice_runs

FONT = "Noto Sans CJK SC"
BG = QColor("#0b2447")
PANEL = QColor("#12305c")
ROW = QColor("#173a6b")
ACCENT = QColor("#f4c95d")
ACCENT_BG = QColor("#24528f")
TEXT = QColor("#ffffff")
MUTED = QColor("#a9bcd8")
LINE = QColor("#2c4f80")
BANNER_BG = QColor("#5c4a1e")
WEEKDAYS = "一二三四五六日"
NOTICE_GAP = 160.0  # design pixels between two copies of the scrolling notice


class BoardView(QWidget):
    """Paints a :class:`Board`; ``tick()`` (from a timer) advances the blink and the notice."""

    def __init__(self, board: Board, *, hall_zh: str, hall_en: str, notice: str, english: bool,
                 portrait: bool, timezone: str = "Asia/Shanghai",
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.board, self.hall_zh, self.hall_en = board, hall_zh, hall_en
        self.notice, self.english, self.portrait = notice, english, portrait
        self._tz = ZoneInfo(timezone)
        self._clock = clock
        self.notice_offset = 0.0
        self.media: Any = None  # hall.display.media_area.MediaArea: 信息发布 in place of the recent calls
        self.blink_on = True
        self.setObjectName("board")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def tick(self, step_s: float) -> None:
        self.notice_offset += 90.0 * step_s  # design pixels per second: calm, readable
        self.blink_on = (not self.board.blinking(self._clock())) or int(self._clock() * 2) % 2 == 0
        self.update()

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = self.width(), self.height()
        dw, dh = (1080.0, 1920.0) if self.portrait else (1920.0, 1080.0)
        scale = min(w / dw, h / dh)
        p.fillRect(self.rect(), BG)
        p.translate((w - dw * scale) / 2, (h - dh * scale) / 2)
        p.scale(scale, scale)
        self._paint(p, dw, dh)
        p.end()

    def _paint(self, p: QPainter, dw: float, dh: float) -> None:
        top = self._header(p, dw)
        if not self.board.online:
            _text(p, QRectF(0, top, dw, 46), "正在连接服务器…  叫号信息可能不是最新  Reconnecting to the server",
                  22, MUTED, bg=BANNER_BG)
            top += 46
        notice_h = 78.0
        ready_h = 76.0
        body = QRectF(40, top + 24, dw - 80, dh - top - notice_h - ready_h - 48)
        if self.portrait:
            calls = QRectF(body.x(), body.y(), body.width(), body.height() * 0.56)
            lower = QRectF(body.x(), calls.bottom() + 24, body.width(), body.bottom() - calls.bottom() - 24)
            self._calls(p, calls)
            half = (lower.width() - 24) / 2
            self._waiting(p, QRectF(lower.x(), lower.y(), half, lower.height()))
            self._history_or_media(p, QRectF(lower.x() + half + 24, lower.y(), half, lower.height()), columns=1)
        else:
            left_w = body.width() * 0.60
            self._calls(p, QRectF(body.x(), body.y(), left_w, body.height()))
            right = QRectF(body.x() + left_w + 32, body.y(), body.width() - left_w - 32, body.height())
            wait_h = right.height() * 0.52
            self._waiting(p, QRectF(right.x(), right.y(), right.width(), wait_h))
            self._history_or_media(p, QRectF(right.x(), right.y() + wait_h + 24, right.width(),
                                             right.height() - wait_h - 24), columns=2)
        self._ready(p, QRectF(40, dh - notice_h - ready_h - 12, dw - 80, ready_h))
        self._notice(p, QRectF(0, dh - notice_h, dw, notice_h))

    def _history_or_media(self, p: QPainter, r: QRectF, *, columns: int) -> None:
        if self.media is None:
            self._history(p, r, columns=columns)
            return
        p.fillRect(r, PANEL)
        image = self.media.image
        if image is None or image.isNull():
            _text(p, r, "信息发布", 30, MUTED)
            return
        size = image.size().scaled(int(r.width()), int(r.height()), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(r.x() + (r.width() - size.width()) / 2, r.y() + (r.height() - size.height()) / 2,
                        size.width(), size.height())
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, image)

    def _ready(self, p: QPainter, r: QRectF) -> None:
        """请…准备: the next numbers, so nobody is surprised by their call."""
        p.fillRect(r, PANEL)
        text = self.board.ready_text()
        if not text:
            return
        _text(p, QRectF(r.x() + 28, r.y(), r.width() * 0.78, r.height()), text, 40, ACCENT, bold=True, align=_LEFT)
        _text(p, QRectF(r.x() + r.width() * 0.78, r.y(), r.width() * 0.22 - 28, r.height()), "Please get ready", 22,
              MUTED, align=_RIGHT)

    def _header(self, p: QPainter, dw: float) -> float:
        h = 120.0
        p.fillRect(QRectF(0, 0, dw, h), PANEL)
        _text(p, QRectF(40, 14, dw * 0.68, 60), self.hall_zh, 46, TEXT, bold=True, align=_LEFT)
        _text(p, QRectF(40, 74, dw * 0.68, 34), self.hall_en, 20, MUTED, align=_LEFT)
        now = datetime.now(self._tz)
        _text(p, QRectF(dw - 400, 10, 360, 64), now.strftime("%H:%M:%S"), 50, TEXT, bold=True, align=_RIGHT)
        date = f"{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}"
        _text(p, QRectF(dw - 520, 74, 480, 34), date, 22, MUTED, align=_RIGHT)
        return h

    def _calls(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, PANEL)
        _text(p, QRectF(r.x() + 28, r.y() + 8, r.width() - 56, 56), "正在呼叫", 32, MUTED, bold=True, align=_LEFT)
        _text(p, QRectF(r.x() + 28, r.y() + 8, r.width() - 56, 56), "Now calling", 22, MUTED, align=_RIGHT)
        rows = max(1, self.board.latest_size)
        area = QRectF(r.x() + 16, r.y() + 72, r.width() - 32, r.height() - 88)
        row_h = area.height() / rows
        if not self.board.latest:
            _text(p, area, "请留意叫号", 48, MUTED)
        for i, entry in enumerate(self.board.latest[:rows]):
            row = QRectF(area.x(), area.y() + i * row_h + 6, area.width(), row_h - 12)
            self._call_row(p, row, entry, newest=(i == 0))

    def _call_row(self, p: QPainter, row: QRectF, e: CallEntry, *, newest: bool) -> None:
        lit = newest and self.blink_on
        p.fillRect(row, ACCENT_BG if newest else ROW)
        if newest:
            p.fillRect(QRectF(row.x(), row.y(), 10, row.height()), ACCENT)
        english = self.english and row.height() > 120
        main_h = row.height() * (0.74 if english else 1.0)
        size = min(main_h * 0.62, 150.0)
        colour = ACCENT if lit else (TEXT if not newest else QColor("#fbe7b5"))
        num = QRectF(row.x() + 40, row.y(), row.width() * 0.42, main_h)
        _text(p, num, e.number, size, colour, bold=True, align=_LEFT)
        if e.name:
            _text(p, QRectF(num.x(), row.y() + main_h - size * 0.4, num.width(), size * 0.4), e.name,
                  size * 0.25, MUTED, align=_LEFT)
        _text(p, QRectF(row.x() + row.width() * 0.42, row.y(), row.width() * 0.12, main_h), "→", size * 0.6, MUTED)
        win = QRectF(row.x() + row.width() * 0.54, row.y(), row.width() * 0.46 - 32, main_h)
        _text(p, win, f"{e.window} 号窗口", size * 0.72, colour, bold=True, align=_RIGHT)
        if english:
            line = f"{'Again: ' if e.recall else ''}Number {e.number}, please go to window {e.window}"
            _text(p, QRectF(row.x() + 40, row.y() + main_h - 8, row.width() - 72, row.height() - main_h),
                  line, min(28.0, row.height() * 0.14), MUTED, align=_LEFT)

    def _waiting(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, PANEL)
        _text(p, QRectF(r.x() + 24, r.y() + 8, r.width() - 48, 52), "等候人数", 30, MUTED, bold=True, align=_LEFT)
        _text(p, QRectF(r.x() + 24, r.y() + 8, r.width() - 48, 52), "Waiting", 20, MUTED, align=_RIGHT)
        lines = self.board.category_lines()
        if not lines:
            return
        area = QRectF(r.x() + 24, r.y() + 66, r.width() - 48, r.height() - 78)
        row_h = min(area.height() / len(lines), 64.0)
        for i, line in enumerate(lines):
            y = area.y() + i * row_h
            if i:
                p.fillRect(QRectF(area.x(), y, area.width(), 1.5), LINE)
            _text(p, QRectF(area.x(), y, area.width() * 0.75, row_h), f"{line.code}  {line.name}", row_h * 0.5,
                  TEXT, align=_LEFT)
            _text(p, QRectF(area.x() + area.width() * 0.7, y, area.width() * 0.3, row_h), f"{line.waiting} 人",
                  row_h * 0.55, ACCENT if line.waiting else TEXT, bold=True, align=_RIGHT)

    def _history(self, p: QPainter, r: QRectF, *, columns: int) -> None:
        p.fillRect(r, PANEL)
        _text(p, QRectF(r.x() + 24, r.y() + 8, r.width() - 48, 52), "历史叫号", 30, MUTED, bold=True, align=_LEFT)
        _text(p, QRectF(r.x() + 24, r.y() + 8, r.width() - 48, 52), "Recent calls", 20, MUTED, align=_RIGHT)
        items = self.board.history
        area = QRectF(r.x() + 24, r.y() + 66, r.width() - 48, r.height() - 78)
        per_col = max(1, (self.board.history_size + columns - 1) // columns)
        row_h = min(area.height() / per_col, 60.0)
        col_w = area.width() / columns
        for i, e in enumerate(items):
            col, idx = divmod(i, per_col)
            if col >= columns or (idx + 1) * row_h > area.height() + 1:
                continue
            cell = QRectF(area.x() + col * col_w, area.y() + idx * row_h, col_w - 16, row_h)
            _text(p, cell, e.number, row_h * 0.55, TEXT, bold=True, align=_LEFT)
            _text(p, cell, f"{e.window} 号窗口", row_h * 0.45, MUTED, align=_RIGHT)

    def _notice(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, PANEL)
        if not self.notice:
            return
        font = _font(32)
        width = QFontMetricsF(font).horizontalAdvance(self.notice)
        p.save()
        p.setClipRect(r)
        # One copy follows another NOTICE_GAP apart: the band is never empty (no 10-second hole per lap).
        for x in notice_runs(self.notice_offset, text_w=width, band_w=r.width(), gap=NOTICE_GAP):
            _text(p, QRectF(r.x() + x, r.y(), width + 4, r.height()), self.notice, 32, TEXT, align=_LEFT, elide=False)
        p.restore()


_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


def _font(px: float, *, bold: bool = False) -> QFont:
    font = QFont(FONT)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


def _text(p: QPainter, r: QRectF, text: str, px: float, colour: QColor, *, bold: bool = False,
          align: Qt.AlignmentFlag = _CENTER, bg: QColor | None = None, elide: bool = True) -> None:
    if bg is not None:
        p.fillRect(r, bg)
    font = _font(px, bold=bold)
    p.setFont(font)
    p.setPen(colour)
    if elide:
        text = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, r.width())
    p.drawText(r, int(align), text)
