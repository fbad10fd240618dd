"""State shared by the doc-camera driver and its twin: a frame source plus the page pipeline.

The frame source is a camera of the ``camera`` kind (same reconnect and timeout rules); the
pipeline runs on the doc camera's own worker so a 100 ms correction never blocks the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from devices.camera._worker_camera import WorkerCamera
from devices.doc_camera.pipeline import process
from devices.doc_camera.protocol import Page
from devices.errors import DeviceTimeout
from devices.status import DeviceStatus
from devices.worker import DeviceEvent, DeviceWorker


class DocCameraBase:
    driver_name = "doc_camera"

    def __init__(self, *, camera: WorkerCamera, max_page_kb: int = 500, enhance: bool = True) -> None:
        self.camera = camera
        self.max_page_kb, self.enhance = max_page_kb, enhance
        self._worker = DeviceWorker(f"doc_camera-{self.driver_name}-pipeline")

    def open(self) -> None:
        """Raises DeviceOffline / DeviceTimeout from the camera; later captures keep retrying."""
        self.camera.open()

    def close(self) -> None:
        self.camera.close()
        self._worker.stop()

    def status(self) -> DeviceStatus:
        return self.camera.status()

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self.camera.subscribe(listener)

    def submit_capture(self, *, frame_timeout_s: float = 5.0) -> Future[Page]:
        """Start a capture; the Future gets the Page or the typed error (for UI callbacks)."""
        return self._worker.submit(lambda: self._capture(frame_timeout_s))

    def capture_page(self, *, timeout_s: float = 5.0) -> Page:
        """Capture and correct one page. Raises DeviceOffline, DeviceTimeout or CameraError."""
        future = self.submit_capture(frame_timeout_s=timeout_s)
        try:
            return future.result(timeout=timeout_s + 5.0)  # frame wait + pipeline time
        except FutureTimeout as exc:
            raise DeviceTimeout("doc camera: the page was not ready in time") from exc

    def _capture(self, frame_timeout_s: float) -> Page:
        frame = self.camera.read_frame(timeout_s=frame_timeout_s)
        return process(frame.image, max_bytes=self.max_page_kb * 1024, do_enhance=self.enhance)
