"""Core statements compiled once per dialect and run straight on a DB-API connection.

The hot writes (tickets, idempotency keys, line counters) are defined once as SQLAlchemy Core
statements and run through :class:`Sql` both inside an ORM unit of work (on the session's own
connection and transaction) and by the batch writer on its raw connections — so the rule lives in
one place, and the hot path skips SQLAlchemy's per-call work (about a third of a ticket's CPU).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Compiled
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

# Named parameters both drivers accept with a dict (sqlite3: ``:name``, psycopg: ``%(name)s``).
_DIALECTS = {"sqlite": sqlite.dialect(paramstyle="named"), "postgresql": postgresql.psycopg.dialect()}
_lock = threading.Lock()


class Statement:
    """A statement compiled for one dialect: its text, literal parameter values and the column types'
    bind processors (SQLite keeps times as text in SQLAlchemy's format; the raw driver must match)."""

    __slots__ = ("literals", "processors", "text")

    def __init__(self, stmt: ClauseElement, dialect: str) -> None:
        c: Compiled = stmt.compile(dialect=_DIALECTS[dialect])
        self.text = c.string
        self.literals = {k: v for k, v in c.params.items() if v is not None}
        # Not public API, but stable across SQLAlchemy 2.x; the unit tests compare stored rows.
        self.processors: dict[str, Any] = dict(getattr(c, "_bind_processors", {}))

    def params(self, given: Mapping[str, Any]) -> dict[str, Any]:
        out = {**self.literals, **given} if self.literals else dict(given)
        for name, process in self.processors.items():
            if name in out and out[name] is not None:
                out[name] = process(out[name])
        return out


_compiled: dict[tuple[int, str], Statement] = {}


def compiled(stmt: ClauseElement, dialect: str) -> Statement:
    """``stmt`` compiled for ``dialect`` (cached by the statement's identity)."""
    key = (id(stmt), dialect)
    found = _compiled.get(key)
    if found is None:
        found = Statement(stmt, dialect)
        with _lock:
            _compiled[key] = found
    return found


class Cursor(Protocol):
    def execute(self, sql: str, params: Mapping[str, Any], /) -> Any: ...

    def fetchone(self) -> Sequence[Any] | None: ...

    def fetchall(self) -> Sequence[Sequence[Any]]: ...

    @property
    def rowcount(self) -> int: ...


class Sql:
    """Statements on one DB-API connection, in whatever transaction it is in. Statements must be
    module-level constants (they are cached by identity)."""

    def __init__(self, dbapi_connection: Any, dialect: str) -> None:
        self.dialect = dialect
        self._conn = dbapi_connection
        self._cur: Cursor = dbapi_connection.cursor()

    def _run(self, stmt: ClauseElement, params: Mapping[str, Any]) -> Cursor:
        c = compiled(stmt, self.dialect)
        self._cur.execute(c.text, c.params(params))
        return self._cur

    def row(self, stmt: ClauseElement, params: Mapping[str, Any]) -> Sequence[Any] | None:
        """The first row the statement returns (None when it returns none)."""
        return self._run(stmt, params).fetchone()

    def rows(self, stmt: ClauseElement, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        return self._run(stmt, params).fetchall()

    def run(self, stmt: ClauseElement, params: Mapping[str, Any]) -> int:
        """Execute; the number of rows it changed."""
        return int(self._run(stmt, params).rowcount)

    def many(self, stmt: ClauseElement, rows: Sequence[Mapping[str, Any]]) -> Sequence[Sequence[Any] | None]:
        """``stmt`` for each of ``rows``, in order: per row the row it returned, or None. PostgreSQL sends
        them in one round trip (:mod:`hall.server.core.pg_many`) and reads the answer when it is first
        looked at — in a pipeline, statements sent before that share the trip; SQLite runs them in process,
        one by one, at once."""
        if self.dialect == "postgresql":
            from hall.server.core.pg_many import many

            return many(self._conn, stmt, rows)
        return [self.row(stmt, r) for r in rows]


def session_sql(session: Session) -> Sql:
    """:class:`Sql` on a session's connection, inside its transaction (begun here if it was not)."""
    conn = session.connection()  # begins the transaction (BEGIN IMMEDIATE for SQLite writes)
    return Sql(conn.connection.driver_connection, conn.dialect.name)
