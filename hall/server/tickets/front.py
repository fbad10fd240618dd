"""A lean front for the hottest request, ``POST /api/v1/tickets`` with a plain ``{"category": "A"}``.

Kiosks issue tickets in bursts (a hall opening in the morning); the FastAPI route costs several times
the database work in dependency solving, validation and middleware. This ASGI wrapper answers the
common case itself — valid token, no Idempotency-Key, no ID number or priority, an open category
without a daily cap, priority-first order — with the same body, event and rules as the route
(:func:`hall.server.services.tickets.issue`), and hands every other request, untouched, to FastAPI.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

from hall.server.auth.tokens import ROLES, lookup_token
from hall.server.core.context import HallContext
from hall.server.core.http_errors import DB_UNREACHABLE
from hall.server.domain.hallday import hall_day
from hall.server.domain.queue_policy import CallMode
from hall.server.events.hub import make_event
from hall.server.queue.order import estimate
from hall.server.tickets.batch import FastIssuer
from hall.server.tickets.service import domain_category, public_path

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PATH = "/api/v1/tickets"
_MAX_BODY = 4096
_KEYS = frozenset({"category", "source", "terminal_id"})
_SOURCES = frozenset({"kiosk", "counter", "online"})
_CATEGORY = re.compile(r"[A-Z]")
_TERMINAL = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ALLOWED_ROLES = frozenset(ROLES)  # POST /tickets: terminal, clerk, manager (and admin)


class TicketFastPath:
    def __init__(self, app: ASGIApp, hall: HallContext) -> None:
        self.app, self.hall = app, hall

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        issuer: FastIssuer | None = getattr(self.hall, "fast_issuer", None)
        if (issuer is None or scope["type"] != "http" or scope["method"] != "POST"
                or scope["path"] != PATH):
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        answered = False
        if not more:
            req = self._plain_request(scope, body)
            if req is not None:
                answered = await self._issue(issuer, req, send)
        if not answered:
            await self.app(scope, _replay(body, more, receive), send)

    def _plain_request(self, scope: Scope, body: bytes) -> dict[str, Any] | None:
        """The request's fields when it is the plain case this path serves, else None."""
        token = content_type = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, rest = value.decode("latin-1").partition(" ")
                token = rest.strip() if scheme.lower() == "bearer" else None
            elif name == b"idempotency-key":
                return None
            elif name == b"content-type":
                content_type = value
        if not token or content_type is None or not content_type.startswith(b"application/json"):
            return None
        try:
            req = json.loads(body)
        except ValueError:
            return None
        if not isinstance(req, dict) or not req.keys() <= _KEYS:
            return None
        cat, source, terminal = req.get("category"), req.get("source", "kiosk"), req.get("terminal_id")
        if (not isinstance(cat, str) or not _CATEGORY.fullmatch(cat) or source not in _SOURCES
                or not (terminal is None or (isinstance(terminal, str) and _TERMINAL.fullmatch(terminal)))):
            return None
        limiter = self.hall.auth_limiter  # type: ignore[attr-defined]
        client = scope.get("client")
        if limiter.blocked(client[0] if client else "?"):
            return None
        try:
            principal = lookup_token(self.hall, token)
        except DB_UNREACHABLE:
            return None  # the route answers 503 db.unavailable (its handler, without a traceback)
        if principal is None or principal.role not in _ALLOWED_ROLES:
            return None  # FastAPI gives the 401/403 and counts the failure
        return {"category": cat, "source": source, "terminal_id": terminal}

    async def _issue(self, issuer: FastIssuer, req: dict[str, Any], send: Send) -> bool:
        hall, now = self.hall, datetime.now(UTC)
        cat = hall.categories.get(hall.db).get(req["category"])
        if (cat is None or not cat.active or cat.daily_cap is not None or hall.options.policy.mode is not
                CallMode.PRIORITY_FIRST):
            return False
        day_date = hall_day(now)
        if not hall.day_ready(day_date) or not domain_category(cat).is_open(now):
            return False
        day, token = day_date.isoformat(), secrets.token_urlsafe(16)
        try:
            done = await issuer.issue(day=day, category=cat.code, source=req["source"],
                                      terminal_id=req["terminal_id"], now=now, public_token=token)
        except Exception as exc:  # noqa: BLE001 - the database failed: a JSON 503, as the full path would
            log.warning("ticket write failed: %s", exc.__class__.__name__)
            await _respond(send, 503, {"error": {"code": "db.unavailable",
                                                 "message": "the database is not answering; try again"}})
            return True
        if done is None:
            return False
        ahead = done.waiting - 1
        if hall.db.is_sqlite:  # PostgreSQL sent it with pg_notify inside the statement
            hall.hub.fanout(make_event("ticket.issued", {
                "id": done.id, "number": done.number, "category": cat.code, "priority": None,
                "source": req["source"], "waiting_ahead": ahead}))
        out = {"id": done.id, "number": done.number, "category": cat.code, "status": "waiting",
               "waiting_ahead": ahead, "estimated_wait_s": estimate(hall, cat.code, ahead),
               "issued_at": done.issued_at.isoformat(), "source": req["source"], "priority": None, "hall_day": day,
               "id_masked": None, "appointment_id": None, "public_url": public_path(token)}
        await _respond(send, 201, out)
        hall.fast_served += 1
        return True


async def _respond(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """Up to ``_MAX_BODY`` bytes; ``more`` is True when the body goes on (left for FastAPI to read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False
        if size > _MAX_BODY:
            return b"".join(chunks), True


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """A receive callable that first gives back what was already read."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return again
