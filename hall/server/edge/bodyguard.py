"""Refuse a request body before reading it: over the declared limit, without a length, or without a
credential.

FastAPI reads (and spools) a body before any dependency checks the token, so ten 45 MB bodies with a
wrong token used to cost half a gigabyte. This ASGI wrapper sits in front of everything (the lean ticket
front included) and answers from the headers alone:

* ``Content-Length`` above ``max_body`` → 413 ``too_large``, and the connection is closed;
* a body without ``Content-Length`` (chunked) → 411 ``length_required`` (every client of the suite, and
  every browser, declares its length);
* a body without a valid bearer token or a well-signed dashboard cookie → the token check's own 401/429,
  counted as a failed authentication like any other. Only small public forms take a body without a
  credential (the dashboard login, whose body *is* the token, a citizen following a ticket, the booking
  page's calls); they
  are refused above ``public_max_body``.

The role check stays with the route: this wrapper only makes sure nobody unauthenticated makes the server
hold their bytes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from hall.server.auth.tokens import authenticate_off_loop, bearer_token
from hall.server.core.context import HallContext
from hall.server.core.errors import DatabaseUnavailable, LengthRequired, PayloadTooLarge
from hall.server.core.http_errors import DB_UNREACHABLE, domain_body, domain_headers, domain_status
from hall.server.domain.errors import DomainError

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Bodies that need no credential: the dashboard's login (the body is the token), a citizen's follow, and
# the booking page's calls (docs/booking.md).
_PUBLIC = re.compile(r"^(/api/v1/dashboard/login|/t/[^/]+/notify"
                     r"|/book/api/(phone-code|bookings(/[^/]+/(cancel|move))?))$")
_COOKIE = b"hall_dashboard="


class BodyGuard:
    def __init__(self, app: ASGIApp, hall: HallContext, *, max_body: int, public_max_body: int = 4096) -> None:
        self.app, self.hall = app, hall
        self.max_body, self.public_max_body = max_body, public_max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self.refusal(scope)
            if refusal is not None:
                await _refuse(send, refusal)
                return
        await self.app(scope, receive, send)

    async def refusal(self, scope: Scope) -> DomainError | None:
        """Why this request's body must not be read (None: it may)."""
        length: bytes | None = None
        chunked = False
        auth = b""
        cookie = b""
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"authorization":
                auth = value
            elif name == b"cookie":
                cookie = value
        if length is None:
            return LengthRequired() if chunked else None
        try:
            size = int(length)
        except ValueError:
            return LengthRequired()
        if size <= 0:
            return None
        if size > self.max_body:
            return PayloadTooLarge()
        if _PUBLIC.match(scope["path"]):
            return PayloadTooLarge() if size > self.public_max_body else None
        return await self._credential_refusal(scope, auth, cookie)

    async def _credential_refusal(self, scope: Scope, auth: bytes, cookie: bytes) -> DomainError | None:
        token = bearer_token(auth.decode("latin-1"))
        if token is None and _COOKIE in cookie and self._signed_session(cookie):
            return None
        client = scope.get("client")
        try:
            await authenticate_off_loop(self.hall, token, client[0] if client else "?")
        except DomainError as exc:
            return exc
        except DB_UNREACHABLE as exc:
            # The token could not be looked up: the database is down, which is a 503 like every route's,
            # not a 500 (and not a refusal of the token).
            log.warning("database unavailable while checking a token: %s", exc.__class__.__name__)
            return DatabaseUnavailable()
        return None

    def _signed_session(self, cookie: bytes) -> bool:
        from hall.server.dashboard.auth import read_session

        for part in cookie.split(b";"):
            name, _, value = part.strip().partition(b"=")
            if name == _COOKIE[:-1]:
                return read_session(self.hall, value.decode("latin-1")) is not None
        return False


async def _refuse(send: Send, exc: DomainError) -> None:
    payload = json.dumps(domain_body(exc), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
               (b"connection", b"close")]  # the unread body is not waited for: the connection ends
    headers += [(k.lower().encode(), v.encode()) for k, v in (domain_headers(exc) or {}).items()]
    await send({"type": "http.response.start", "status": domain_status(exc), "headers": headers})
    await send({"type": "http.response.body", "body": payload})
