"""Driver ``camera``: decodes QR, Code 128 and PDF417 from a camera's frames.

Frames come from any :class:`devices.camera.protocol.Camera` (default: an ``opencv`` camera on
``source``; the camera kind's ``file`` driver, found through the registry, when ``source`` names
images). Decoding runs on the scanner's own worker; repeated reads of one code are debounced.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from devices import registry
from devices.camera.opencv_driver import OpenCvCamera
from devices.camera.protocol import IMAGE_SUFFIXES, Camera
from devices.code_scanner._base import ScannerBase
from devices.code_scanner.decoding import Decoder
from devices.code_scanner.protocol import ScannedCode
from devices.errors import DeviceError
from devices.status import Health

log = logging.getLogger(__name__)


def _camera_for(source: str) -> Camera:
    path = Path(source)
    if source and (path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES or any(c in source for c in "*?[")):
        # Images are played by the camera kind's file twin; the registry keeps this package free of twin imports.
        camera: Camera = registry.resolve("camera", "file")(source=source, kind="code_scanner")
        return camera
    return OpenCvCamera(source=source, kind="code_scanner")


class CameraCodeScanner(ScannerBase):
    """Options: ``source`` (camera index, path, URL, video or images), ``backend``, ``debounce_s``."""

    driver_name = "camera"

    def __init__(self, *, source: str = "", backend: str = "zxing", debounce_s: float = 2.0,
                 camera: Camera | None = None, frame_timeout_s: float = 2.0,
                 **_other_drivers_options: object) -> None:
        self.decoder = Decoder(backend=backend)
        super().__init__(debounce_s=debounce_s, poll_interval_s=0.001)
        self.camera = camera if camera is not None else _camera_for(source)
        self.frame_timeout_s = frame_timeout_s
        self._running = False

    def open(self) -> None:
        """Open the camera and start decoding. Raises DeviceOffline / DeviceTimeout from the camera."""
        self.camera.open()
        self._running = True
        self._worker.start()
        self._set_ok()

    def close(self) -> None:
        self._running = False
        self._worker.stop()
        self.camera.close()
        self._set_closed()

    def _poll(self) -> None:
        if not self._running:
            return
        try:
            frame = self.camera.read_frame(timeout_s=self.frame_timeout_s)
        except DeviceError as exc:
            self._set_status(Health.DEGRADED if exc.code == "device.camera.no_frame" else Health.OFFLINE,
                             exc.code, "扫码摄像头异常", f"scanner camera: {exc.code}")
            return
        if self._status.health is not Health.OK:
            self._set_ok()
        for code in self.scan(frame.image):
            self._deliver(code)

    def scan(self, image: np.ndarray) -> list[ScannedCode]:
        """Decode one image with this scanner's backend (no debounce, no events)."""
        return self.decoder.decode(image)
