"""Build the server's services once: the frozen :class:`~hall.server.core.context.HallContext`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hall.server.auth.cache import FailureLimiter, TokenCache
from hall.server.auth.limits import WriteLimiter
from hall.server.calendar.service import CalendarCache
from hall.server.catalogue.cache import CategoryCache
from hall.server.connectors.registry import Choice, ConnectorContext, Connectors, build_all
from hall.server.core.batch import BatchWriter
from hall.server.core.context import HallContext, HallDays, QueueStats
from hall.server.core.db import Database
from hall.server.core.options import ServerOptions
from hall.server.core.security import Keyring, load_master_key
from hall.server.events.hub import EventHub
from hall.server.feedback.service import limit_alert
from hall.server.notices.service import Notices


def connector_choices(table: Mapping[str, Mapping[str, Any]]) -> dict[str, Choice]:
    """``{"sms": {"driver": "log", …options}}`` (the settings' ``[connectors.*]`` tables) as choices."""
    return {kind: Choice(str(opts.get("driver", "")), {k: v for k, v in opts.items() if k != "driver"})
            for kind, opts in table.items()}


def build_services(*, db_url: str, options: ServerOptions | None = None, connectors: Connectors | None = None
                   ) -> HallContext:
    """Every service of one server process; ``connectors`` replace the settings' choice (tests that
    record what a connector was given). Raises DatabaseUrlError, ConnectorError (a bad setting)."""
    options = options or ServerOptions()
    db = Database(db_url)
    hub = EventHub()
    keyring = Keyring(load_master_key(options.data_dir))
    connectors = connectors or build_all(connector_choices(options.connectors), ConnectorContext(
        keyring=keyring, data_dir=options.data_dir, demo_mode=options.demo_mode,
        allow_twins=options.connectors_allow_twins))
    notices = Notices(connectors.notifier, threshold=options.notify_ahead)
    if not db.is_sqlite:
        _install_batch_functions(db)
    limits = WriteLimiter(options.limits)
    hall = HallContext(
        options=options, db=db, hub=hub, keyring=keyring, categories=CategoryCache(db), stats=QueueStats(),
        days=HallDays(), tokens=TokenCache(options.token_cache_s),
        auth_failures=FailureLimiter(options.auth_failures_per_min), notices=notices,
        writer=BatchWriter(db, hub, on_commit=notices.committed), connectors=connectors,
        calendar=CalendarCache(db), limits=limits)
    limits.bind(lambda who, terminal, what: limit_alert(hall, who, terminal, what))
    return hall


def _install_batch_functions(db: Database) -> None:
    """PostgreSQL: the ticket writer's statements as batch functions (:mod:`hall.server.core.pg_many`);
    PL/pgSQL bodies are not checked against tables, so this works before the first migration too."""
    from hall.server.core.pg_many import install
    from hall.server.tickets.writer import statements

    conn = db.raw_connection()
    try:
        install(conn, statements("postgresql"))
    finally:
        conn.close()
