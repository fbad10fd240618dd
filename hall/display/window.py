"""The calling display's window: server events in, the board painted, each call announced.

The events socket and HTTP stay off the GUI thread (events client thread, Runner pool); the voice
device has its own worker. This window only applies events to the board and repaints.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from devices.voice.protocol import Voice
from hall.client import HallClient, HallError
from hall.client.events import EventsClient
from hall.display.announcer import Announcer, Job
from hall.display.board import Board
from hall.display.qtbridge import EventBridge, Runner
from hall.display.view import BoardView

log = logging.getLogger(__name__)
TICK_MS = 40


class DisplayWindow(QWidget):
    """``DisplayWindow(...)``, then ``start()``; ``shutdown()`` (or closing) stops every thread it began."""

    def __init__(self, *, server_url: str, token: str, voice: Voice | None, hall_zh: str, hall_en: str,
                 notice: str, english: bool, portrait: bool, repeat: int = 2, latest: int = 4, history: int = 10,
                 blink_s: float = 6.0, show_names: bool = False, timezone: str = "Asia/Shanghai") -> None:
        super().__init__()
        self.setWindowTitle(f"叫号屏 — {hall_zh}")
        self.board = Board(latest_size=latest, history_size=history, blink_s=blink_s, show_names=show_names)
        self.view = BoardView(self.board, hall_zh=hall_zh, hall_en=hall_en, notice=notice, english=english,
                              portrait=portrait, timezone=timezone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.client = HallClient(server_url, token, connect_timeout=1.0, read_timeout=3.0)
        self.runner = Runner(name="display-http")
        self.bridge = EventBridge()
        self.bridge.received.connect(self.on_event)
        self.bridge.online.connect(self.on_online)
        self.events = EventsClient(server_url, token, on_event=self.bridge.on_event,
                                   on_state=self.bridge.on_state, name="display")
        self.voice = voice
        self.announced: list[Job] = []
        self.announcer = Announcer(voice, repeat=repeat, on_done=self._announced) if voice is not None else None
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.view.tick(TICK_MS / 1000))
        self._closed = False

    def start(self) -> None:
        self._timer.start(TICK_MS)
        self.events.start()
        self.refresh()

    def refresh(self) -> None:
        """Categories and their waiting counts (at start and after every reconnect)."""
        self.runner.op(self.client.categories).success(self._categories).failure(self._refresh_failed).run()

    def _categories(self, rows: list[Any]) -> None:
        self.board.set_categories([c.model_dump() for c in rows])
        self.view.update()

    def _refresh_failed(self, exc: BaseException) -> None:
        # The banner already says the server is away; the events client keeps trying.
        code = exc.code if isinstance(exc, HallError) else exc.__class__.__name__
        log.info("display: categories not loaded (%s)", code)

    def on_event(self, event: dict[str, Any]) -> None:
        for entry in self.board.apply(event, now=time.monotonic()):
            if self.announcer is not None:
                self.announcer.push(entry)
        self.view.update()

    def on_online(self, online: bool) -> None:
        self.board.online = online
        if online:
            self.refresh()
        self.view.update()

    def _announced(self, job: Job, _result: Any, exc: BaseException | None) -> None:
        if exc is None:
            self.announced.append(job)  # voice thread; list.append is atomic and tests read it

    # -- lifecycle -------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self.events.stop()
        self.runner.shutdown()
        self.client.close()
        if self.voice is not None:
            self.voice.close()
