"""Events client for displays and counters: the server's WebSocket with automatic reconnection.

``EventStream(url, token).run(on_event, on_state)`` blocks (run it on its own thread); ``stop()`` ends it.
``on_state(True/False)`` tells the UI when the connection is up or down, so it can show a banner.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections.abc import Callable
from typing import Any

import websockets

log = logging.getLogger(__name__)

Event = dict[str, Any]


class EventStream:
    def __init__(self, base_url: str, token: str, *, open_timeout: float = 2.0, max_backoff_s: float = 5.0) -> None:
        self.url = base_url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        self.url += "/api/v1/events"
        self._token, self._open_timeout, self._max_backoff = token, open_timeout, max_backoff_s
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def stop(self) -> None:
        self._stop.set()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: None)

    def run(self, on_event: Callable[[Event], None], on_state: Callable[[bool], None] | None = None) -> None:
        """Deliver events until ``stop()``; never raises for network trouble (it reconnects)."""
        asyncio.run(self.run_async(on_event, on_state))

    async def run_async(self, on_event: Callable[[Event], None],
                        on_state: Callable[[bool], None] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        delay, connected = 0.2, None

        def state(up: bool) -> None:
            nonlocal connected
            if up != connected and on_state is not None:
                on_state(up)
            connected = up

        while not self._stop.is_set():
            try:
                async with websockets.connect(self.url, open_timeout=self._open_timeout, ping_interval=5,
                                              ping_timeout=5) as ws:
                    # The token goes in the first message so it stays out of proxy logs and URLs.
                    await ws.send(json.dumps({"token": self._token}))
                    delay = 0.2
                    while not self._stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        event = json.loads(raw)
                        if event.get("type") == "error":
                            log.warning("events refused: %s", event.get("error", {}).get("code"))
                            break
                        if event.get("type") == "hello":
                            state(True)
                        on_event(event)
            except (OSError, websockets.WebSocketException, TimeoutError, ValueError) as exc:
                log.info("events connection lost (%s); reconnecting", exc.__class__.__name__)
            state(False)
            if self._stop.is_set():
                break
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, self._max_backoff)
