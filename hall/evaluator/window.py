"""The evaluation pad's window: idle (clerk, window), five faces, reasons for low ratings, thanks.

Ratings are written to the offline outbox (offline_cache's terminal facade) on the Runner, so a
server that is away never loses one; events arrive through the EventBridge.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hall.client import HallClient
from hall.counter.theme import PAD_QSS
from hall.evaluator.pad import LEVELS, REASONS, PadState
from hall.qtkit.presence import Presence
from hall.qtkit.widgets import named, timer
from hall.qtkit.window import TerminalWindow

log = logging.getLogger(__name__)
FACE_COLOURS = {5: "#2e7d32", 4: "#5b9a3c", 3: "#c9a227", 2: "#d9822b", 1: "#c62828"}
THANKS_MS = 4000
PAGES = {"idle": 0, "rate": 1, "reasons": 2, "sending": 2, "thanks": 3}


def face_icon(level: int, size: int = 96) -> QIcon:
    """A plain drawn face: the mouth curves from a smile (5) to a frown (1)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(FACE_COLOURS[level])
    p.setBrush(colour)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QRectF(2, 2, size - 4, size - 4))
    p.setBrush(QColor("white"))
    for x in (0.34, 0.66):
        p.drawEllipse(QPointF(size * x, size * 0.38), size * 0.06, size * 0.07)
    pen = QPen(QColor("white"), size * 0.06)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    curve = (level - 3) * 0.09  # + smile, − frown
    path = QPainterPath(QPointF(size * 0.3, size * 0.66 - curve * size * 0.3))
    path.quadTo(QPointF(size * 0.5, size * (0.66 + curve)), QPointF(size * 0.7, size * 0.66 - curve * size * 0.3))
    p.drawPath(path)
    p.end()
    return QIcon(pix)


class EvaluatorWindow(TerminalWindow):
    def __init__(self, *, server_url: str, token: str, window: int, terminal: Any, clerk: str = "",
                 rating_timeout_s: int = 60) -> None:
        super().__init__(runner_name="pad-outbox", workers=1)
        self.setObjectName("padRoot")
        self.setStyleSheet(PAD_QSS)
        self.setWindowTitle(f"{window} 号窗口 — 服务评价")
        self.state = PadState(window=window, clerk=clerk)
        self.terminal = terminal
        self.client = HallClient(server_url, token, connect_timeout=1.0, read_timeout=3.0)
        self._server_url, self._token = server_url, token
        # Registered as the evaluation pad of its window and beating (a dead pad shows on the dashboard).
        self.presence = Presence(self, self.runner, self.client, terminal_id=f"evaluator-{window}", kind="evaluator",
                                 window=window, name=f"{window}号窗口评价器")
        self.receipts: list[Any] = []
        self.stack = QStackedWidget()
        for page in (self._idle_page(), self._rate_page(), self._reasons_page(), self._thanks_page()):
            self.stack.addWidget(page)
        QVBoxLayout(self).addWidget(self.stack)
        self._timeout = timer(self, interval_ms=rating_timeout_s * 1000, single_shot=True,
                              on_timeout=self._back_to_idle)
        self._thanks = timer(self, interval_ms=THANKS_MS, single_shot=True, on_timeout=self._back_to_idle)
        self.redraw()

    # -- pages -----------------------------------------------------------------------------------
    def _idle_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.idle_window = named(QLabel(f"{self.state.window} 号窗口"), "padTitle")
        self.idle_clerk = named(QLabel(""), "padClerk")
        hint = named(QLabel("办理结束后，请您对本次服务作出评价"), "padSub")
        for w in (self.idle_window, self.idle_clerk, hint):
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.insertStretch(0, 1)
        lay.addStretch(1)
        return page

    def _rate_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.rate_title = named(QLabel(""), "padTitle")
        lay.addWidget(self.rate_title, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(named(QLabel("请您为本次服务评价  Please rate our service"), "padSub"), 0,
                      Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        self.faces: dict[int, QPushButton] = {}
        for level, zh, _en in LEVELS:
            b = named(QPushButton(zh), f"face_{level}")
            b.setProperty("class", "face")
            b.setIcon(face_icon(level))
            b.setIconSize(QSize(96, 96))
            b.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            row.addWidget(b)
            self.faces[level] = b
        lay.addStretch(1)
        lay.addLayout(row)
        self.rate_error = named(QLabel(""), "padError")
        lay.addWidget(self.rate_error, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(1)
        return page

    def _reasons_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(named(QLabel("请选择不满意的原因（可多选）"), "padTitle"), 0, Qt.AlignmentFlag.AlignHCenter)
        grid = QGridLayout()
        self.reason_buttons: dict[str, QPushButton] = {}
        for i, (code, zh) in enumerate(REASONS):
            b = named(QPushButton(zh), f"reason_{code}")
            b.setProperty("class", "reason")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, c=code: self.toggle(c))
            grid.addWidget(b, i // 3, i % 3)
            self.reason_buttons[code] = b
        lay.addLayout(grid)
        self.phone_input = named(QLineEdit(), "padPhone")
        self.phone_input.setPlaceholderText("如需回访，请留下电话（选填）")
        self.phone_input.setMaxLength(20)
        self.phone_input.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.phone_input.textEdited.connect(self.state.set_phone)
        lay.addWidget(self.phone_input)
        self.reasons_error = named(QLabel(""), "padError")
        self.send_button = named(QPushButton("提交评价"), "padSend")
        self.send_button.clicked.connect(self.send)
        lay.addWidget(self.reasons_error, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(self.send_button)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        lay.addWidget(named(QLabel("感谢您的评价！"), "padTitle"), 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(named(QLabel("Thank you for your feedback"), "padSub"), 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(1)
        return page

    def redraw(self) -> None:
        st = self.state
        self.stack.setCurrentIndex(PAGES.get(st.mode, 0))
        self.idle_clerk.setText(f"柜员 {st.clerk} 为您服务" if st.clerk else "欢迎您")
        self.rate_title.setText(f"{st.number} 号，办理完毕" if st.number else "办理完毕")
        self.rate_error.setText(st.error if st.mode == "rate" else "")
        self.reasons_error.setText(st.error if st.mode in ("reasons", "sending") else "")
        for code, b in self.reason_buttons.items():
            b.setChecked(code in st.reasons)
        if self.phone_input.text() != st.phone:
            self.phone_input.setText(st.phone)  # cleared with the rating; filtered as typed
        self.send_button.setEnabled(st.mode == "reasons" and st.can_send())
        self.send_button.setText("正在提交…" if st.mode == "sending" else "提交评价")

    # -- inputs ----------------------------------------------------------------------------------
    def start(self) -> None:
        self.listen(self._server_url, self._token, name=f"pad-{self.state.window}")
        self.presence.start()

    def on_online(self, online: bool) -> None:
        if online:  # the clerk may have changed while we were away
            self.runner.op(self.client.windows).success(self._windows).run()

    def _windows(self, windows: list[Any]) -> None:
        mine = next((w for w in windows if w.number == self.state.window), None)
        if mine is not None and mine.clerk:
            self.state.clerk = mine.clerk
            self.redraw()

    def on_event(self, event: dict[str, Any]) -> None:
        if self.state.apply(event):
            if self.state.mode == "rate":
                self._thanks.stop()
                self._timeout.start()
            self.redraw()

    def choose(self, level: int) -> None:
        if self.state.choose(level):
            self.send()
        self.redraw()

    def toggle(self, reason: str) -> None:
        self.state.toggle(reason)
        self.redraw()

    def send(self) -> None:
        try:
            body = self.state.body()
        except ValueError:
            self.state.error = "请至少选择一个原因"
            self.redraw()
            return
        self.state.sending()
        self.redraw()
        self.runner.op(lambda: self.terminal.rate(body)).success(self._sent).failure(self._failed).run()

    def _sent(self, receipt: Any) -> None:
        self.receipts.append(receipt)
        self.state.sent()
        self._timeout.stop()
        self._thanks.start()
        self.redraw()

    def _failed(self, exc: BaseException) -> None:
        log.warning("rating not stored: %s", getattr(exc, "code", exc.__class__.__name__))
        self.state.failed("评价暂未保存，请再试一次")
        self.redraw()

    def _back_to_idle(self) -> None:
        self.state.idle()
        self.redraw()

    # -- lifecycle -------------------------------------------------------------------------------
    def release(self) -> None:
        self.presence.stop()
        self._timeout.stop()
        self._thanks.stop()
        self.client.close()
