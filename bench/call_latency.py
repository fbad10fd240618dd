"""Clerk call-next to the ticket.called event on 20 connected displays (SQLite, or PostgreSQL with two replicas)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench._servers import ROOT, drop_pg, pg_database, start_servers, stop_servers
from bench._stats import percentile

WINDOW, CATEGORY = 6, "E"


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
            pg_name, db_url = pg_database()
            replicas = 2
        try:
            tokens = prepare_hall(db_url, token_prefix="bench")
            servers = start_servers(db_url, work, replicas)
            try:
                result = measure([u for _, u in servers], tokens, displays=args.displays, calls=args.calls)
            finally:
                stop_servers(servers)
        finally:
            if pg_name:
                drop_pg(pg_name)
    each, slowest = result["each"], result["slowest"]
    return {"db": args.db, "replicas": replicas, "displays": args.displays, "calls": args.calls,
            "p50_ms": round(percentile(each, 50) * 1000, 2), "p95_ms": round(percentile(each, 95) * 1000, 2),
            "p99_ms": round(percentile(each, 99) * 1000, 2),
            "all_displays_p95_ms": round(percentile(slowest, 95) * 1000, 2),
            "max_ms": round(max(each) * 1000, 2), "missed": result["missed"]}
