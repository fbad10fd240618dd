"""The calling display's window: server events in, the board painted, each call announced.

The events socket and HTTP stay off the GUI thread (events client thread, Runner pool); the voice
device has its own worker. This window only applies events to the board and repaints.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QVBoxLayout

from devices.errors import DeviceError
from devices.status import DeviceStatus, Health
from devices.voice.protocol import Voice
from hall.client import HallClient, HallError
from hall.display.announcer import Announcer, Job
from hall.display.board import Board
from hall.display.media_area import MediaArea
from hall.display.view import BoardView
from hall.qtkit.presence import Presence
from hall.qtkit.window import TerminalWindow

log = logging.getLogger(__name__)
TICK_MS = 40


class DisplayWindow(TerminalWindow):
    """``DisplayWindow(...)``, then ``start()``; ``shutdown()`` (or closing) stops every thread it began."""

    def __init__(self, *, server_url: str, token: str, voice: Voice | None, hall_zh: str, hall_en: str,
                 notice: str, english: bool, portrait: bool, repeat: int = 2, latest: int = 4, history: int = 10,
                 blink_s: float = 6.0, show_names: bool = False, timezone: str = "Asia/Shanghai",
                 terminal_id: str = "display", media_dir: Path | None = None,
                 media_image_s: float = 10.0, voice_fault: str | None = None) -> None:
        super().__init__(runner_name="display-http")
        self.setWindowTitle(f"叫号屏 — {hall_zh}")
        self.board = Board(latest_size=latest, history_size=history, blink_s=blink_s, show_names=show_names)
        self.view = BoardView(self.board, hall_zh=hall_zh, hall_en=hall_en, notice=notice, english=english,
                              portrait=portrait, timezone=timezone)
        self.media: MediaArea | None = None
        if media_dir is not None:
            self.media = MediaArea(media_dir, image_s=media_image_s, changed=self.view.update)
            self.view.media = self.media
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.client = HallClient(server_url, token, connect_timeout=1.0, read_timeout=3.0)
        self._server_url, self._token = server_url, token
        self.voice = voice
        self.voice_fault = voice_fault  # the code of a voice device that would not open (a silent hall)
        self.announced: list[Job] = []
        self.announcer = Announcer(voice, repeat=repeat, on_done=self._announced) if voice is not None else None
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.view.tick(TICK_MS / 1000))
        # Registered as a display and beating: a dead display shows on the dashboard's terminal panel.
        self.presence = Presence(self, self.runner, self.client, terminal_id=terminal_id, kind="display",
                                 name=f"叫号屏 {terminal_id}", devices=self._devices)

    def _devices(self) -> list[dict[str, Any]]:
        """The speaker's status for the heartbeat: a silent hall shows 扬声器故障 on the dashboard."""
        if self.voice is None:
            if self.voice_fault is None:
                return []  # no speaker configured: nothing to report
            return [DeviceStatus("voice", "-", Health.OFFLINE, self.voice_fault, "扬声器无法使用",
                                 "speaker unavailable").heartbeat_row()]
        try:
            return [self.voice.status().heartbeat_row()]
        except DeviceError as exc:
            return [DeviceStatus("voice", "-", Health.OFFLINE, exc.code, "扬声器故障", "speaker fault").heartbeat_row()]

    def start(self) -> None:
        self._timer.start(TICK_MS)
        self.presence.start()
        if self.media is not None:
            self.media.start()
        self.listen(self._server_url, self._token, name="display")
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
        if event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)

    def release(self) -> None:
        self._timer.stop()
        self.presence.stop()
        if self.media is not None:
            self.media.stop()
        self.client.close()
        if self.voice is not None:
            self.voice.close()
