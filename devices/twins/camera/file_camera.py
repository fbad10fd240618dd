"""Twin ``file``: frames from image or video files, looping, at the configured frame rate.

Same state rules as the ``opencv`` driver (it shares :class:`WorkerCamera`): closed until opened,
offline when the files are missing, reconnect once they come back.
"""

from __future__ import annotations

import glob
import os
import time
from pathlib import Path

import cv2
import numpy as np

from devices.camera._worker_camera import WorkerCamera
from devices.camera.protocol import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from devices.errors import DeviceOffline

SAMPLES_DIR = Path(__file__).with_name("samples")


def list_media(source: str | Path) -> list[Path]:
    """Image and video files named by ``source``: one file, a directory, or a glob pattern."""
    text = str(source)
    if os.path.isdir(text):
        candidates = sorted(Path(text).iterdir())
    elif any(ch in text for ch in "*?["):
        candidates = sorted(Path(p) for p in glob.glob(text))
    else:
        candidates = [Path(text)]
    return [p for p in candidates if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES]


class FileCamera(WorkerCamera):
    """Plays files as a camera would: ``source`` is a file, directory or glob; empty = bundled samples."""

    driver_name = "file"

    def __init__(self, *, source: str = "", fps: float = 15.0, width: int = 1280, height: int = 720,
                 open_timeout_s: float = 5.0, kind: str = "camera", default_dir: Path = SAMPLES_DIR,
                 **_other_drivers_options: object) -> None:
        super().__init__(kind=kind, open_timeout_s=open_timeout_s)
        self.source = source or str(default_dir)
        self.fps = fps
        self.width, self.height = width, height
        self._files: list[Path] = []
        self._position = 0
        self._video: cv2.VideoCapture | None = None
        self._images: dict[tuple[Path, int, int], np.ndarray] = {}
        self._next_at = 0.0

    def _connect(self) -> None:
        files = list_media(self.source)
        if not files:
            raise DeviceOffline(f"file camera: no image or video files at {self.source!r}")
        self._files, self._position, self._next_at = files, 0, 0.0

    def _grab(self) -> np.ndarray | None:
        self._pace()
        if self._position >= len(self._files) and self._video is None:
            # Each loop re-reads the folder: files dropped in (by a demo or a test) are shown next.
            self._files, self._position = list_media(self.source), 0
            if not self._files:
                return None
        for _ in range(len(self._files) + 1):
            path = self._files[self._position % len(self._files)]
            image = self._from_video(path) if path.suffix.lower() in VIDEO_SUFFIXES else self._from_image(path)
            if image is not None:
                return image
        return None

    def _pace(self) -> None:
        # A real camera hands out frames at its rate; so does the twin, so timing bugs show up here.
        now = time.monotonic()
        if self._next_at > now:
            time.sleep(self._next_at - now)
        self._next_at = max(now, self._next_at) + 1.0 / self.fps

    def _from_image(self, path: Path) -> np.ndarray | None:
        self._position += 1
        try:
            stat = path.stat()
        except OSError:  # removed since the folder was listed
            return None
        key = (path, stat.st_mtime_ns, stat.st_size)  # a replaced file is read again
        image = self._images.get(key)
        if image is None:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                return None
            if len(self._images) > 64:
                self._images.clear()
            self._images[key] = image
        return image.copy()

    def _from_video(self, path: Path) -> np.ndarray | None:
        if self._video is None:
            self._video = cv2.VideoCapture(str(path))
        ok, image = self._video.read()
        if ok:
            return image
        self._video.release()
        self._video = None
        self._position += 1
        return None

    def _disconnect(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None
        self._images.clear()
