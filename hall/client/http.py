"""Synchronous httpx client with short timeouts: a kiosk must notice a dead server within a second.

Every method raises a :class:`~hall.client.errors.HallError` subclass, never an httpx exception.
Writes a terminal may retry take ``idempotency_key``; pass the outbox record's key.

Keep-alive: idle pooled connections are let go after :data:`KEEPALIVE_EXPIRY_S`, before any server
or proxy in the hall closes them (hall-server: 75 s; uvicorn's default and many proxies: 5 s), so a
request is not sent on a socket the server is closing. Should it happen anyway (the connection is
reset or closed with no answer), a request that is safe to repeat — GET/HEAD/PUT/DELETE, or any
write with an ``Idempotency-Key``, which the server answers once — is sent once more on a fresh
connection; other writes report :class:`~hall.client.errors.HallUnreachable` as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from hall.client import models as m
from hall.client.errors import HallError, HallServerError, HallTimeout, HallUnreachable, from_response

API = "/api/v1"
UPLOAD_TIMEOUT_S = 60.0
KEEPALIVE_EXPIRY_S = 4.0
# The connection died under the request (reset, or closed with no response): a stale keep-alive socket.
_RESET = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def pool_limits(keepalive_expiry_s: float = KEEPALIVE_EXPIRY_S) -> httpx.Limits:
    """The pool settings of every hall client (also for transports built around an ``HTTPTransport``)."""
    return httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=keepalive_expiry_s)


def _file_objects(files: Any) -> Iterator[Any]:
    values = files.values() if isinstance(files, dict) else (v for _, v in files or ())
    for value in values:
        content = value[1] if isinstance(value, tuple) else value
        if not isinstance(content, (bytes, str)):
            yield content


def _rewind_points(files: Any) -> list[tuple[Any, int]] | None:
    """Where each file object of a multipart body starts, so a repeat sends it whole; None when one
    cannot be rewound (then the request is not repeated)."""
    marks = []
    for f in _file_objects(files):
        try:
            marks.append((f, f.tell()))
        except (AttributeError, OSError, ValueError):
            return None
    return marks


class HallClient:
    """``HallClient("http://127.0.0.1:8700", token)``; use as a context manager or call ``close()``."""

    def __init__(self, base_url: str, token: str = "", *, connect_timeout: float = 0.5,
                 read_timeout: float = 0.8, transport: httpx.BaseTransport | None = None,
                 keepalive_expiry_s: float = KEEPALIVE_EXPIRY_S) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # A given transport keeps its own pool (build it with pool_limits()).
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=self._timeout,
                                  transport=transport, limits=pool_limits(keepalive_expiry_s))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HallClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transport --------------------------------------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                files: Any = None, data: dict[str, Any] | None = None, idempotency_key: str | None = None,
                timeout: float | None = None) -> Any:
        """Send one request; returns the decoded JSON (None for 204). Raises HallError subclasses."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        t = httpx.Timeout(timeout, connect=self._timeout.connect) if timeout else self._timeout
        marks = _rewind_points(files)
        repeatable = marks is not None and (method.upper() in _SAFE_METHODS or bool(idempotency_key))
        for attempt in (1, 2):
            try:
                resp = self._http.request(method, API + path, json=json, params=params, files=files, data=data,
                                          headers=headers, timeout=t)
                break
            except httpx.TimeoutException as exc:
                # Not repeated: the server may be working on it, and a kiosk must notice a dead server fast.
                raise HallTimeout(f"{method} {path}: timed out") from exc
            except _RESET as exc:
                if attempt == 1 and repeatable:
                    for f, pos in marks or ():
                        f.seek(pos)
                    continue
                raise HallUnreachable(f"{method} {path}: {exc.__class__.__name__}") from exc
            except (httpx.TransportError, OSError) as exc:
                raise HallUnreachable(f"{method} {path}: {exc.__class__.__name__}") from exc
        if resp.status_code == 204:
            return None
        try:
            body = resp.json()
        except ValueError:
            if resp.status_code >= 400:
                raise from_response(resp.status_code, None) from None
            raise HallServerError(f"{method} {path}: response is not JSON", status=resp.status_code) from None
        if resp.status_code >= 400:
            raise from_response(resp.status_code, body)
        return body

    # --- public -----------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self.request("GET", "/health")
        return result

    def is_up(self) -> bool:
        try:
            self.health()
        except HallError:
            return False
        return True

    # --- catalogue --------------------------------------------------------------------------
    def categories(self) -> list[m.Category]:
        return [m.Category.model_validate(c) for c in self.request("GET", "/categories")]

    def items(self, category: str | None = None) -> list[m.ServiceItem]:
        params = {"category": category} if category else None
        return [m.ServiceItem.model_validate(i) for i in self.request("GET", "/items", params=params)]

    def item(self, code: str) -> m.ServiceItem:
        return m.ServiceItem.model_validate(self.request("GET", f"/items/{code}"))

    # --- tickets ----------------------------------------------------------------------------
    def issue_ticket(self, category: str, *, id_number: str | None = None, priority: str | None = None,
                     source: str = "kiosk", terminal_id: str | None = None,
                     idempotency_key: str | None = None) -> m.Ticket:
        body: dict[str, Any] = {"category": category, "source": source}
        for key, value in (("id_number", id_number), ("priority", priority), ("terminal_id", terminal_id)):
            if value is not None:
                body[key] = value
        return m.Ticket.model_validate(self.request("POST", "/tickets", json=body, idempotency_key=idempotency_key))

    def submit_offline_ticket(self, *, category: str, offline_number: str, issued_at: datetime, terminal_id: str,
                              id_number: str | None = None, priority: str | None = None,
                              idempotency_key: str | None = None) -> m.Ticket:
        body: dict[str, Any] = {"category": category, "source": "offline", "offline_number": offline_number,
                                "issued_at": issued_at.isoformat(), "terminal_id": terminal_id}
        if id_number is not None:
            body["id_number"] = id_number
        if priority is not None:
            body["priority"] = priority
        return m.Ticket.model_validate(self.request("POST", "/tickets", json=body, idempotency_key=idempotency_key))

    def ticket(self, ticket_id: int) -> m.Ticket:
        return m.Ticket.model_validate(self.request("GET", f"/tickets/{ticket_id}"))

    def explain(self, ticket_id: int) -> m.Explanation:
        return m.Explanation.model_validate(self.request("GET", f"/tickets/{ticket_id}/explain"))

    def follow_ticket(self, ticket_id: int, *, channel: str, to: str) -> m.Follow:
        """Send "3 ahead of you" and "your turn" to ``to`` (``channel`` sms or wechat)."""
        return m.Follow.model_validate(self.request("POST", f"/tickets/{ticket_id}/notify",
                                                    json={"channel": channel, "to": to}))

    def cancel_ticket(self, ticket_id: int, *, idempotency_key: str | None = None) -> m.Ticket:
        return m.Ticket.model_validate(self.request("POST", f"/tickets/{ticket_id}/cancel",
                                                    idempotency_key=idempotency_key))

    def reinstate(self, ticket_id: int) -> m.Ticket:
        return m.Ticket.model_validate(self.request("POST", f"/tickets/{ticket_id}/reinstate"))

    def transfer(self, ticket_id: int, *, category: str | None = None, window: int | None = None) -> m.Ticket:
        body = {k: v for k, v in (("category", category), ("window", window)) if v is not None}
        return m.Ticket.model_validate(self.request("POST", f"/tickets/{ticket_id}/transfer", json=body))

    # --- windows ----------------------------------------------------------------------------
    def windows(self) -> list[m.Window]:
        return [m.Window.model_validate(w) for w in self.request("GET", "/windows")]

    def call_next(self, window: int, *, idempotency_key: str | None = None) -> m.Ticket | None:
        body = self.request("POST", f"/windows/{window}/call-next", idempotency_key=idempotency_key)
        return None if body is None else m.Ticket.model_validate(body)

    def call_number(self, window: int, number: str) -> m.Ticket:
        return m.Ticket.model_validate(self.request("POST", f"/windows/{window}/call", json={"number": number}))

    def _window_ticket(self, window: int, action: str) -> m.Ticket:
        return m.Ticket.model_validate(self.request("POST", f"/windows/{window}/{action}"))

    def recall(self, window: int) -> m.Ticket:
        return self._window_ticket(window, "recall")

    def start(self, window: int) -> m.Ticket:
        return self._window_ticket(window, "start")

    def finish(self, window: int) -> m.Ticket:
        return self._window_ticket(window, "finish")

    def no_show(self, window: int) -> m.Ticket:
        return self._window_ticket(window, "no-show")

    def open_window(self, window: int, *, clerk: str = "") -> m.Window:
        return m.Window.model_validate(self.request("POST", f"/windows/{window}/open", json={"clerk": clerk}))

    def sign_in(self, window: int, *, staff_no: str, pin: str) -> m.Window:
        """The clerk signs in with 工号 and PIN: the window opens under the clerk's name (403 when refused)."""
        return m.Window.model_validate(self.request("POST", f"/windows/{window}/sign-in",
                                                    json={"staff_no": staff_no, "pin": pin}))

    def sign_out(self, window: int) -> m.Window:
        """The clerk signs out: the window closes."""
        return m.Window.model_validate(self.request("POST", f"/windows/{window}/sign-out"))

    def register_terminal(self, terminal_id: str, *, kind: str, window: int | None = None, name: str = "",
                          version: str = "") -> dict[str, Any]:
        """Register this counter, display or evaluation pad (kiosks register through their outbox)."""
        body: dict[str, Any] = {"id": terminal_id, "kind": kind, "name": name, "version": version}
        if window is not None:
            body["window"] = window
        out: dict[str, Any] = self.request("POST", "/terminals/register", json=body)
        return out

    def heartbeat(self, terminal_id: str, *, devices: list[dict[str, Any]] | None = None,
                  version: str = "") -> dict[str, Any]:
        """One heartbeat with the terminal's device statuses (every 30 s; offline after 90 s without)."""
        out: dict[str, Any] = self.request("POST", f"/terminals/{terminal_id}/heartbeat",
                                           json={"devices": devices or [], "version": version})
        return out

    def pause(self, window: int, reason: str) -> m.Window:
        return m.Window.model_validate(self.request("POST", f"/windows/{window}/pause", json={"reason": reason}))

    def resume(self, window: int) -> m.Window:
        return m.Window.model_validate(self.request("POST", f"/windows/{window}/resume"))

    def close_window(self, window: int) -> m.Window:
        return m.Window.model_validate(self.request("POST", f"/windows/{window}/close"))
