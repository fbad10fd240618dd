"""``GET /api/v1/events``: the WebSocket of live events.

The token comes in the ``Authorization: Bearer`` header of the upgrade or in the first message, never
in the URL (a URL is logged by proxies and servers): a ``?token=`` is refused with ``auth.token_in_url``.
While the socket is open its token is looked at again every half second (through the one-second token
cache), so a revoked token's sockets close with code 4401 within two seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hall.server.auth.cache import Principal
from hall.server.auth.errors import InvalidToken, TokenInUrl
from hall.server.auth.tokens import authenticate, bearer_token, still_valid
from hall.server.core.context import HallContext
from hall.server.domain.errors import DomainError
from hall.server.events.hub import make_event
from hall.server.events.pump import pump

log = logging.getLogger(__name__)
router = APIRouter(tags=["events"])
RECHECK_S = 0.5  # how often an open socket's token is looked at again (revocation → 4401 within 2 s)


async def _first_message_token(ws: WebSocket, hall: HallContext, client: str) -> str | None:
    """The token of the socket's first message. A socket silent past ``socket_auth_timeout_s`` counts as a
    failed authentication of its address (so holding sockets open unauthenticated runs into the limit)."""
    try:
        raw = await asyncio.wait_for(ws.receive_text(), hall.options.socket_auth_timeout_s)
    except TimeoutError:
        hall.auth_failures.fail(client)
        return None
    except WebSocketDisconnect:
        return None
    with contextlib.suppress(ValueError, AttributeError):
        msg = json.loads(raw)
        if isinstance(msg, dict):
            token = msg.get("token")
            return token if isinstance(token, str) else None
    return raw.strip() or None


async def _refuse(ws: WebSocket, exc: DomainError) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await ws.send_json({"type": "error", "error": exc.to_dict()})
        await ws.close(code=4401 if exc.kind == "unauthorized" else 4429 if exc.kind == "rate_limited" else 4403)


async def open_authenticated(ws: WebSocket, hall: HallContext) -> tuple[Principal, str] | None:
    """Accept ``ws`` and authenticate it (header or first message); None when refused (closed)."""
    await ws.accept()
    if "token" in ws.query_params:
        await _refuse(ws, TokenInUrl())
        return None
    client = ws.client.host if ws.client else "?"
    token = bearer_token(ws.headers.get("authorization")) or await _first_message_token(ws, hall, client)
    try:
        who = await asyncio.to_thread(authenticate, hall, token, client)
    except DomainError as exc:
        await _refuse(ws, exc)
        return None
    assert token is not None  # authenticate refuses a missing token
    return who, token


@router.websocket("/events")
async def events(ws: WebSocket) -> None:
    hall: HallContext = ws.app.state.hall
    opened = await open_authenticated(ws, hall)
    if opened is None:
        return
    who, token = opened
    queue = hall.hub.subscribe()
    try:
        await ws.send_json(make_event("hello", {"role": who.role, "name": who.name, **who.scope()}))
        snap = hall.hub.last_snapshot
        if snap is not None:
            await ws.send_json(snap)
        if not await pump(ws, queue, still_ok=lambda: still_valid(hall, token), recheck_s=RECHECK_S):
            await _refuse(ws, InvalidToken())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hall.hub.unsubscribe(queue)
