"""PostgreSQL LISTEN: every replica hears the events every other replica's writes NOTIFY."""

from __future__ import annotations

import asyncio
import json
import logging

from hall.server.events.hub import CHANNEL, EventHub

log = logging.getLogger(__name__)


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
