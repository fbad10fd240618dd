"""Outbox tables, the SQLite engine (WAL), start-up health check, and the one error choke point."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
)
from sqlalchemy import exc as sa_exc

from offline_cache.errors import (
    CacheCorrupt,
    CacheError,
    DiskFull,
    DuplicateKey,
    StorageBusy,
    StorageError,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_S = 10.0

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
})

# seq gives creation order independent of the wall clock (which may move backwards).
records = Table(
    "records", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", Float, nullable=False),
    Column("next_attempt_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("acked_at", Float),
    Column("last_error", String(64)),
    Column("local_ref", String(64), index=True),
    Column("server_ref", String(64)),
    Column("payload", LargeBinary),
    Column("response", LargeBinary),
    Column("size_bytes", Integer, nullable=False, default=0),
    Column("purged", Integer, nullable=False, default=0),
    sqlite_autoincrement=True,
)

links = Table(
    "attachment_links", metadata,
    Column("seq", Integer, ForeignKey("records.seq", ondelete="CASCADE"), primary_key=True),
    Column("digest", String(64), primary_key=True, index=True),
)

sequences = Table(
    "sequences", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

# Every numbering epoch started and every recovery (lost, zero-length, damaged, stale, taken over):
# what a technician reads in ``cache status``. ``detail`` is JSON without personal data.
recoveries = Table(
    "recoveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("source", String(512)),
    Column("detail", String),
)

# Public reference data for serving offline (lines and hours, catalogue): offline_cache.reference.
# Not required at start-up: an outbox of an earlier version gets the table from create_all.
reference = Table(
    "reference", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# ``recoveries`` came later: an outbox without it is still version 1 (create_all adds it).
REQUIRED_TABLES = {"records", "attachment_links", "sequences", "meta"}


def translate(exc: BaseException) -> CacheError:
    """Map a SQLite/SQLAlchemy/OS failure to the cache error tree (the one place that knows them)."""
    if isinstance(exc, CacheError):
        return exc
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    if isinstance(exc, sa_exc.IntegrityError) and "unique" in text and "records.key" in text:
        return DuplicateKey("a record with this idempotency key exists")
    if isinstance(orig, OSError) and orig.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull("no space left on the outbox disk")
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull("no space left for the outbox database")
    if "locked" in text or "busy" in text:
        return StorageBusy("outbox database locked by another process")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return CacheCorrupt("outbox database is damaged")
    name = type(orig).__name__
    if isinstance(orig, OSError):
        return StorageError(f"outbox file error ({name}, errno {orig.errno})")
    return StorageError(f"outbox database error ({name})")


@contextmanager
def guarded() -> Iterator[None]:
    """Run storage work and translate whatever it raises; keeps vendor errors out of callers."""
    try:
        yield
    except CacheError:
        raise
    except (sa_exc.SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise translate(exc) from exc


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL by default (worker bookkeeping: a lost ack after power loss only means a harmless
    # idempotent resend); promised commits switch to FULL for their own transaction.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}", connect_args={
        "timeout": BUSY_TIMEOUT_S, "check_same_thread": False}, pool_pre_ping=False)
    event.listen(engine, "connect", _on_connect)
    return engine


def check_database(db_path: Path) -> str | None:
    """None if ``db_path`` is missing or healthy, else a short reason it cannot be used."""
    if not db_path.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        return f"cannot open ({type(exc).__name__})"
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return "integrity check failed"
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if names and not REQUIRED_TABLES <= names:
            return "not an outbox database"
        if "meta" in names:
            row = con.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()
            if row is not None and row[0] != SCHEMA_VERSION:
                return f"unknown schema version {row[0]}"
    except sqlite3.Error as exc:
        return f"unreadable ({type(exc).__name__}: {str(exc)[:60]})"
    finally:
        con.close()
    return None


def set_aside(db_path: Path, attachments_dir: Path, *, label: str = "corrupt") -> Path:
    """Rename a database that cannot be used as it is (and its WAL, SHM and attachments) with
    ``label`` and a timestamp; return the new path. Its attachments move to ``<dir>.<label>-<time>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = db_path.with_name(f"{db_path.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        target = db_path.with_name(f"{db_path.name}.{label}-{stamp}-{n}")
        n += 1
    db_path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    # Its attachments belong to it; keep them beside it so the orphan sweep cannot delete them.
    if attachments_dir.exists():
        attachments_dir.rename(set_aside_files(target, attachments_dir))
    return target


def set_aside_files(set_aside_db: Path, attachments_dir: Path) -> Path:
    """Where :func:`set_aside` put the attachments of ``set_aside_db`` (``files.corrupt-<time>``)."""
    return attachments_dir.with_name(f"{attachments_dir.name}.{set_aside_db.name.split('.')[-1]}")


def salvage_numbering(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Best effort: the sequences and meta values (epoch, prefix) of a set-aside database, so its
    offline numbers are not reused. Empty dicts for what cannot be read."""
    found: list[dict[str, Any]] = [{}, {}]
    for i, query in enumerate(("SELECT name, value FROM sequences", "SELECT name, value FROM meta")):
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
            try:
                found[i] = {str(n): (int(v) if i == 0 else str(v)) for n, v in con.execute(query)}
            finally:
                con.close()
        except (sqlite3.Error, ValueError, TypeError):
            continue
    return found[0], found[1]
