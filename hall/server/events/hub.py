"""Event fan-out: in-process queues per WebSocket, and PostgreSQL LISTEN/NOTIFY between replicas.

On SQLite, a write publishes its events after commit straight into this process's hub. On
PostgreSQL the write runs ``pg_notify`` inside its own transaction (so an event exists iff the
write committed) and every replica — the writer included — receives it through its LISTEN task.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "hall_events"
_QUEUE_MAX = 1000


def make_event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "at": datetime.now(UTC).isoformat(), "data": data}


class EventHub:
    """Subscribers are asyncio queues on the server's loop; publishing is safe from any thread."""

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_QUEUE_MAX)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(queue)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def fanout(self, event: dict[str, Any]) -> None:
        """Deliver to every subscriber; must run on the loop. A slow subscriber loses old events, not us."""
        for queue in list(self._subscribers):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    def publish(self, events: list[dict[str, Any]]) -> None:
        """From any thread: schedule delivery on the loop."""
        loop = self._loop
        if loop is None or loop.is_closed() or not events:
            return
        for event in events:
            loop.call_soon_threadsafe(self.fanout, event)


def libpq_dsn(sqlalchemy_url: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def listen_forever(hub: EventHub, dsn: str, *, ready: asyncio.Event | None = None) -> None:
    """LISTEN on the events channel; reconnect with back-off when PostgreSQL goes away."""
    import psycopg

    delay = 0.2
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                log.info("listening for events from other replicas")
                delay = 0.2
                if ready is not None:
                    ready.set()
                async for note in conn.notifies():
                    if not hub.subscriber_count:
                        continue  # nobody to tell: skip decoding (every ticket of every replica comes by)
                    try:
                        hub.fanout(json.loads(note.payload))
                    except ValueError:
                        log.warning("dropped a malformed event notification")
        except asyncio.CancelledError:
            raise
        except (psycopg.Error, OSError) as exc:
            log.warning("event listener lost PostgreSQL (%s); retrying in %.1f s", exc.__class__.__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
