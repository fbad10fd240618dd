"""Helpers for the offline-cache integration tests: terminal settings, a fault-injecting HTTP proxy
in front of the real hall server, and read-only queries of the server's own database.

The proxy is a fault injector, not a stand-in: in ``pass`` and ``slow`` modes every request reaches
the real server (``slow`` answers only after the client has given up, so the server *did* the
write the client thinks failed); ``fail500`` answers 500 without forwarding.
"""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from config import load_settings
from config.settings import Settings
from tests.rigs.waiting import budget, citizen_budget_under_load, pass_time, wait_until

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def terminal_settings(tmp: Path, server_url: str, token: str, **cache: Any) -> Settings:
    """Settings for a terminal whose outbox lives in ``tmp`` and whose server is ``server_url``."""
    values = {"probe_interval_s": 0.2, "retry_base_s": 0.1, "retry_cap_s": 1.0, "purge_grace_s": 600,
              "key_file": str(tmp / "outbox.key"), "db_path": str(tmp / "outbox.db"),
              "attachments_dir": str(tmp / "outbox-files"), **cache}
    overrides = [f"hall.server_url={server_url}", f'terminal.token="{token}"', "terminal.id=K1",
                 "terminal.offline_prefix=K1"]
    overrides += [f"cache.{k}={v}" if not isinstance(v, str) else f'cache.{k}="{v}"' for k, v in values.items()]
    settings = load_settings(None, overrides)
    return settings if "ticket_budget_s" in cache else citizen_budget_under_load(settings)


class FaultProxy:
    """``http://127.0.0.1:PORT`` forwarding to ``upstream``; switch ``mode`` at any time."""

    def __init__(self, upstream: str, *, mode: str = "pass", delay_s: float = 1.5) -> None:
        self.upstream, self.mode, self.delay_s = upstream, mode, delay_s
        self.requests: list[tuple[str, str, int]] = []
        client = httpx.Client(base_url=upstream, timeout=budget(30))
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                health = self.path.endswith("/health")
                mode = "pass" if health else proxy.mode
                if mode == "fail500":
                    status, headers, content = 500, {"content-type": "application/json"}, \
                        b'{"error":{"code":"internal","message":"injected fault"}}'
                else:
                    headers_in = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                    r = client.request(self.command, self.path, content=body, headers=headers_in)
                    status, headers, content = r.status_code, dict(r.headers), r.content
                    if mode == "slow":
                        # scaled like the terminal's ticket budget: still slower than the citizen may wait
                        pass_time(budget(proxy.delay_s), reason="the injected slow upstream")
                if not health:
                    proxy.requests.append((self.command, self.path, status))
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in HOP_HEADERS:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                try:
                    self.wfile.write(content)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self._client = client

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()


def server_db(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def query(db_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the server's own database (SQLite read-only, or PostgreSQL); ``?`` placeholders."""
    if db_url.startswith("sqlite"):
        with sqlite3.connect(f"file:{server_db(db_url)}?mode=ro", uri=True, timeout=budget(10)) as con:
            return [tuple(r) for r in con.execute(sql, params)]
    import psycopg

    dsn = db_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, connect_timeout=5) as con:
        return [tuple(r) for r in con.execute(sql.replace("?", "%s"), params).fetchall()]


def offline_tickets(db_url: str) -> dict[str, int]:
    """offline number -> how many tickets the server holds with it."""
    rows = query(db_url, "SELECT offline_number, count(*) FROM tickets WHERE source='offline' "
                         "GROUP BY offline_number")
    return {str(n): int(c) for n, c in rows}


def ticket_rows(db_url: str) -> list[tuple[int, str, str, str | None]]:
    """(id, number, status, offline_number) of every ticket on the server."""
    return query(db_url, "SELECT id, number, status, offline_number FROM tickets")


def idempotency_keys(db_url: str, scope: str = "POST /tickets") -> list[str]:
    return [str(r[0]) for r in query(db_url, "SELECT key FROM idempotency_keys WHERE scope=?", (scope,))]


def wait_for(predicate: Any, timeout_s: float = 20.0, interval_s: float = 0.05) -> Any:
    """:func:`tests.rigs.waiting.wait_until` with this module's budget (20 s on an idle machine)."""
    return wait_until(predicate, timeout_s=timeout_s, interval_s=interval_s, max_interval_s=max(interval_s, 0.1))
