"""State every scanner shares: its worker thread, status, debounce and event delivery."""

from __future__ import annotations

import threading
from collections.abc import Callable

from devices.code_scanner.debounce import Debouncer
from devices.code_scanner.protocol import CODE_SCANNED, ScannedCode
from devices.status import DeviceStatus, Health
from devices.worker import DeviceEvent, DeviceWorker

KIND = "code_scanner"


class ScannerBase:
    """Subclasses call :meth:`_deliver` (on the worker thread) for every code they read."""

    driver_name = "scanner"

    def __init__(self, *, debounce_s: float = 2.0, poll_interval_s: float | None = None) -> None:
        poll = self._poll if poll_interval_s is not None else None
        self._worker = DeviceWorker(f"{KIND}-{self.driver_name}", poll=poll,
                                    poll_interval_s=poll_interval_s or 0.2)
        self._debouncer = Debouncer(debounce_s)
        self._lock = threading.Lock()
        self._status = DeviceStatus(KIND, self.driver_name, Health.OFFLINE, "device.scanner.closed",
                                    "扫码器未打开", "scanner not opened")

    def _poll(self) -> None:
        """One idle step of a polling scanner (read the port, grab a frame)."""

    def status(self) -> DeviceStatus:
        return self._status

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    def _deliver(self, code: ScannedCode) -> bool:
        """Emit ``code_scanned`` unless debounced; True if it was emitted."""
        if not self._debouncer.accept(code):
            return False
        self._worker.emit(DeviceEvent(KIND, CODE_SCANNED, code))
        return True

    def _set_status(self, health: Health, code: str, zh: str, en: str) -> None:
        with self._lock:
            changed = (health, code) != (self._status.health, self._status.code)
            self._status = DeviceStatus(KIND, self.driver_name, health, code, zh, en)
        if changed:
            self._worker.emit(DeviceEvent(KIND, "status_changed", self._status))

    def _set_ok(self) -> None:
        self._set_status(Health.OK, "ok", "正常", "OK")

    def _set_closed(self) -> None:
        self._set_status(Health.OFFLINE, "device.scanner.closed", "扫码器未打开", "scanner not opened")
