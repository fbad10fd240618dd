"""``main.py hall admin join-city|leave-city``, ``main.py city-server`` and ``main.py city …`` handlers.

Exit status: 0 done, 1 a database could not do it (unreachable, wal_level, a code already taken),
2 bad usage (a SQLite hall, a malformed code or URL).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hall.city.errors import BadHallCode, CityError, NotPostgres

if TYPE_CHECKING:
    from config import Settings

log = logging.getLogger(__name__)


def _fail(prefix: str, exc: CityError) -> int:
    print(f"{prefix}: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
    return 2 if isinstance(exc, NotPostgres | BadHallCode) else 1


def hall_admin(args: argparse.Namespace, settings: Settings) -> int:
    """``hall admin join-city`` and ``leave-city``."""
    from hall.city.join import join_city, leave_city
    from hall.server.core.db import DatabaseUrlError

    task = args.admin_command
    hall_url = args.db or settings.server.db
    try:
        if task == "join-city":
            link = join_city(hall_url=hall_url, city_url=args.city_db, code=args.code or settings.hall.code,
                             name_zh=settings.hall.name_zh, name_en=settings.hall.name_en,
                             timezone=settings.hall.timezone, hall_conninfo=args.hall_conninfo)
            print(f"hall {link.code} {'joined' if link.created else 'is joined to'} the city "
                  f"(subscription {link.subscription})")
            return 0
        left = leave_city(hall_url=hall_url, city_url=args.city_db)
    except CityError as exc:
        return _fail(f"hall admin {task}", exc)
    except DatabaseUrlError as exc:
        print(f"hall admin {task}: {exc}", file=sys.stderr)
        return 2
    if left:
        print(f"hall admin leave-city: not done on the {' and '.join(left)} side (unreachable); run it again",
              file=sys.stderr)
        return 1
    print("the hall has left the city")
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """``city-server``: serve until SIGTERM/SIGINT, then exit 0."""
    import uvicorn

    from hall.city.app import create_city_app
    from hall.server.core.db import DatabaseUrlError, normalise_url

    try:
        if normalise_url(args.db).startswith("sqlite"):
            raise DatabaseUrlError("the city database is PostgreSQL (postgresql://…)")
        app = create_city_app(db_url=args.db)
    except DatabaseUrlError as exc:
        print(f"city-server: {exc}", file=sys.stderr)
        return 2
    log.info("city server listening on http://%s:%s (/city, /city/dashboard)", args.host, args.port)
    uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_config=None, access_log=False,
                                  timeout_graceful_shutdown=5, backlog=2048)).run()
    log.info("city server stopped")
    return 0


def admin(args: argparse.Namespace, settings: Settings) -> int:
    """``city init|create-token|revoke-token --db URL``."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.exc import SQLAlchemyError

    from hall.city.schema import city_tokens, ensure_city_schema
    from hall.server.core.db import DatabaseUrlError, normalise_url
    from hall.server.core.security import hash_token, new_token

    try:
        url = normalise_url(args.db)
        if url.startswith("sqlite"):
            raise DatabaseUrlError("the city database is PostgreSQL (postgresql://…)")
    except DatabaseUrlError as exc:
        print(f"city {args.city_command}: {exc}", file=sys.stderr)
        return 2
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            ensure_city_schema(conn)
            if args.city_command == "init":
                print("city schema is up to date")
                return 0
            row = conn.execute(select(city_tokens).where(city_tokens.c.name == args.name)).mappings().first()
            now = datetime.now(UTC)
            if args.city_command == "revoke-token":
                if row is None or row["revoked_at"] is not None:
                    print(f"no active token named {args.name!r}", file=sys.stderr)
                    return 1
                conn.execute(city_tokens.update().where(city_tokens.c.name == args.name).values(revoked_at=now))
                print(f"revoked token {args.name!r}")
                return 0
            if row is not None and row["revoked_at"] is None:
                print(f"a token named {args.name!r} exists; revoke it first", file=sys.stderr)
                return 1
            token = new_token()
            conn.execute(city_tokens.delete().where(city_tokens.c.name == args.name))
            conn.execute(city_tokens.insert().values(name=args.name, token_hash=hash_token(token), created_at=now))
        print(f"created city manager token {args.name!r}; it is shown once:")
        print(token)
        return 0
    except SQLAlchemyError as exc:
        print(f"city {args.city_command}: database error ({exc.__class__.__name__})", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
