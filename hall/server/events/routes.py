"""``GET /api/v1/events``: the WebSocket of live events (token in ``?token=`` or the first message)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hall.server.auth.tokens import authenticate
from hall.server.core.context import HallContext
from hall.server.domain.errors import DomainError
from hall.server.events.hub import make_event

log = logging.getLogger(__name__)
router = APIRouter(tags=["events"])


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


@router.websocket("/events")
async def events(ws: WebSocket) -> None:
    hall: HallContext = ws.app.state.hall
    await ws.accept()
    client = ws.client.host if ws.client else "?"
    token = ws.query_params.get("token") or await _first_message_token(ws, hall, client)
    try:
        who = await asyncio.to_thread(authenticate, hall, token, client)
    except DomainError as exc:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.send_json({"type": "error", "error": exc.to_dict()})
            await ws.close(code=4401 if exc.kind == "unauthorized" else 4429)
        return
    queue = hall.hub.subscribe()
    try:
        await ws.send_json(make_event("hello", {"role": who.role, "name": who.name}))
        snap = hall.hub.last_snapshot
        if snap is not None:
            await ws.send_json(snap)
        receiver = asyncio.create_task(_drain_incoming(ws))
        while not receiver.done():
            getter = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                await ws.send_text(json.dumps(getter.result(), ensure_ascii=False))
            else:
                getter.cancel()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hall.hub.unsubscribe(queue)


async def _drain_incoming(ws: WebSocket) -> None:
    """Read (and ignore) client messages so a close is noticed promptly; pings are answered."""
    while True:
        msg = await ws.receive()
        if msg["type"] == "websocket.disconnect":
            return
        if msg.get("text") == "ping":
            await ws.send_text('{"type":"pong"}')
