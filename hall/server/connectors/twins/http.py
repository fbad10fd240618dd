"""An HTTP twin of the outside platforms: an SMS webhook gateway, the e-licence platform and the
provincial 一网通办 platform's case API, on one small threaded HTTP server.

Routes (the contracts of docs/connectors.md): ``POST /sms``; ``POST /licenses/query``; ``POST /cases``
(``Idempotency-Key`` = registration code; a repeat answers 200 with the stored case); ``GET
/cases/{code}``. ``down = True`` answers 503 to everything, ``delay_s`` holds each answer (a slow
platform), ``token`` (when set) is required as a bearer token.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HttpTwin:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = "") -> None:
        self.host, self.port, self.token = host, port, token
        self.down = False
        self.delay_s = 0.0
        self.sms: list[dict[str, Any]] = []
        self.licenses: dict[tuple[str, str], list[dict[str, str]]] = {}  # (holder_type, holder_id) → licences
        # (holder_type, holder_id) → {"name", "legal_representative"}: who a legal person is
        self.holders: dict[tuple[str, str], dict[str, str]] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.case_posts = 0
        self.queries = 0
        self.changed = threading.Condition()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> HttpTwin:
        twin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # no access log: bodies carry ID numbers
                pass

            def do_GET(self) -> None:
                twin._handle(self, "GET")

            def do_POST(self) -> None:
                twin._handle(self, "POST")

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="http-twin", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HttpTwin:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def set_status(self, code: str, status: str, note: str = "") -> None:
        with self.changed:
            self.cases[code] = {**self.cases.get(code, {}), "status": status, "note": note}

    # -- the routes -------------------------------------------------------------------------------
    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        if self.delay_s:
            time.sleep(self.delay_s)  # a slow platform: the caller's timeout is what is under test
        if self.down:
            return _answer(req, 503, {"error": "down"})
        if self.token and req.headers.get("Authorization") != f"Bearer {self.token}":
            return _answer(req, 401, {"error": "token"})
        body: Any = None
        if method == "POST":
            try:
                body = json.loads(req.rfile.read(int(req.headers.get("Content-Length") or 0)) or b"null")
            except ValueError:
                return _answer(req, 400, {"error": "json"})
        path = req.path.split("?")[0]
        with self.changed:
            status, out = self._route(method, path, body, req.headers.get("Idempotency-Key"))
            self.changed.notify_all()
        _answer(req, status, out)

    def _route(self, method: str, path: str, body: Any, key: str | None) -> tuple[int, Any]:
        if method == "POST" and path == "/sms":
            if not isinstance(body, dict) or not body.get("to") or not body.get("text"):
                return 400, {"error": "to and text required"}
            message_id = f"H{next(self._ids):08d}"
            self.sms.append({**body, "message_id": message_id})
            return 200, {"message_id": message_id}
        if method == "POST" and path == "/licenses/query":
            self.queries += 1
            if not isinstance(body, dict):
                return 400, {"error": "body"}
            holder = (str(body.get("holder_type")), str(body.get("holder_id")))
            found, wanted = self.licenses.get(holder, []), body.get("license_type")
            out: dict[str, Any] = {"licenses": [lic for lic in found if not wanted or lic.get("type") == wanted]}
            if holder in self.holders:
                out["holder"] = self.holders[holder]
            return 200, out
        if method == "POST" and path == "/cases":
            self.case_posts += 1
            code = key or (body or {}).get("registration_code")
            if not code or not isinstance(body, dict) or body.get("registration_code") != code:
                return 400, {"error": "Idempotency-Key must be the registration code"}
            if code in self.cases and "received" in self.cases[code]:
                return 200, self.cases[code]
            self.cases[code] = {**body, "received": True, "status": body.get("status", "accepted")}
            return 201, self.cases[code]
        if method == "GET" and path.startswith("/cases/"):
            case = self.cases.get(path.removeprefix("/cases/"))
            return (200, {"registration_code": path.removeprefix("/cases/"), "status": case["status"],
                          "note": case.get("note", "")}) if case else (404, {"error": "unknown case"})
        return 404, {"error": "no such route"}


def _answer(req: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req.send_response(status)
    req.send_header("Content-Type", "application/json; charset=utf-8")
    req.send_header("Content-Length", str(len(data)))
    req.end_headers()
    req.wfile.write(data)
