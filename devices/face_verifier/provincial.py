"""Driver ``provincial``: the province's face verification service (人脸核验) over HTTP.

The service holds the registered photo of every ID number, so it verifies a citizen who has no card
with them (reference: :class:`IdNumberReference`), or compares with a photo the kiosk sends (the ID
card's). Its signed decision is what the hall server accepts as proof of identity (``proof.face``).

Wire contract (configurable URL; docs/devices/face_verifier.md):
``GET  {url}/health`` → 200;
``POST {url}/face/verify`` with ``X-App-Id`` and ``Authorization: Bearer <app_key>``, JSON
``{"request_id", "id_number"?, "reference"? (base64 JPEG), "frames": [base64 JPEG, …]}`` →
``{"result": "match"|"no_match"|"no_face"|"not_live", "score", "threshold", "serial", "issued_at",
"signature"}``. 401/403 → FaceVerifierError (``…auth``); 5xx, refused connections → DeviceOffline;
no answer in ``timeout_s`` → DeviceTimeout. Liveness is the service's (it gets every frame).
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Sequence
from typing import Any

import cv2
import httpx
import numpy as np

from devices.errors import DeviceConfigError, DeviceOffline, DeviceTimeout
from devices.face_verifier._base import WorkerFaceVerifier
from devices.face_verifier.protocol import (
    BadReference,
    Decision,
    FaceDecision,
    FaceVerifierError,
    IdNumberReference,
    Reference,
)

MAX_SIDE = 640


def jpeg_b64(image: np.ndarray) -> str:
    """A frame as base64 JPEG, at most 640 px on its long side (what the service needs, a tenth the bytes)."""
    scale = min(1.0, MAX_SIDE / max(image.shape[:2]))
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise FaceVerifierError("frame could not be encoded as JPEG")
    return base64.b64encode(buf.tobytes()).decode()


class ProvincialFaceVerifier(WorkerFaceVerifier):
    driver_name = "provincial"

    def __init__(self, *, url: str = "", app_id: str = "", app_key: str = "", timeout_s: float = 5.0,
                 min_frames: int = 3, **_other_drivers_options: object) -> None:
        if not url:
            raise DeviceConfigError("devices.face_verifier.url: the provincial service's address is required "
                                    "(http(s)://host[:port]/path)")
        super().__init__(threshold=0.0, liveness=False, min_frames=min_frames)
        self.url, self.app_id, self.timeout_s = url.rstrip("/"), app_id, timeout_s
        self._app_key = app_key
        self._http: httpx.Client | None = None

    def _load(self) -> None:
        self._http = httpx.Client(timeout=httpx.Timeout(self.timeout_s, connect=min(2.0, self.timeout_s)),
                                  headers={"X-App-Id": self.app_id, "Authorization": f"Bearer {self._app_key}"})
        self._call("GET", "/health")

    def close(self) -> None:
        super().close()
        if self._http is not None:
            self._http.close()
            self._http = None

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self._http is not None
        try:
            r = self._http.request(method, f"{self.url}{path}", json=body)
        except httpx.TimeoutException as exc:
            raise DeviceTimeout("the provincial face service did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise DeviceOffline(f"the provincial face service cannot be reached ({exc.__class__.__name__})") from exc
        if r.status_code in (401, 403):
            raise FaceVerifierError("the provincial face service refused this hall's app id or key",
                                    code="device.face_verifier.auth")
        if r.status_code >= 500:
            raise DeviceOffline(f"the provincial face service failed ({r.status_code})")
        if r.status_code != 200:
            raise FaceVerifierError(f"the provincial face service refused the request ({r.status_code})")
        try:
            answer = r.json()
        except ValueError as exc:
            raise FaceVerifierError("the provincial face service answered something that is not JSON") from exc
        return answer if isinstance(answer, dict) else {}

    def _verify_on_worker(self, reference: Reference, frames: list[np.ndarray]) -> FaceDecision:
        started = time.perf_counter()
        body: dict[str, Any] = {"request_id": uuid.uuid4().hex, "frames": [jpeg_b64(f) for f in frames]}
        if isinstance(reference, IdNumberReference):
            body["id_number"] = reference.id_number
        elif reference.size == 0:
            raise BadReference("empty reference photo")
        else:
            body["reference"] = jpeg_b64(reference)
        a = self._call("POST", "/face/verify", body)
        try:
            decision = Decision(str(a["result"]))
            score, threshold = float(a.get("score", 0.0)), float(a.get("threshold", 0.0))
        except (KeyError, ValueError, TypeError) as exc:
            raise FaceVerifierError("the provincial face service's answer lacks result/score") from exc
        attestation: dict[str, object] = {k: a[k] for k in ("serial", "issued_at", "signature") if k in a}
        if attestation:
            attestation.update(result=decision.value, score=score)
        return FaceDecision(decision=decision, score=score, threshold=threshold, driver=self.driver_name,
                            elapsed_s=time.perf_counter() - started, attestation=attestation)

    def verify(self, reference: Reference, frames: Sequence[np.ndarray], *, timeout_s: float = 0.0) -> FaceDecision:
        return super().verify(reference, frames, timeout_s=timeout_s or self.timeout_s + 1.0)
