"""Sending the hub's events down one open WebSocket until the client goes or its credential lapses.

The terminals' ``/api/v1/events`` and the dashboard's live view differ in how they let a socket in and
how they close it; what happens while it is open is this one loop.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import WebSocket


async def pump(ws: WebSocket, queue: asyncio.Queue[dict[str, Any]], *, still_ok: Callable[[], Awaitable[bool]],
               recheck_s: float) -> bool:
    """Send each event of ``queue`` until the client disconnects (True) or ``still_ok``, asked every
    ``recheck_s`` even while events keep flowing, says the credential is gone (False: the caller closes
    with its own code). Client messages are read so a close is noticed promptly; ``ping`` is answered."""
    receiver = asyncio.create_task(_drain(ws))
    checked = time.monotonic()
    try:
        while not receiver.done():
            getter = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait({getter, receiver}, timeout=recheck_s, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                await ws.send_text(json.dumps(getter.result(), ensure_ascii=False))
            else:
                getter.cancel()  # an event not yet taken stays in the queue
            if time.monotonic() - checked >= recheck_s:
                checked = time.monotonic()
                if not await still_ok():
                    return False
        return True
    finally:
        receiver.cancel()


async def _drain(ws: WebSocket) -> None:
    while True:
        msg = await ws.receive()
        if msg["type"] == "websocket.disconnect":
            return
        if msg.get("text") == "ping":
            await ws.send_text('{"type":"pong"}')
