"""The server's services (database, keys, event hub, caches, writers, connectors) and the unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from hall.server.core.db import Database
from hall.server.core.options import ServerOptions
from hall.server.core.security import Keyring
from hall.server.core.sql import Sql, session_sql
from hall.server.domain.queue_policy import Window
from hall.server.events.hub import EventHub, make_event, notify_in_transaction

if TYPE_CHECKING:  # the services' own modules import this one
    from hall.server.auth.cache import FailureLimiter, TokenCache
    from hall.server.auth.limits import WriteLimiter
    from hall.server.calendar.service import CalendarCache
    from hall.server.catalogue.cache import CategoryCache
    from hall.server.connectors.registry import Connectors
    from hall.server.core.batch import BatchWriter
    from hall.server.notices.service import Notices


@dataclass
class Tx:
    """A write transaction plus the events it will publish once (and only if) it commits."""

    session: Session
    events: list[dict[str, Any]] = field(default_factory=list)
    # Run once the transaction has committed (never after a rollback), on the writing thread.
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    _sql: Sql | None = field(default=None, init=False, repr=False)

    @property
    def sql(self) -> Sql:
        """Compiled statements on this transaction's own connection (the hot writes use them)."""
        if self._sql is None:
            self._sql = session_sql(self.session)
        return self._sql

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append(make_event(kind, data))


@dataclass
class QueueStats:
    """Service-time statistics for wait estimates, refreshed by the snapshot task: the EWMA of recent
    service durations per category, open windows per category, and the open windows as the domain
    sees them (with weights)."""

    service_seconds: dict[str, float] = field(default_factory=dict)
    open_windows: dict[str, int] = field(default_factory=dict)
    open_domain_windows: Sequence[Window] = ()
    # Estimates already worked out from these figures, by (category, people ahead): every ticket of a
    # burst asks the same few questions, and the answers only change when the figures do.
    estimates: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)

    def update(self, *, service_seconds: dict[str, float], open_windows: dict[str, int],
               open_domain_windows: Sequence[Window]) -> None:
        self.service_seconds, self.open_windows = service_seconds, open_windows
        self.open_domain_windows = open_domain_windows
        self.estimates = {}


@dataclass
class HallDays:
    """The last hall day whose closing (close or carry over the tickets still waiting) is known to be
    done; tickets of a later day are only issued once the day before it is closed."""

    closed_through: date | None = None

    def ready(self, day: date) -> bool:
        """Whether the hall day before ``day`` is known to be closed (in memory; no query)."""
        return self.closed_through is not None and self.closed_through >= day - timedelta(days=1)

    def closed(self, day: date) -> None:
        if self.closed_through is None or day > self.closed_through:
            self.closed_through = day


@dataclass(frozen=True, eq=False)
class HallContext:
    """The server's services, built once by :func:`hall.server.build.build_services`; nothing is added
    to it afterwards (the parts that change — caches, statistics — are objects of their own)."""

    options: ServerOptions
    db: Database
    hub: EventHub
    keyring: Keyring
    categories: CategoryCache
    stats: QueueStats
    days: HallDays
    tokens: TokenCache
    auth_failures: FailureLimiter
    notices: Notices
    writer: BatchWriter
    connectors: Connectors
    calendar: CalendarCache  # the holiday calendar the time limits count working days with
    limits: WriteLimiter

    def day_ready(self, day: date) -> bool:
        return self.days.ready(day)

    @contextmanager
    def unit(self) -> Iterator[Tx]:
        """Write transaction; events go out after commit (SQLite) or via NOTIFY inside it (PostgreSQL)."""
        with self.db.write() as session:
            tx = Tx(session)
            yield tx
            if not self.db.is_sqlite and tx.events:
                notify_in_transaction(tx.sql, tx.events)
        if self.db.is_sqlite:
            self.hub.publish(tx.events)
        for hook in tx.after_commit:
            hook()
        if tx.events:
            self.notices.committed(tx.events)

    def notify_now(self, kind: str, data: dict[str, Any]) -> None:
        """An event with no write behind it (e.g. the emergency alert's echo): straight out."""
        with self.unit() as tx:
            tx.emit(kind, data)
