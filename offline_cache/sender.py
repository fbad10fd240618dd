"""Delivering one outbox record to the hall server: the outcome is Delivered, RetryLater or Rejected.

The sync worker and the terminal facade only see these three outcomes; HTTP status codes and
transport errors are classified here, in one place:

* 2xx → Delivered.
* connection refused / connect timeout → RetryLater(server_down, sent=False): the request never left.
* read/write timeout, connection dropped mid-request → RetryLater(sent=None): it may have been
  processed; the resend carries the same Idempotency-Key, so the server replays its first answer.
* 408, 429, 5xx → RetryLater (honouring Retry-After). 401/403 → RetryLater(auth): a token problem is
  the terminal's, not the record's, so records are never killed for it.
* 409 ``idempotency.mismatch`` → Rejected: our bodies are immutable, so the key was genuinely used
  for something else; resending can never succeed. Other 409s (a request with that key still
  being processed, a state conflict) → RetryLater(conflict); the worker kills the record after a few.
* any other 4xx → Rejected (dead, kept for a technician).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

API = "/api/v1"
# kind -> route. Submissions with materials go as multipart (``data`` JSON + ``files``).
ROUTES: dict[str, str] = {
    "ticket": f"{API}/tickets",
    "check_in": f"{API}/appointments/check-in",
    "submission": f"{API}/submissions",
    "rating": f"{API}/evaluations",
    "help_call": f"{API}/help-calls",
}


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What is sent for one record: personal fields stay out of ``repr``."""

    key: str
    kind: str
    body: Mapping[str, Any] = field(repr=False)
    files: tuple[tuple[Mapping[str, str], bytes], ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class Delivered:
    status: int
    response: dict[str, Any] = field(repr=False)

    @property
    def server_ref(self) -> str | None:
        for name in ("id", "registration_code", "code"):
            if self.response.get(name) is not None:
                return str(self.response[name])
        return None


@dataclass(frozen=True, slots=True)
class RetryLater:
    code: str
    server_down: bool = False
    # False: certainly never reached the server; None: may have been processed.
    sent: bool | None = None
    retry_after_s: float | None = None
    auth: bool = False
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class Rejected:
    code: str
    status: int


Outcome = Delivered | RetryLater | Rejected


class Sender(Protocol):
    def deliver(self, item: Outgoing, *, timeout: httpx.Timeout | None = None) -> Outcome: ...

    def cancel_ticket(self, ticket_id: str, *, key: str) -> Outcome: ...

    def probe(self, *, timeout_s: float) -> bool: ...

    def close(self) -> None: ...


def _error_code(response: httpx.Response) -> str:
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"http.{response.status_code}"
    return str(code)[:64] if code else f"http.{response.status_code}"


def classify(response: httpx.Response) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        return Delivered(status, body if isinstance(body, dict) else {"result": body})
    code = _error_code(response)
    if status in (401, 403):
        return RetryLater(code, auth=True, sent=True)
    if status == 409:
        if code == "idempotency.mismatch":
            return Rejected(code, status)
        return RetryLater(code, conflict=True, sent=True)
    if status in (408, 429) or status >= 500:
        after = response.headers.get("Retry-After", "")
        return RetryLater(f"server.{status}", sent=None,
                          retry_after_s=float(after) if after.isdigit() else None)
    return Rejected(code, status)


def transport_failure(exc: httpx.HTTPError) -> RetryLater:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return RetryLater("server.unreachable", server_down=True, sent=False)
    if isinstance(exc, httpx.PoolTimeout):
        return RetryLater("client.busy", sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return RetryLater("server.timeout", sent=None)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return RetryLater("server.disconnected", server_down=True, sent=None)
    return RetryLater("http.transport", sent=None)


class HttpSender:
    """The httpx implementation (keep-alive, bearer token). Thread-safe: one client, many threads."""

    def __init__(self, base_url: str, *, token: str = "", timeout_s: float = 15.0,
                 routes: Mapping[str, str] | None = None, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.routes = dict(routes or ROUTES)
        self.timeout = httpx.Timeout(timeout_s, connect=min(3.0, timeout_s))
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=self.timeout,
                                    limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
                                    transport=transport)

    def deliver(self, item: Outgoing, *, timeout: httpx.Timeout | None = None) -> Outcome:
        route = self.routes.get(item.kind)
        if route is None:
            return Rejected("cache.no_route", 0)
        headers = {"Idempotency-Key": item.key}
        kwargs: dict[str, Any]
        if item.files:
            files = [(m.get("field") or "files", (m["name"], data, m["content_type"])) for m, data in item.files]
            kwargs = {"data": {"data": json.dumps(item.body, ensure_ascii=False)}, "files": files}
        else:
            kwargs = {"json": item.body}
        return self._post(route, headers=headers, timeout=timeout, **kwargs)

    def cancel_ticket(self, ticket_id: str, *, key: str) -> Outcome:
        return self._post(f"{API}/tickets/{ticket_id}/cancel", headers={"Idempotency-Key": key}, json={})

    def _post(self, route: str, *, headers: dict[str, str], timeout: httpx.Timeout | None = None,
              **kwargs: Any) -> Outcome:
        try:
            response = self._client.post(route, headers=headers, timeout=timeout or self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            return transport_failure(exc)
        return classify(response)

    def probe(self, *, timeout_s: float) -> bool:
        """True when ``GET /api/v1/health`` answers 200 within ``timeout_s``."""
        try:
            return self._client.get(f"{API}/health", timeout=timeout_s).status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        self._client.close()
