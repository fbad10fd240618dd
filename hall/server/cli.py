"""``main.py hall-server`` and ``main.py hall admin …`` handlers."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings
    from hall.server.core.db import Database
    from hall.server.core.options import ServerOptions

log = logging.getLogger(__name__)

# Idle keep-alive connections are closed by the server only after the clients' pools have let them go
# (httpx keeps them 5 s): a server closing first races a request on the same socket (connection reset).
KEEP_ALIVE_S = 75


def options_from(settings: Settings) -> ServerOptions:
    from hall.server.auth.limits import Limits
    from hall.server.core.options import ServerOptions
    from hall.server.domain.queue_policy import CallMode, QueuePolicy
    from hall.server.domain.tickets import PriorityReason

    q = settings.queue
    policy = QueuePolicy(mode=CallMode(q.mode), elderly_age=q.elderly_age,
                         priority_reasons=frozenset(PriorityReason(r) for r in q.priority_reasons),
                         ratio_priority=q.ratio_priority, aging_minutes=q.aging_minutes or None,
                         appointment_lead_minutes=q.appointment_lead_minutes, max_recalls=q.max_recalls,
                         reinstate_minutes=q.reinstate_minutes, fallback_window=q.fallback_window or None)
    return ServerOptions(data_dir=settings.server.data_dir, hall_name_zh=settings.hall.name_zh,
                         hall_name_en=settings.hall.name_en, hall_code=settings.hall.code,
                         timezone=settings.hall.timezone,
                         demo_mode=settings.server.demo_mode, policy=policy, max_recalls=q.max_recalls,
                         reinstate_minutes=q.reinstate_minutes, elderly_age=q.elderly_age,
                         daily_quota_per_id=q.daily_quota_per_id, closing_policy=q.closing_policy,
                         notify_ahead=q.notify_ahead, policy_mode=q.mode, policy_ratio=q.ratio_priority,
                         aging_minutes=q.aging_minutes, face_service_key=settings.server.face_service_key,
                         max_body_bytes=settings.server.http.max_body_mb * 1024 * 1024,
                         socket_auth_timeout_s=settings.server.http.socket_auth_timeout_s,
                         connectors={kind: {"driver": c.driver, **c.options()}
                                     for kind, c in settings.connectors.tables().items()},
                         limits=Limits(**settings.server.limits.model_dump()),
                         connectors_allow_twins=settings.connectors.allow_twins)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; uvicorn drains open requests, then we exit 0."""
    import uvicorn

    from hall.server.app import create_app
    from hall.server.build import connector_choices
    from hall.server.connectors.registry import ConnectorError, refuse_twins
    from hall.server.core.db import DatabaseUrlError
    from hall.server.core.memory import limit_arenas
    from hall.server.edge.connections import ConnectionGuard, protocols, raise_descriptor_limit, trusted_proxies

    limit_arenas()  # before the first worker thread: one arena per thread grows RSS for good
    db_url = args.db or settings.server.db
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    try:
        options = options_from(settings)
        refuse_twins(connector_choices(options.connectors), demo_mode=options.demo_mode,
                     allow_twins=options.connectors_allow_twins)
        app = create_app(db_url=db_url, options=options)
    except (DatabaseUrlError, ConnectorError) as exc:
        print(f"hall-server: {exc}", file=sys.stderr)
        return 2
    edge = settings.server.http
    open_files = raise_descriptor_limit(edge.open_files)
    http_protocol, ws_protocol = protocols(ConnectionGuard(
        per_address=edge.connections_per_address, header_timeout_s=edge.header_timeout_s,
        exempt=trusted_proxies(settings.server.proxy_headers, settings.server.forwarded_allow_ips)))
    log.info("hall server listening on http://%s:%s (dashboard at /dashboard; %d open files allowed)",
             host, port, open_files)
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                            timeout_graceful_shutdown=10, loop="uvloop", http=http_protocol,
                            ws=ws_protocol, backlog=2048, proxy_headers=settings.server.proxy_headers,
                            forwarded_allow_ips=settings.server.forwarded_allow_ips,
                            timeout_keep_alive=KEEP_ALIVE_S)
    # uvicorn re-raises the signal it drained on once it has restored the previous handlers; with the
    # default handler that would kill us with -15 instead of the promised exit status 0.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    uvicorn.Server(config).run()
    log.info("hall server stopped")
    # Everything is closed and flushed by now; skipping the interpreter's module teardown saves half a
    # second per stop (a rolling restart, and every server-backed test).
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def admin(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from hall.server.core.db import Database, DatabaseUrlError

    db_url = getattr(args, "db", None) or settings.server.db
    try:
        db = Database(db_url)
    except DatabaseUrlError as exc:
        print(f"hall admin: {exc}", file=sys.stderr)
        return 2
    try:
        return _ADMIN[args.admin_command](db, args, settings)
    except SQLAlchemyError as exc:
        print(f"hall admin {args.admin_command}: database error ({exc.__class__.__name__})", file=sys.stderr)
        return 1
    finally:
        db.dispose()


def _init(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from hall.server.migrate import upgrade

    upgrade(db.engine)
    print("schema is up to date")
    return 0


def _seed(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from hall.server.migrate import upgrade
    from hall.server.seed import seed_demo

    upgrade(db.engine)
    counts = seed_demo(db)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


class TokenExists(Exception):
    code = "token.exists"


# What each role is bound to: a kiosk to its terminal id, an evaluation pad and a counter to a window.
BINDING = {"kiosk": "terminal", "evaluator": "window", "counter": "window"}


def create_token(db: Database, *, role: str, name: str, terminal: str | None = None,
                 window: int | None = None) -> str:
    """Store the hash of a new token and return the token (shown once). Raises TokenExists, and
    ValueError for an unknown role or a binding that does not fit the role (``--terminal`` for kiosks,
    ``--window`` for evaluators and counters, neither for the others)."""
    import re

    from sqlalchemy import select

    from hall.server.auth.models import ApiToken
    from hall.server.auth.tokens import ALL_ROLES
    from hall.server.core.security import hash_token, new_token

    if role not in ALL_ROLES:
        raise ValueError(f"role must be one of {', '.join(ALL_ROLES)}")
    need = BINDING.get(role)
    if need == "terminal" and (terminal is None or not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", terminal)):
        raise ValueError("a kiosk token needs --terminal ID (letters, digits, _ or -, at most 32)")
    if need == "window" and (window is None or not 1 <= window <= 9999):
        raise ValueError(f"a {role} token needs --window N (1-9999)")
    if (terminal is not None and need != "terminal") or (window is not None and need != "window"):
        raise ValueError(f"a {role} token takes no {'--terminal' if terminal is not None else '--window'}")
    token = new_token()
    with db.write() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.name == name))
        if row is not None and row.revoked_at is None:
            raise TokenExists(name)
        if row is None:
            row = ApiToken(name=name, role=role, token_hash="")
            s.add(row)
        row.role, row.token_hash, row.revoked_at = role, hash_token(token), None
        row.terminal, row.window = terminal, window
        row.created_at = datetime.now(UTC)
    return token


def _create_token(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from hall.server.migrate import upgrade

    upgrade(db.engine)
    try:
        token = create_token(db, role=args.role, name=args.name, terminal=getattr(args, "terminal", None),
                             window=getattr(args, "window", None))
    except TokenExists:
        print(f"a token named {args.name!r} exists; revoke it first", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"create-token: {exc}", file=sys.stderr)
        return 2
    if args.role in ("terminal", "clerk"):
        print(f"warning: the role {args.role!r} is deprecated (refused from the next release); use kiosk, "
              "display, evaluator or counter (docs/security.md)", file=sys.stderr)
    bound = f" for terminal {args.terminal}" if getattr(args, "terminal", None) else (
        f" for window {args.window}" if getattr(args, "window", None) else "")
    print(f"created {args.role} token {args.name!r}{bound}; it is shown once:")
    print(token)
    return 0


def _revoke_token(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from hall.server.auth.models import ApiToken

    with db.write() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.name == args.name))
        if row is None or row.revoked_at is not None:
            print(f"no active token named {args.name!r}", file=sys.stderr)
            return 1
        row.revoked_at = datetime.now(UTC)
    print(f"revoked token {args.name!r}")
    return 0


def _import_catalogue(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from hall.server.catalogue.admin import run_import

    return run_import(db, args)


def _import_holidays(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from hall.server.calendar.admin import run_import

    return run_import(db, args)


def _export_catalogue(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from hall.server.catalogue.admin import run_export

    return run_export(db, args)


_ADMIN = {"init": _init, "seed-demo": _seed, "create-token": _create_token, "revoke-token": _revoke_token,
          "import-catalogue": _import_catalogue, "export-catalogue": _export_catalogue,
          "import-holidays": _import_holidays}
