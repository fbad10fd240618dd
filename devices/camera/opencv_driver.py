"""Driver ``opencv``: a camera through ``cv2.VideoCapture`` — index, device path, URL or video file.

Every blocking OpenCV call runs on the device's worker thread; the FFmpeg backend is also given
open/read timeouts so a dead network stream cannot hold the worker forever.
"""

from __future__ import annotations

import logging
import os
import re

import cv2
import numpy as np

from devices.camera._worker_camera import WorkerCamera
from devices.errors import DeviceConfigError, DeviceOffline

log = logging.getLogger(__name__)

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def parse_source(source: str) -> int | str:
    """``""``/``"0"`` → camera index; a path or URL stays a string. Raises DeviceConfigError."""
    text = source.strip()
    if text == "":
        return 0
    if text.isdigit():
        return int(text)
    if text.startswith("-"):
        raise DeviceConfigError(f"camera source {source!r}: expected an index like 0, a device path "
                                "like /dev/video0, a URL like rtsp://host/stream or a video file")
    if _URL.match(text) or text.startswith("/") or os.path.exists(text):
        return text
    raise DeviceConfigError(f"camera source {source!r} does not exist; expected an index like 0, "
                            "/dev/videoN, rtsp://… or a video file")


class OpenCvCamera(WorkerCamera):
    """A V4L2/USB/IP camera or a recording. Options come from ``[devices.camera]``."""

    driver_name = "opencv"

    def __init__(self, *, source: str = "", width: int = 1280, height: int = 720, fps: float = 15.0,
                 open_timeout_s: float = 5.0, read_timeout_s: float = 2.0, kind: str = "camera",
                 **_other_drivers_options: object) -> None:
        super().__init__(kind=kind, open_timeout_s=open_timeout_s)
        self.source = parse_source(source)
        self.width, self.height, self.fps = width, height, fps
        self.read_timeout_s = read_timeout_s
        self._capture: cv2.VideoCapture | None = None
        self._is_file = isinstance(self.source, str) and os.path.isfile(self.source)

    def _connect(self) -> None:
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self.open_timeout_s * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(self.read_timeout_s * 1000)]
        capture = cv2.VideoCapture(self.source, cv2.CAP_ANY, params)
        if not capture.isOpened():
            capture.release()
            raise DeviceOffline(f"camera source {self.source!r} could not be opened")
        if not self._is_file:
            # Ask; a camera that cannot do it picks its nearest mode, which is fine for a kiosk.
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            capture.set(cv2.CAP_PROP_FPS, self.fps)
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not one from seconds ago
        self._capture = capture

    def _grab(self) -> np.ndarray | None:
        assert self._capture is not None
        ok, image = self._capture.read()
        if not ok and self._is_file:
            # A recording loops, so a technician can test the kiosk with a video file.
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._capture.read()
        return image if ok else None

    def _disconnect(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
