"""The server's shared state (database, keys, event hub, caches) and the unit of work for writes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hall.server.catalogue.models import Category
from hall.server.core.db import Database
from hall.server.core.options import ServerOptions
from hall.server.core.security import Keyring, load_master_key
from hall.server.domain.queue_policy import Window
from hall.server.events.hub import CHANNEL, EventHub, make_event


@dataclass
class Tx:
    """A write transaction plus the events it will publish once (and only if) it commits."""

    session: Session
    events: list[dict[str, Any]] = field(default_factory=list)
    # Run once the transaction has committed (never after a rollback), on the writing thread.
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append(make_event(kind, data))


class CategoryCache:
    """Categories change a few times a year; reading them on every ticket would cost a query."""

    def __init__(self, ttl_s: float = 5.0) -> None:
        self._ttl = ttl_s
        self._at = 0.0
        self._rows: dict[str, Category] = {}
        self._lock = threading.Lock()

    def get(self, db: Database) -> dict[str, Category]:
        now = time.monotonic()
        if now - self._at > self._ttl:
            with self._lock, db.read() as s:
                rows = list(s.scalars(select(Category).order_by(Category.sort, Category.code)))
                for row in rows:
                    s.expunge(row)
                self._rows = {c.code: c for c in rows}
                self._at = now
        return self._rows

    def invalidate(self) -> None:
        self._at = 0.0


class HallContext:
    def __init__(self, *, db_url: str, options: ServerOptions) -> None:
        self.options = options
        self.db = Database(db_url)
        self.hub = EventHub()
        self.keyring = Keyring(load_master_key(options.data_dir))
        self.categories = CategoryCache()
        # Service-time statistics for wait estimates, refreshed by the snapshot task: the EWMA of
        # recent service durations per category and the open windows (domain view, with weights).
        self.service_seconds: dict[str, float] = {}
        self.open_windows: dict[str, int] = {}
        self.open_domain_windows: Sequence[Window] = ()
        # The last hall day whose closing (close or carry over the tickets still waiting) is known to
        # be done; tickets of a later day are only issued once the day before it is closed.
        self.closed_through: date | None = None
        # The lean writer of plain tickets (hall.server.tickets.batch), set up by the app on its loop.
        self.fast_issuer: Any = None
        self.fast_served = 0  # tickets the lean path answered (tests look at it)
        # The notification connector and its worker (hall.server.notices.service).
        self.notices: Any = None

    def day_ready(self, day: date) -> bool:
        """Whether the hall day before ``day`` is known to be closed (in memory; no query)."""
        return self.closed_through is not None and self.closed_through >= day - timedelta(days=1)

    @contextmanager
    def unit(self) -> Iterator[Tx]:
        """Write transaction; events go out after commit (SQLite) or via NOTIFY inside it (PostgreSQL)."""
        with self.db.write() as session:
            tx = Tx(session)
            yield tx
            if not self.db.is_sqlite:
                for event in tx.events:
                    session.execute(text("SELECT pg_notify(:c, :p)"),
                                    {"c": CHANNEL, "p": json.dumps(event, ensure_ascii=False)})
        if self.db.is_sqlite:
            self.hub.publish(tx.events)
        for hook in tx.after_commit:
            hook()
        if self.notices is not None and tx.events:
            self.notices.committed(tx.events)

    def notify_now(self, kind: str, data: dict[str, Any]) -> None:
        """An event with no write behind it (e.g. the emergency alert's echo): straight out."""
        with self.unit() as tx:
            tx.emit(kind, data)
