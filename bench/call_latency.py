"""Clerk call-next to the ticket.called event on 20 connected displays (SQLite, or PostgreSQL with two replicas)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench._stats import percentile

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("HALL_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
WINDOW, CATEGORY = 6, "E"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db_url: str, work: Path, count: int) -> list[tuple[subprocess.Popen[bytes], str]]:
    servers = []
    for i in range(count):
        port = _free_port()
        log = (work / f"server{i}.log").open("wb")
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--set", 'logging.level="WARNING"',
                                 "hall-server", "--db", db_url, "--host", "127.0.0.1", "--port", str(port),
                                 "--set", f"server.data_dir={work / 'data'}", "--set",
                                 "server.limits.enabled=false"], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
        servers.append((proc, f"http://127.0.0.1:{port}"))
    for proc, url in servers:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hall server did not start; see {work}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
    return servers


def _stop(servers: list[tuple[subprocess.Popen[bytes], str]]) -> None:
    for proc, _ in servers:
        proc.send_signal(signal.SIGTERM)
    for proc, _ in servers:
        proc.wait(30)


class _Displays:
    """``count`` real events clients; records when each sees ticket.called for a ticket id."""

    def __init__(self, url: str, token: str, count: int) -> None:
        from hall.client.events import EventsClient

        self.count = count
        self.seen: dict[int, list[float]] = {}
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.clients = [EventsClient(url, token, on_event=self._on_event, name=f"bench-{i}") for i in range(count)]

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") != "ticket.called":
            return
        at = time.perf_counter()
        with self.cond:
            self.seen.setdefault(int(event["data"]["id"]), []).append(at)
            self.cond.notify_all()

    def start(self) -> None:
        for c in self.clients:
            c.start()
        deadline = time.monotonic() + 30
        while not all(c.online for c in self.clients):
            if time.monotonic() > deadline:
                raise RuntimeError("displays did not connect")
            time.sleep(0.02)

    def wait(self, ticket_id: int, timeout_s: float = 5.0) -> list[float]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.seen.get(ticket_id, [])) >= self.count, timeout_s)
            return list(self.seen.get(ticket_id, []))

    def stop(self) -> None:
        for c in self.clients:
            c.stop()


def measure(urls: list[str], tokens: dict[str, str], *, displays: int, calls: int) -> dict[str, Any]:
    from hall.client import HallClient

    screens = _Displays(urls[-1], tokens["terminal"], displays)  # the displays sit on the last replica
    screens.start()
    kiosk = HallClient(urls[0], tokens["terminal"], read_timeout=5)
    clerk = HallClient(urls[0], tokens["clerk"], read_timeout=5)
    each: list[float] = []
    slowest: list[float] = []
    missed = 0
    try:
        for i in range(calls + 5):
            kiosk.issue_ticket(CATEGORY)
            t0 = time.perf_counter()
            ticket = clerk.call_next(WINDOW, idempotency_key=uuid.uuid4().hex)
            assert ticket is not None
            seen = screens.wait(ticket.id)
            if i < 5:
                continue  # warm-up: connection pools, first compiled statements
            missed += displays - len(seen)
            lat = [t - t0 for t in seen]
            each.extend(lat)
            if lat:
                slowest.append(max(lat))
    finally:
        kiosk.close()
        clerk.close()
        screens.stop()
    return {"each": each, "slowest": slowest, "missed": missed}


def _pg_database() -> tuple[str, str]:
    import psycopg

    name = f"hall_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"


def _drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench call_latency")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--displays", type=int, default=20)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.rigs.hall_server import prepare_hall

    with tempfile.TemporaryDirectory(prefix="hall-bench-") as tmp:
        work, pg_name = Path(tmp), None
        if args.db == "sqlite":
            db_url, replicas = f"sqlite:///{work / 'hall.db'}", 1
        else:
            pg_name, db_url = _pg_database()
            replicas = 2
        try:
            tokens = prepare_hall(db_url, token_prefix="bench")
            servers = _start(db_url, work, replicas)
            try:
                result = measure([u for _, u in servers], tokens, displays=args.displays, calls=args.calls)
            finally:
                _stop(servers)
        finally:
            if pg_name:
                _drop_pg(pg_name)
    each, slowest = result["each"], result["slowest"]
    return {"db": args.db, "replicas": replicas, "displays": args.displays, "calls": args.calls,
            "p50_ms": round(percentile(each, 50) * 1000, 2), "p95_ms": round(percentile(each, 95) * 1000, 2),
            "p99_ms": round(percentile(each, 99) * 1000, 2),
            "all_displays_p95_ms": round(percentile(slowest, 95) * 1000, 2),
            "max_ms": round(max(each) * 1000, 2), "missed": result["missed"]}
