"""Live camera frames with face-quality verdicts for the face page, produced off the GUI thread.

A reader thread pulls frames from the camera driver, runs the camera package's face checks and
emits (QImage, reason codes, JPEG) through a queued signal; the page only paints what arrives.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from devices.errors import DeviceError

log = logging.getLogger(__name__)


class FaceFeed(QObject):
    frame = Signal(QImage, tuple, bytes)
    failed = Signal()

    def __init__(self, devices: Any, *, fps: float = 8.0) -> None:
        super().__init__()
        self.devices = devices
        self.interval_s = 1.0 / fps
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._checker: Any = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-face", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        import cv2

        from devices.camera.faces import FaceQualityChecker

        camera = self.devices.drivers.get("camera")
        if camera is None:
            self.failed.emit()
            return
        self._checker = self._checker or FaceQualityChecker()
        misses = 0
        while not self._stop.is_set():
            try:
                frame = camera.read_frame(timeout_s=2.0)
            except DeviceError as exc:
                misses += 1
                log.warning("face feed: %s", exc.code)
                if misses >= 3:
                    self.failed.emit()
                    return
                continue
            misses = 0
            check = self._checker.check(frame)
            rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
            h, w = rgb.shape[:2]
            img = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
            ok, buf = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 85])
            self.frame.emit(img, tuple(r.value for r in check.reasons), bytes(buf) if ok else b"")
            self._stop.wait(self.interval_s)
