"""Delivering one outbox record to the hall server: the outcome is Delivered, RetryLater or Rejected.

Sends go through the typed hall client (:class:`hall.client.HallClient`); its error tree is mapped
to three outcomes here, in one place:

* 2xx → Delivered.
* connection refused / connect timeout → RetryLater(server_down, sent=False): the request never left.
* read/write timeout, connection dropped mid-request → RetryLater(sent=None): it may have been
  processed; the resend carries the same Idempotency-Key, so the server replays its first answer.
* 408, 429, 5xx → RetryLater. 401/403 → RetryLater(auth): a token problem is the terminal's, not the
  record's, so records are never killed for it.
* 409 ``idempotency.mismatch`` → Rejected: our bodies are immutable, so the key was genuinely used
  for something else; resending can never succeed. 409 ``ticket.offline_number_taken`` (the printed
  number belongs to another ticket) → RetryLater(held): kept pending for a technician, never dead.
  Other 409s (a request with that key still
  being processed, a state conflict) → RetryLater(conflict); the worker kills the record after a few.
* any other 4xx → Rejected (dead, kept for a technician).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from hall.client import errors as herr
from hall.client.http import HallClient, pool_limits
from offline_cache.states import HELD_ERRORS

# kind -> route under /api/v1. Submissions go as multipart: a ``data`` part with the JSON body plus
# one part per material, named as the body's ``materials[].file`` names it.
ROUTES: dict[str, str] = {
    "ticket": "/tickets",
    "check_in": "/appointments/check-in",
    "submission": "/submissions",
    "rating": "/evaluations",
    "help_call": "/help",
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
        # A submission's registration code, else the id (ticket, evaluation, help call).
        for name in ("registration_code", "code", "id"):
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
    # Refused for a clash only a person can settle (see states.HELD_ERRORS): kept, retried slowly.
    held: bool = False


@dataclass(frozen=True, slots=True)
class Rejected:
    """A permanent refusal. ``error`` is the server's whole ``{"code", "message", …details}`` object
    (e.g. a check-in's ``params.reason`` and slot) so the citizen can be told exactly why."""

    code: str
    status: int
    error: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


Outcome = Delivered | RetryLater | Rejected


class Sender(Protocol):
    def deliver(self, item: Outgoing, *, budget_s: float | None = None) -> Outcome: ...

    def cancel_ticket(self, ticket_id: str, *, key: str) -> Outcome: ...

    def probe(self, *, timeout_s: float) -> bool: ...

    def close(self) -> None: ...


def classify(exc: herr.HallError) -> Outcome:
    """Map the hall client's error to an outcome (see the module docstring for the rules)."""
    code = (exc.server_code or f"http.{exc.status}")[:64] if exc.status else exc.code
    if isinstance(exc, herr.HallTimeout | herr.HallUnreachable):
        return _transport(exc.__cause__)
    if isinstance(exc, herr.HallAuthError):
        return RetryLater(code, auth=True, sent=True)
    if isinstance(exc, herr.HallConflict):
        if code == "idempotency.mismatch":
            return Rejected(code, 409, _error(exc))
        return RetryLater(code, conflict=True, sent=True, held=code in HELD_ERRORS)
    if isinstance(exc, herr.HallServerError | herr.HallRateLimited) or exc.status == 408:
        return RetryLater(f"server.{exc.status}" if exc.status else exc.code, sent=None)
    if isinstance(exc, herr.HallRejected) and exc.status is not None:
        return Rejected(code, exc.status, _error(exc))
    return RetryLater(exc.code, sent=None)


def _error(exc: herr.HallError) -> dict[str, Any]:
    """The server's ``error`` object (code, message, zh/en texts, params), without the rest of the body."""
    err = exc.body.get("error") if isinstance(exc.body, dict) else None
    return dict(err) if isinstance(err, dict) else {"code": exc.server_code or "", "message": exc.message}


def _transport(cause: BaseException | None) -> RetryLater:
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | ConnectionRefusedError):
        return RetryLater("server.unreachable", server_down=True, sent=False)
    if isinstance(cause, httpx.PoolTimeout):
        return RetryLater("client.busy", sent=False)
    if isinstance(cause, httpx.TimeoutException):
        return RetryLater("server.timeout", sent=None)
    return RetryLater("server.disconnected", server_down=True, sent=None)


def _as_dict(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {"result": result}


class ClockTransport(httpx.BaseTransport):
    """Stamps every request with the terminal's clock at sending time (``X-Terminal-Clock``): the
    server measures this terminal's offset from it and queues an offline ticket by its real issue
    time, whether the terminal's clock runs ahead or behind (docs/api.md, offline tickets). A
    resend under the same Idempotency-Key carries a fresh reading, as the server expects."""

    def __init__(self, clock: Callable[[], float], inner: httpx.BaseTransport | None = None) -> None:
        self._clock = clock
        self._inner = inner or httpx.HTTPTransport(limits=pool_limits())  # the hall client's keep-alive

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["X-Terminal-Clock"] = datetime.fromtimestamp(self._clock(), UTC).isoformat()
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class ClientSender:
    """Sends through two typed clients: a fast one for a citizen who is waiting (the ticket budget)
    and a patient one for the sync worker's uploads. Both are thread-safe and keep connections alive.
    ``clock`` is the outbox's (the one its issue times come from)."""

    def __init__(self, base_url: str, *, token: str = "", timeout_s: float = 15.0, budget_s: float = 0.9,
                 routes: Mapping[str, str] | None = None, clock: Callable[[], float] = time.time) -> None:
        self.routes = dict(routes or ROUTES)
        self._bulk = HallClient(base_url, token, connect_timeout=min(3.0, timeout_s), read_timeout=timeout_s,
                                transport=ClockTransport(clock))
        # A refused connection (server process gone) fails in milliseconds; these cap a silent one.
        self._fast = HallClient(base_url, token, connect_timeout=budget_s * 0.35, read_timeout=budget_s * 0.6,
                                transport=ClockTransport(clock))
        self._budget_s = budget_s

    def deliver(self, item: Outgoing, *, budget_s: float | None = None) -> Outcome:
        route = self.routes.get(item.kind)
        if route is None:
            return Rejected("cache.no_route", 0)
        if item.kind == "submission":
            files = [(m["part"] or m["name"], (m["name"], data, m["content_type"])) for m, data in item.files]
            data = {"data": json.dumps(dict(item.body), ensure_ascii=False, sort_keys=True)}
            return self._post(route, key=item.key, budget_s=budget_s, data=data, files=files)
        return self._post(route, key=item.key, budget_s=budget_s, json=dict(item.body))

    def cancel_ticket(self, ticket_id: str, *, key: str) -> Outcome:
        return self._post(f"/tickets/{ticket_id}/cancel", key=key)

    def _post(self, route: str, *, key: str, budget_s: float | None = None, **kwargs: Any) -> Outcome:
        client = self._fast if budget_s is not None else self._bulk
        try:
            result = client.request("POST", route, idempotency_key=key, **kwargs)
        except herr.HallError as exc:
            return classify(exc)
        return Delivered(200, _as_dict(result) if result is not None else {})

    def heartbeat(self, terminal_id: str, body: Mapping[str, Any]) -> bool:
        """``POST /terminals/{id}/heartbeat`` (registering the terminal first if the server does not
        know it). Not queued: a missed heartbeat is simply the next one's job. True when accepted."""
        route = f"/terminals/{terminal_id}/heartbeat"
        try:
            try:
                self._fast.request("POST", route, json=dict(body))
            except herr.HallRejected as exc:
                if exc.server_code != "terminal.not_registered":
                    raise
                self._fast.request("POST", "/terminals/register", json={"id": terminal_id, "kind": "kiosk"})
                self._fast.request("POST", route, json=dict(body))
        except herr.HallError:
            return False
        return True

    def probe(self, *, timeout_s: float) -> bool:
        """True when ``GET /api/v1/health`` answers within ``timeout_s``."""
        try:
            self._fast.request("GET", "/health", timeout=timeout_s)
        except herr.HallError:
            return False
        return True

    def close(self) -> None:
        self._bulk.close()
        self._fast.close()
