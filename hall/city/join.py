"""``hall admin join-city`` / ``leave-city``: the hall's publication and the city's subscription.

Join: the hall gets its ``city_*`` tables, its code row and the publication ``city_pub`` of exactly those
tables (:mod:`hall.server.citylink.tables`, the privacy boundary); the city gets its schema and one
subscription per hall (``city_<code>``), which copies the hall's rows and then follows its changes.
Leave: the subscription and its slot go, the hall's live rows leave the city (its history stays),
the hall drops its publication and tables. Both are idempotent; exit 2 for SQLite halls.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, delete, select
from sqlalchemy.exc import OperationalError

from hall.city.errors import BadHallCode, CodeTaken, NotLogical, NotPostgres, OtherCode, Unreachable
from hall.city.schema import ensure_city_schema
from hall.server.citylink.code import subscription_name, valid_code
from hall.server.citylink.publish import Publisher
from hall.server.citylink.tables import PUBLICATION, TABLES, city_hall, city_queue, city_terminal, metadata
from hall.server.core.db import libpq_dsn, normalise_url

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Link:
    code: str
    subscription: str
    created: bool  # False: it was there already (a repeated join)


def _engine(url: str, side: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        raise NotPostgres()
    return create_engine(url, pool_size=1, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


@contextlib.contextmanager
def _autocommit(url: str, side: str) -> Iterator[psycopg.Connection[Any]]:
    try:
        conn = psycopg.connect(libpq_dsn(normalise_url(url)), autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as exc:
        raise Unreachable(side=side) from exc
    with conn:
        yield conn


def _check_logical(conn: psycopg.Connection[Any], side: str) -> None:
    row = conn.execute("SHOW wal_level").fetchone()
    value = row[0] if row else "?"
    if value != "logical":
        raise NotLogical(side=side, value=value)


def normalised_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not valid_code(code):
        raise BadHallCode()
    return code


def join_city(*, hall_url: str, city_url: str, code: str, name_zh: str = "", name_en: str = "",
              timezone: str = "Asia/Shanghai", hall_conninfo: str | None = None) -> Link:
    """Publish this hall's summary and subscribe the city to it. Raises a :class:`CityError`."""
    code = normalised_code(code)
    if normalise_url(hall_url).startswith("sqlite"):
        raise NotPostgres()
    sub = subscription_name(code)
    conninfo = hall_conninfo or libpq_dsn(normalise_url(hall_url))
    with _autocommit(hall_url, "hall") as hall:
        _check_logical(hall, "hall")
    with _autocommit(city_url, "city") as city:  # before anything is written: the code is ours or free
        found = city.execute("SELECT subconninfo FROM pg_subscription WHERE subname = %s", (sub,)).fetchone()
        if found is not None and found[0] != conninfo:
            raise CodeTaken(code=code)
    _prepare_hall(hall_url, code=code, name_zh=name_zh, name_en=name_en, timezone=timezone)
    _prepare_city(city_url, code)
    with _autocommit(city_url, "city") as city:
        found = city.execute("SELECT subconninfo FROM pg_subscription WHERE subname = %s", (sub,)).fetchone()
        if found is not None:
            city.execute(sql.SQL("ALTER SUBSCRIPTION {} ENABLE").format(sql.Identifier(sub)))
            return Link(code=code, subscription=sub, created=False)
        with _autocommit(hall_url, "hall") as hall:  # a slot left by an earlier city (rebuilt) goes first
            hall.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                         "WHERE slot_name = %s AND NOT active", (sub,))
        city.execute(sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {} WITH (copy_data = true)").format(
            sql.Identifier(sub), sql.Literal(conninfo), sql.Identifier(PUBLICATION)))
    log.info("hall %s joined the city (subscription %s)", code, sub)
    return Link(code=code, subscription=sub, created=True)


def _prepare_hall(hall_url: str, *, code: str, name_zh: str, name_en: str, timezone: str) -> None:
    engine = _engine(hall_url, "hall")
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            joined = conn.execute(select(city_hall.c.code)).scalars().all()
            other = [c for c in joined if c != code]
            if other:
                raise OtherCode(joined=other[0])
            if not joined:
                now = datetime.now(UTC)
                conn.execute(city_hall.insert().values(code=code, name_zh=name_zh, name_en=name_en,
                                                       joined_at=now, beat_at=now))
            Publisher(name_zh=name_zh, name_en=name_en, timezone=timezone).publish(conn)
        with engine.connect() as conn:
            has = conn.exec_driver_sql("SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,)).first()
        if has is None:
            with _autocommit(hall_url, "hall") as hall:
                hall.execute(sql.SQL("CREATE PUBLICATION {} FOR TABLE {}").format(
                    sql.Identifier(PUBLICATION), sql.SQL(", ").join(sql.Identifier(t.name) for t in TABLES)))
    except OperationalError as exc:
        raise Unreachable(side="hall") from exc
    finally:
        engine.dispose()


def _prepare_city(city_url: str, code: str) -> None:
    engine = _engine(city_url, "city")
    try:
        with engine.begin() as conn:
            ensure_city_schema(conn)
        with _autocommit(city_url, "city") as city:
            _check_logical_city(city)
            taken = city.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", (subscription_name(code),))
            if taken.fetchone() is None:
                # A fresh join copies the hall's live rows again: drop the ones a previous membership left.
                with engine.begin() as conn:
                    for table in (city_queue, city_terminal):
                        conn.execute(delete(table).where(table.c.hall == code))
    except OperationalError as exc:
        raise Unreachable(side="city") from exc
    finally:
        engine.dispose()


def _check_logical_city(city: psycopg.Connection[Any]) -> None:
    # A subscriber needs no particular wal_level, only worker slots; say so when there are none.
    row = city.execute("SHOW max_logical_replication_workers").fetchone()
    if row and int(row[0]) < 1:
        raise NotLogical(side="city", value="max_logical_replication_workers=0")


def leave_city(*, hall_url: str, city_url: str, code: str | None = None) -> list[str]:
    """Undo :func:`join_city`; returns what could not be done (an unreachable side), empty when complete."""
    if normalise_url(hall_url).startswith("sqlite"):
        raise NotPostgres()
    problems: list[str] = []
    if code is None:
        code = _hall_code(hall_url)
    if code is None:
        return problems  # never joined (or left already): nothing to undo on either side
    code = normalised_code(code)
    sub = subscription_name(code)
    try:
        _leave_city_side(city_url, code, sub)
    except Unreachable:
        problems.append("city")
    try:
        _leave_hall_side(hall_url, sub)
    except Unreachable:
        problems.append("hall")
    return problems


def _hall_code(hall_url: str) -> str | None:
    engine = _engine(hall_url, "hall")
    try:
        with engine.connect() as conn:
            if conn.exec_driver_sql("SELECT to_regclass('city_hall')").scalar() is None:
                return None
            return conn.execute(select(city_hall.c.code)).scalar()
    except OperationalError as exc:
        raise Unreachable(side="hall") from exc
    finally:
        engine.dispose()


def _leave_city_side(city_url: str, code: str, sub: str) -> None:
    with _autocommit(city_url, "city") as city:
        if city.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", (sub,)).fetchone():
            name = sql.Identifier(sub)
            try:
                city.execute(sql.SQL("DROP SUBSCRIPTION {}").format(name))
            except psycopg.OperationalError:
                # The hall is unreachable: forget the slot here (the hall side drops it when it can).
                city.execute(sql.SQL("ALTER SUBSCRIPTION {} DISABLE").format(name))
                city.execute(sql.SQL("ALTER SUBSCRIPTION {} SET (slot_name = NONE)").format(name))
                city.execute(sql.SQL("DROP SUBSCRIPTION {}").format(name))
        if city.execute("SELECT to_regclass('city_hall')").fetchone() not in (None, (None,)):
            for table in ("city_queue", "city_terminal", "city_hall"):
                key = "code" if table == "city_hall" else "hall"
                city.execute(sql.SQL("DELETE FROM {} WHERE {} = %s").format(sql.Identifier(table), sql.Identifier(key)),
                             (code,))


def _leave_hall_side(hall_url: str, sub: str) -> None:
    with _autocommit(hall_url, "hall") as hall:
        hall.execute(sql.SQL("DROP PUBLICATION IF EXISTS {}").format(sql.Identifier(PUBLICATION)))
        hall.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                     "WHERE slot_name = %s AND NOT active", (sub,))
        for table in reversed(TABLES):
            hall.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table.name)))
