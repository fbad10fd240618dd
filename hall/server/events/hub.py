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

from sqlalchemy import bindparam, func, select

from hall.server.core.sql import Sql

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
        # The latest queue.snapshot of this replica: a new subscriber gets it first.
        self.last_snapshot: dict[str, Any] | None = None

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
        loop.call_soon_threadsafe(self._fanout_all, list(events))

    def _fanout_all(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            self.fanout(event)


NOTIFY = select(func.pg_notify(bindparam("c"), bindparam("p")))


def notify_in_transaction(sql: Sql, events: list[dict[str, Any]], *, batched: bool = False) -> None:
    """PostgreSQL: send ``events`` with the transaction (delivered to every replica iff it commits);
    ``batched``: in one round trip (the batch writer's, whose statements are installed as functions)."""
    rows = [{"c": CHANNEL, "p": json.dumps(event, ensure_ascii=False)} for event in events]
    if batched:
        sql.many(NOTIFY, rows)
        return
    for row in rows:
        sql.row(NOTIFY, row)
