"""Shared state rules of every camera driver and its twin: worker thread, status, reconnect.

Subclasses only say how to connect, grab one image and release; this class keeps the rules the
real driver and the twin must share (open/closed, timeouts, offline → backoff → reconnect) in one
place so the twin cannot drift from the driver.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

import cv2
import numpy as np

from devices.camera.protocol import Frame
from devices.errors import CameraError, DeviceError, DeviceOffline, DeviceTimeout
from devices.status import DeviceStatus, Health
from devices.worker import Backoff, DeviceEvent, DeviceWorker

log = logging.getLogger(__name__)
T = TypeVar("T")

# Grabs that fail in a row before the camera is called gone and reopened.
_FAILURES_BEFORE_RECONNECT = 3


class WorkerCamera:
    """Base of OpenCvCamera and FileCamera (and the doc camera's frame source)."""

    driver_name = "camera"

    def __init__(self, *, kind: str = "camera", open_timeout_s: float = 5.0,
                 backoff: Backoff | None = None) -> None:
        self.kind = kind
        self.open_timeout_s = open_timeout_s
        self._worker = DeviceWorker(f"{kind}-{self.driver_name}", poll=self._poll, poll_interval_s=0.5)
        self._backoff = backoff or Backoff(initial_s=0.5, cap_s=10.0)
        self._lock = threading.Lock()
        self._wanted_open = False
        self._connected = False
        self._retry_at = 0.0
        self._failures = 0
        self._index = 0
        self._status = self._make_status(Health.OFFLINE, "device.camera.closed", "摄像头未打开",
                                         "camera not opened")

    # -- what subclasses provide (called on the worker thread only) -----------------------------
    def _connect(self) -> None:
        """Open the source; raise DeviceOffline when it is not there."""
        raise NotImplementedError

    def _grab(self) -> np.ndarray | None:
        """Return the next BGR image, or None when the source gave nothing this time."""
        raise NotImplementedError

    def _disconnect(self) -> None:
        raise NotImplementedError

    # -- public API ------------------------------------------------------------------------------
    def open(self) -> None:
        """Connect now. Raises DeviceOffline (later reads keep retrying with backoff) or DeviceTimeout."""
        self._wanted_open = True
        self._call(self._ensure_connected, timeout_s=self.open_timeout_s)

    def close(self) -> None:
        self._wanted_open = False
        if self._worker.running:
            try:
                self._call(self._release, timeout_s=self.open_timeout_s)
            except DeviceError:
                log.warning("%s: release did not finish in time", self.kind)
            self._worker.stop()
        self._set_status(Health.OFFLINE, "device.camera.closed", "摄像头未打开", "camera not opened")

    def read_frame(self, *, timeout_s: float = 2.0) -> Frame:
        """The next frame. Raises DeviceOffline, DeviceTimeout or CameraError (see Camera)."""
        if not self._wanted_open:
            raise DeviceOffline(f"{self.kind} is not open", code="device.camera.closed")
        return self._call(self._read_job, timeout_s=timeout_s)

    def status(self) -> DeviceStatus:
        return self._status

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    def __enter__(self) -> WorkerCamera:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- worker-side jobs ------------------------------------------------------------------------
    def _call(self, job: Callable[[], T], *, timeout_s: float) -> T:
        future = self._worker.submit(job)
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout as exc:
            raise DeviceTimeout(f"{self.kind}: no answer within {timeout_s:.1f} s") from exc

    def _ensure_connected(self) -> None:
        if self._connected:
            return
        now = time.monotonic()
        if now < self._retry_at:
            raise DeviceOffline(f"{self.kind}: offline, next reconnect in {self._retry_at - now:.1f} s")
        try:
            self._connect()
        except DeviceError as exc:
            self._retry_at = time.monotonic() + self._backoff.next_delay()
            self._set_status(Health.OFFLINE, exc.code, "摄像头无法连接", f"camera unavailable: {exc}")
            raise
        except Exception as exc:  # translate whatever a backend throws at the one choke point
            self._retry_at = time.monotonic() + self._backoff.next_delay()
            self._set_status(Health.OFFLINE, "device.offline", "摄像头无法连接", "camera unavailable")
            raise DeviceOffline(f"{self.kind}: {exc.__class__.__name__}: {exc}") from exc
        self._connected = True
        self._failures = 0
        self._set_status(Health.OK, "ok", "正常", "OK")

    def _read_job(self) -> Frame:
        self._ensure_connected()
        try:
            image = self._grab()
        except DeviceError:
            raise
        except (cv2.error, OSError, ValueError) as exc:  # a backend error mid-stream is a failed grab
            log.warning("%s: grab failed: %s", self.kind, exc.__class__.__name__)
            image = None
        if image is None or image.size == 0:
            self._failures += 1
            if self._failures >= _FAILURES_BEFORE_RECONNECT:
                self._release()
                self._retry_at = time.monotonic() + self._backoff.next_delay()
                self._set_status(Health.OFFLINE, "device.offline", "摄像头已断开", "camera lost; reconnecting")
                raise DeviceOffline(f"{self.kind}: stream lost, reconnecting")
            self._set_status(Health.DEGRADED, "device.camera.no_frame", "摄像头画面异常", "camera gave no frame")
            raise CameraError(f"{self.kind}: the camera gave no frame", code="device.camera.no_frame")
        if image.ndim == 2:
            image = np.dstack([image] * 3)
        self._failures = 0
        self._backoff.reset()
        if self._status.health is not Health.OK:
            self._set_status(Health.OK, "ok", "正常", "OK")
        self._index += 1
        return Frame(image=image, timestamp=time.time(), index=self._index)

    def _release(self) -> None:
        if self._connected:
            self._connected = False
            try:
                self._disconnect()
            except Exception:  # releasing a vanished device may fail; it is gone either way
                log.warning("%s: release failed", self.kind, exc_info=True)

    def _poll(self) -> None:
        # Reconnect in the background so the status turns ok again without anyone reading.
        if self._wanted_open and not self._connected and time.monotonic() >= self._retry_at:
            try:
                self._ensure_connected()
            except DeviceError:
                pass

    # -- status ----------------------------------------------------------------------------------
    def _make_status(self, health: Health, code: str, zh: str, en: str) -> DeviceStatus:
        return DeviceStatus(self.kind, self.driver_name, health, code, zh, en)

    def _set_status(self, health: Health, code: str, zh: str, en: str) -> None:
        with self._lock:
            changed = (health, code) != (self._status.health, self._status.code)
            self._status = self._make_status(health, code, zh, en)
        if changed:
            self._worker.emit(DeviceEvent(self.kind, "status_changed", self._status))
