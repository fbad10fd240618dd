"""Engines and transactions: SQLite in WAL mode with writes serialised, PostgreSQL through psycopg 3.

Every write goes through :func:`Database.write` so that on SQLite one writer at a time holds the
database (BEGIN IMMEDIATE plus an in-process lock, so threads queue instead of spinning on
``SQLITE_BUSY``), while on PostgreSQL rows are locked by the statements themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from hall.server.core.memory import SQLITE_CACHE_KIB


class DatabaseUrlError(ValueError):
    code = "db.url"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as psycopg 3 URLs; keep SQLite and the rest."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUrlError(f"not a database URL: {exc.__class__.__name__}") from exc
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseUrlError("expected sqlite:///FILE or postgresql://USER@HOST/DB")
    return url


# A committed ticket or submission was promised to a citizen: with FULL the WAL is fsynced at every
# commit, so a power cut loses none of them (NORMAL may lose the last commits, though never corrupts).
# Every connection of the server uses it, the lean ticket writer's too (docs/deploy.md, figures).
SQLITE_SYNCHRONOUS = "FULL"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let us issue BEGIN ourselves (BEGIN IMMEDIATE for writes); pysqlite's implicit BEGIN is deferred.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    # Each pooled connection keeps its own page cache; bounded, or ten of them grow 2 MiB each as the
    # database does (the OS page cache holds the file anyway). See hall.server.memory.
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cur.close()


class Database:
    """One engine plus session factory; ``read()`` and ``write()`` give sessions in a transaction."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self._write_lock = threading.Lock()
        if self.is_sqlite:
            path = make_url(self.url).database or ""
            if path and path != ":memory:":
                from pathlib import Path

                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url, poolclass=QueuePool, pool_size=pool_size, max_overflow=20,
                connect_args={"check_same_thread": False, "timeout": 5}, hide_parameters=True,
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", self._sqlite_begin)
        else:
            # hide_parameters: a failed statement's error (and so the log) never carries the values it was
            # given — names, ID numbers, form data.
            self.engine = create_engine(self.url, pool_size=pool_size, max_overflow=20, pool_recycle=1800,
                                        connect_args={"connect_timeout": 5}, hide_parameters=True)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def write_lock(self) -> threading.Lock:
        """Held by every write of this process on SQLite (the lean ticket writer takes it too)."""
        return self._write_lock

    @staticmethod
    def _sqlite_begin(conn: Any) -> None:
        # Per connection, not per thread: a read made while this thread holds a write (a cache filling
        # itself inside a unit) must not queue behind that very write.
        mode = "IMMEDIATE" if conn.info.get("writing") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    @contextmanager
    def read(self) -> Iterator[Session]:
        # close() (not rollback()) ends the transaction without expiring loaded rows, so callers may use
        # what they read after the block.
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any exception."""
        if not self.is_sqlite:
            with self.sessions() as session, session.begin():
                yield session
            return
        with self._write_lock, self.engine.connect() as conn:
            conn.info["writing"] = True
            try:
                with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                    yield session
            finally:
                conn.info.pop("writing", None)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @property
    def shareable(self) -> bool:
        """Whether another connection of this process sees the same database (not SQLite in memory)."""
        if not self.is_sqlite:
            return True
        path = make_url(self.url).database
        return bool(path) and path != ":memory:"

    def raw_connection(self) -> Any:
        """A DB-API connection of its own, set up like the pool's (the batch writer owns a few)."""
        if self.is_sqlite:
            import sqlite3

            conn = sqlite3.connect(make_url(self.url).database or "", isolation_level=None,
                                   check_same_thread=False, timeout=5)
            _sqlite_pragmas(conn, None)
            conn.isolation_level = None
            return conn
        import psycopg

        return psycopg.connect(libpq_dsn(self.url), connect_timeout=5)

    def dispose(self) -> None:
        self.engine.dispose()


def libpq_dsn(sqlalchemy_url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (for psycopg's own connections)."""
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
