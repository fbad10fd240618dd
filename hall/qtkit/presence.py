"""A counter, calling display or evaluation pad is present on the dashboard: it registers as a terminal
of its kind (and window) and sends a heartbeat every 30 s; after 90 s without one the server shows it
offline, and a window whose counter stopped beating shows 离线 (issue 15, item 4)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from hall.qtkit.ops import Runner

log = logging.getLogger(__name__)
BEAT_MS = 30_000


class Presence(QObject):
    """``Presence(parent, runner, client, terminal_id=…, kind=…)``, then :meth:`start`; the calls run on
    the runner (never the GUI thread); a failed beat is logged and the next one tries again."""

    def __init__(self, parent: QObject, runner: Runner, client: Any, *, terminal_id: str, kind: str,
                 window: int | None = None, name: str = "",
                 devices: Callable[[], list[dict[str, Any]]] = list) -> None:
        super().__init__(parent)
        self._runner, self._client = runner, client
        self.terminal_id, self.kind, self.window, self.name = terminal_id, kind, window, name
        self._devices = devices
        self.registered = False
        self.beats = 0
        self._timer = QTimer(self)
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self.beat)

    def start(self) -> None:
        self._timer.start()
        self.beat()

    def stop(self) -> None:
        self._timer.stop()

    def beat(self) -> None:
        devices = self._devices()
        self._runner.op(lambda: self._send(devices)).success(self._sent).failure(self._failed).run()

    def _send(self, devices: list[dict[str, Any]]) -> bool:
        if not self.registered:
            self._client.register_terminal(self.terminal_id, kind=self.kind, window=self.window, name=self.name)
            self.registered = True
        self._client.heartbeat(self.terminal_id, devices=devices)
        return True

    def _sent(self, _ok: bool) -> None:
        self.beats += 1

    def _failed(self, exc: BaseException) -> None:
        log.warning("%s heartbeat failed: %s", self.kind, exc.__class__.__name__)
