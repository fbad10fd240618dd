"""A lean front for the hottest request, ``POST /api/v1/tickets``, with or without an Idempotency-Key.

Kiosks issue tickets in bursts (a hall opening in the morning), and every kiosk request carries an
Idempotency-Key (its outbox adds one). FastAPI's per-request work costs several times the database
work, so this ASGI wrapper answers the plain case itself: it checks the token with the routes' own
functions (:mod:`hall.server.auth.tokens`), validates the body with the route's schema
(:class:`~hall.server.tickets.schemas.TicketIn`), plans the ticket with the route's service
(:func:`hall.server.tickets.service.plan`), and hands the write — the one writer, the idempotency row,
the event — to the batch writer, which commits the tickets that arrive together in one transaction.
Every request it does not take (offline tickets, priorities, notices, a body or token it would refuse:
the route gives the same refusal with its own words) goes untouched to FastAPI.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from hall.server.auth.tokens import ISSUERS, bearer_token, lookup_token
from hall.server.core.context import HallContext
from hall.server.core.errors import DatabaseUnavailable
from hall.server.core.http_errors import DB_UNREACHABLE, domain_body, domain_headers, domain_status
from hall.server.core.idempotency import body_hash, check_key
from hall.server.domain.errors import DomainError
from hall.server.domain.hallday import hall_day
from hall.server.tickets import service
from hall.server.tickets.schemas import TicketIn

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PATH = "/api/v1/tickets"
_MAX_BODY = 4096


class TicketFront:
    def __init__(self, app: ASGIApp, hall: HallContext) -> None:
        self.app, self.hall = app, hall

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH
                or not self.hall.writer.running):
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        answered = False
        if not more:
            request = self._plain(scope, body)
            if isinstance(request, DomainError):  # over the write limits: 429 as the route would
                await _respond(send, domain_status(request), domain_body(request), domain_headers(request))
                answered = True
            elif request is not None:
                answered = await self._answer(request, send)
        if not answered:
            await self.app(scope, _replay(body, more, receive), send)

    def _plain(self, scope: Scope, body: bytes) -> tuple[service.Plan, str | None, str] | DomainError | None:
        """A plain ticket request as the batch writer takes it (plan, key, digest), None when the route
        should answer it, or the write limits' refusal (:mod:`hall.server.auth.limits`)."""
        headers = dict(scope["headers"])
        key_raw = headers.get(b"idempotency-key")
        content_type = headers.get(b"content-type", b"")
        if b"x-terminal-clock" in headers or not content_type.startswith(b"application/json"):
            return None
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        client = scope.get("client")
        if token is None or self.hall.auth_failures.blocked(client[0] if client else "?"):
            return None
        try:
            principal = lookup_token(self.hall, token)
            req = TicketIn.model_validate_json(body)
            key = check_key(key_raw.decode("latin-1")) if key_raw is not None else None
        except (ValidationError, DomainError, UnicodeDecodeError, *DB_UNREACHABLE):  # type: ignore[misc]  # a tuple built at import
            return None  # the route answers with its own refusal (and counts a failed token)
        if principal is None or principal.role not in ISSUERS or req.source == "offline":
            return None
        if principal.terminal is not None:  # a kiosk token: its own terminal id (the route refuses others)
            if req.terminal_id not in (None, principal.terminal):
                return None
            req = req.model_copy(update={"terminal_id": principal.terminal})
        now = datetime.now(UTC)
        if not self.hall.day_ready(hall_day(now)):
            return None  # the route closes the day before first
        try:
            plan = service.plan(self.hall, req, now)
        except DomainError:
            return None
        if not plan.plain:
            return None
        try:
            self.hall.limits.charge(principal, terminal=req.terminal_id)
            self.hall.limits.charge_day(principal, what="tickets", key=req.category, day=plan.ticket.day)
        except DomainError as refusal:
            return refusal
        digest = body_hash(req.model_dump(mode="json")) if key is not None else ""
        return plan, key, digest

    async def _answer(self, request: tuple[service.Plan, str | None, str], send: Send) -> bool:
        try:
            status, text = await self.hall.writer.submit(request)
        except DomainError as refusal:
            await _respond(send, domain_status(refusal), domain_body(refusal), domain_headers(refusal))
            return True
        except Exception as exc:  # noqa: BLE001 - the database failed: a JSON 503, as the route would
            log.warning("ticket write failed: %s", exc.__class__.__name__)
            err = DatabaseUnavailable()
            await _respond(send, domain_status(err), domain_body(err), domain_headers(err))
            return True
        await _send(send, status, text.encode())
        return True


async def _respond(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None) -> None:
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await _send(send, status, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), extra)


async def _send(send: Send, status: int, payload: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *(extra or [])]})
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
