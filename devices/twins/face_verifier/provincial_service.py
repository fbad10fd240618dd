"""HTTP twin of the provincial face verification service (the ``provincial`` driver's other end).

Holds registered photos by ID number, verifies with a local verifier (the model-free ``twin`` by
default, ``dlib`` when asked), and signs every decision with its key the way the hall server checks
it (HMAC-SHA256 over ``serial|id_number|result|score|issued_at``, the text of
``hall.server.domain.identity_proof.face_decision_text`` — devices/ cannot import it, a test keeps the
two equal). Stdlib HTTP server on a thread; ``python -m devices.twins.face_verifier.provincial_service``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from devices.errors import DeviceError
from devices.face_verifier._base import WorkerFaceVerifier
from devices.registry import open_device

MAX_BODY = 8 * 1024 * 1024


def decision_text(*, serial: str, id_number: str, result: str, score: float, issued_at: int) -> str:
    return f"{serial}|{id_number}|{result}|{score:.4f}|{issued_at}"


def sign(key: bytes, **fields: Any) -> str:
    return hmac.new(key, decision_text(**fields).encode(), hashlib.sha256).hexdigest()


def _image(b64: str) -> np.ndarray:
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    image = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("not an image")
    return image


class ProvincialService:
    """The service's state: app credentials, registered photos, the verifier, the signing key."""

    def __init__(self, *, key: bytes, app_id: str = "hall", app_key: str = "secret", verifier: str = "twin",
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.key, self.app_id, self.app_key = key, app_id, app_key
        self.photos: dict[str, np.ndarray] = {}
        self.verifier: WorkerFaceVerifier = open_device("face_verifier", verifier)
        self.requests = 0
        self.fail_with: int | None = None  # a test makes the service answer this status
        self._serials = itertools.count(1)
        self._host = host
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://{self._host}:{port}"

    def register(self, id_number: str, photo: np.ndarray) -> None:
        self.photos[id_number] = photo

    def start(self) -> ProvincialService:
        self.verifier.open()
        self._thread = threading.Thread(target=self._server.serve_forever, name="provincial-face-twin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.verifier.close()

    def __enter__(self) -> ProvincialService:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def verify(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        id_number = str(body.get("id_number") or "")
        try:
            frames = [_image(str(f)) for f in body.get("frames") or []][:12]
            reference = _image(str(body["reference"])) if body.get("reference") else self.photos.get(id_number)
        except ValueError:
            return 400, {"error": "bad image"}
        if reference is None:
            return 404, {"error": "no registered photo for this id number"}
        if not frames:
            return 400, {"error": "no frames"}
        try:
            d = self.verifier.verify(reference, frames, timeout_s=30)
        except DeviceError as exc:
            return 422, {"error": exc.code}
        serial, issued, score = f"TW{next(self._serials):08d}", int(time.time()), round(d.score, 4)
        return 200, {"result": d.decision.value, "score": score, "threshold": round(d.threshold, 4),
                     "serial": serial, "issued_at": issued,
                     "signature": sign(self.key, serial=serial, id_number=id_number, result=d.decision.value,
                                       score=score, issued_at=issued)}


def _handler(service: ProvincialService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # no request lines (they would carry nothing useful)
            return

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            if self.path == "/health":
                self._answer(200, {"ok": True})
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            service.requests += 1
            if service.fail_with is not None:
                self._answer(service.fail_with, {"error": "failing on purpose"})
                return
            if self.path != "/face/verify":
                self._answer(404, {"error": "not found"})
                return
            if (self.headers.get("X-App-Id") != service.app_id
                    or self.headers.get("Authorization") != f"Bearer {service.app_key}"):
                self._answer(401, {"error": "unknown app"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                self._answer(413, {"error": "body too large"})
                return
            try:
                body = json.loads(self.rfile.read(length))
            except ValueError:
                self._answer(400, {"error": "not json"})
                return
            self._answer(*service.verify(body if isinstance(body, dict) else {}))

    return Handler


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="HTTP twin of the provincial face verification service")
    p.add_argument("--port", type=int, default=8710)
    p.add_argument("--key", required=True, help="signing key shared with the hall server (server.face_service_key)")
    p.add_argument("--app-id", default="hall")
    p.add_argument("--app-key", default="secret")
    p.add_argument("--verifier", default="twin", choices=("twin", "dlib"))
    p.add_argument("--register", action="append", default=[], metavar="ID_NUMBER=PHOTO",
                   help="a registered photo (repeatable)")
    args = p.parse_args(argv)
    service = ProvincialService(key=args.key.encode(), app_id=args.app_id, app_key=args.app_key,
                                verifier=args.verifier, port=args.port)
    for item in args.register:
        id_number, _, path = item.partition("=")
        photo = cv2.imread(str(Path(path)))
        if photo is None:
            p.error(f"--register {item}: not an image")
        service.register(id_number, photo)
    with service:
        print(json.dumps({"url": service.url}), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
