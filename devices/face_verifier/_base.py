"""What every face verifier shares: its worker thread, status, timeouts, liveness and the decision rule.

A driver supplies ``_load()`` (on open: models, sessions) and ``_score(reference, frames)`` → a score
0..1; this base checks liveness first (a still photo never reaches the comparison), times the check,
and turns the score into a :class:`FaceDecision` against the driver's threshold.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from devices.camera.protocol import FaceBox
from devices.errors import DeviceError, DeviceOffline, DeviceTimeout
from devices.face_verifier.faces import largest_face
from devices.face_verifier.liveness import LivenessChecker
from devices.face_verifier.protocol import Decision, FaceDecision, FaceVerifierError, Liveness, Reference
from devices.status import DeviceStatus, Health
from devices.worker import DeviceEvent, DeviceWorker

KIND = "face_verifier"
MAX_FRAMES = 12


class NoFace(FaceVerifierError):
    """No usable face in the frames (a decision, raised only inside a driver's ``_score``)."""

    code = "device.face_verifier.no_face"


class WorkerFaceVerifier:
    driver_name = ""

    def __init__(self, *, threshold: float, liveness: bool = True, min_frames: int = 3) -> None:
        self.threshold, self.check_liveness, self.min_frames = threshold, liveness, min_frames
        self._worker = DeviceWorker(f"{KIND}-{self.driver_name}")
        self._lock = threading.Lock()
        self._opened = False
        self._liveness: LivenessChecker | None = None
        self._status = self._make_status(Health.OFFLINE, "closed", "人证比对设备未打开", "Face verifier not open")

    # -- lifecycle -----------------------------------------------------------------------------
    def open(self) -> None:
        """Load the model (or reach the service). Raises DriverImportFailed, DeviceOffline, FaceVerifierError."""
        if self._opened:
            return
        self._worker.start()
        try:
            self._worker.submit(self._open_on_worker).result(timeout=120)
        except DeviceError as exc:
            self._set_status(Health.OFFLINE, exc.code, "人证比对设备不可用", "Face verifier unavailable")
            raise
        except concurrent.futures.TimeoutError as exc:
            raise DeviceTimeout("face verifier did not load in time") from exc
        self._opened = True
        self._set_status(Health.OK, "ok", "正常", "OK")

    def _open_on_worker(self) -> None:
        self._liveness = LivenessChecker()
        self._load()

    def close(self) -> None:
        self._opened = False
        self._worker.stop()
        self._set_status(Health.OFFLINE, "closed", "人证比对设备未打开", "Face verifier not open")

    def __enter__(self) -> WorkerFaceVerifier:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def status(self) -> DeviceStatus:
        return self._status

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    # -- verification ----------------------------------------------------------------------------
    def verify(self, reference: Reference, frames: Sequence[np.ndarray], *, timeout_s: float = 5.0) -> FaceDecision:
        """Compare the best face of ``frames`` with ``reference`` after a liveness check."""
        if not self._opened:
            raise DeviceOffline("face verifier is not open")
        if not frames:
            raise FaceVerifierError("no frames to verify")
        job = list(frames[:MAX_FRAMES])
        fut = self._worker.submit(lambda: self._verify_on_worker(reference, job))
        try:
            decision = fut.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError as exc:
            raise DeviceTimeout(f"face verification took longer than {timeout_s} s") from exc
        self._worker.emit(DeviceEvent(KIND, "verified", decision))
        return decision

    def _verify_on_worker(self, reference: Reference, frames: list[np.ndarray]) -> FaceDecision:
        started = time.perf_counter()
        live: Liveness | None = None
        seen = self._faces(frames)  # each frame's face found once, for liveness and comparison alike
        if not seen:
            return self._decide(Decision.NO_FACE, 0.0, live, started)
        if self.check_liveness and self._liveness is not None:
            live = self._liveness.judge(seen)
            if not live.live:
                return self._decide(Decision.NOT_LIVE, 0.0, live, started)
        try:
            score, extra = self._score(reference, seen)
        except NoFace:
            return self._decide(Decision.NO_FACE, 0.0, live, started)
        decision = Decision.MATCH if score >= self.threshold else Decision.NO_MATCH
        return self._decide(decision, score, live, started, extra)

    def _decide(self, decision: Decision, score: float, live: Liveness | None, started: float,
                attestation: dict[str, object] | None = None) -> FaceDecision:
        return FaceDecision(decision=decision, score=float(score), threshold=self.threshold, driver=self.driver_name,
                            liveness=live, elapsed_s=time.perf_counter() - started, attestation=attestation or {})

    # -- for drivers -------------------------------------------------------------------------------
    def _load(self) -> None:
        """Load models / check the service (runs on the worker thread)."""

    def _faces(self, frames: list[np.ndarray]) -> list[tuple[np.ndarray, FaceBox]]:
        """(frame, its largest face) for the frames that show one; OpenCV's cascade unless overridden."""
        assert self._liveness is not None
        return [(f, b) for f in frames if (b := largest_face(self._liveness.detector, f)) is not None]

    def _score(self, reference: Reference, seen: list[tuple[np.ndarray, FaceBox]]
               ) -> tuple[float, dict[str, object]]:
        """Score 0..1 of the faces ``seen`` (frame, box) against ``reference``; raises NoFace, BadReference."""
        raise NotImplementedError

    def _make_status(self, health: Health, code: str, zh: str, en: str) -> DeviceStatus:
        return DeviceStatus(kind=KIND, driver=self.driver_name, health=health, code=code, message_zh=zh, message_en=en)

    def _set_status(self, health: Health, code: str, zh: str, en: str) -> None:
        with self._lock:
            old, self._status = self._status, self._make_status(health, code, zh, en)
        if (old.health, old.code) != (health, code):
            self._worker.emit(DeviceEvent(KIND, "status_changed", self._status))
