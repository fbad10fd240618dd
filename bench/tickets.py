"""Ticket issuing throughput and latency with 32 concurrent clients on SQLite or two PostgreSQL replicas.

Two ways to load the server:

* closed loop (default, the issue's command line): each of ``--clients`` connections sends its next
  ticket as soon as the last one is answered. ``per_s`` is then the most the server gives, and by
  Little's law the mean latency is ``clients / per_s`` (32 clients at 500/s → 64 ms), so a p99 under
  50 ms in this mode needs roughly twice the throughput target.
* paced (``--rate R``): tickets are due at R per second in total whatever the answers do, spread over
  the same connections, and each latency is counted from the moment its ticket was *due* (a late send
  counts as waiting, so a slow server cannot hide its backlog). This is the question a hall asks —
  "at 500 (or 800) tickets a second, how long does a citizen wait for the slip?" — and how the
  latency targets are meant to be read.

Each client sends what a kiosk sends: ``{"category", "terminal_id"}`` for the hall's own lines (the
seeded demo hall's categories) with a fresh ``Idempotency-Key`` per ticket, as a kiosk's outbox does;
``--no-keys`` leaves the key out (the figure kiosks never see, kept for comparison), and the output says
which with ``"idempotency_keys"``. Figures are medians of ``--runs`` (3) runs of ``--seconds`` each, on the
same servers. The load generator is a raw asyncio HTTP/1.1 keep-alive client (bench._loadclient) so that
on a 2-core machine it takes a small share of the CPU; ``loadgen_cpu_ms_per_ticket``,
``server_cpu_ms_per_ticket`` and ``load_1m`` (the machine's load average when the run started) say how fair
the run was.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench._servers import LIMITS_NOTE, ROOT, drop_pg, pg_database, start_servers, stop_servers
from bench._stats import percentile
from hall.server.domain.hallday import MAX_SEQUENCE

# The demo hall's lines (hall/server/seed_data/demo_hall.json), all a kiosk offers. Numbers are checked
# and the day starts afresh after every run, so a run of 20 s stays below a line's last number (9999).
CATEGORIES = "ABCDEFG"


async def run_load(urls: list[str], token: str, *, clients: int, seconds: float | None = None,
                   total: int | None = None, retry_every: int = 0, rate: float | None = None,
                   categories: str = CATEGORIES, keys: bool = True) -> dict[str, Any]:
    """Issue tickets from ``clients`` concurrent connections (kiosks ``K01``…) spread over ``urls`` until
    ``seconds`` pass or ``total`` tickets exist, each with a fresh Idempotency-Key unless ``keys`` is
    False. Every ``retry_every``-th request is sent again with its key to the next server, and both
    answers must name the same ticket. With ``rate``, ticket ``i`` is due ``i / rate`` seconds after the
    start and its latency counts from then. Returns latencies and the issued tickets."""
    from bench._loadclient import RawConnection

    counter = itertools.count()
    # A hall day has MAX_SEQUENCE numbers per category; a fast server issues them all in under 20 s, so
    # a run ends when the day's numbers would run out rather than measuring refusals.
    day_capacity = len(categories) * (MAX_SEQUENCE - 10)
    if total is None or total > day_capacity:
        total = day_capacity
    latencies: list[float] = []
    tickets: list[dict[str, Any]] = []
    failures: list[str] = []
    replay_mismatches = 0
    start = time.perf_counter()
    deadline = start + seconds if seconds else float("inf")

    async def worker(n: int) -> None:
        nonlocal replay_mismatches
        conn = RawConnection(urls[n % len(urls)], token)
        try:
            while time.perf_counter() < deadline:
                i = next(counter)
                if total is not None and i >= total:
                    return
                body = {"category": categories[i % len(categories)], "terminal_id": f"K{n + 1:02d}"}
                retry = bool(retry_every) and i % retry_every == 0
                key = str(uuid.uuid4()) if keys or retry else None
                t0 = time.perf_counter()
                if rate:
                    due = start + i / rate
                    if due >= deadline:
                        return
                    if due > t0:
                        await asyncio.sleep(due - t0)
                    t0 = due
                status, out = await conn.post_json("/api/v1/tickets", body, key=key)
                latencies.append(time.perf_counter() - t0)
                if status != 201:
                    failures.append(f"{status} {out}")
                    continue
                tickets.append(out)
                if retry:
                    again = await RawConnection(urls[(n + 1) % len(urls)], token).post_json(
                        "/api/v1/tickets", body, key=key)
                    if again[0] != 201 or again[1]["id"] != out["id"]:
                        replay_mismatches += 1
        finally:
            await conn.close()

    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - start
    if seconds:
        elapsed = min(elapsed, seconds)
    return {"latencies": latencies, "tickets": tickets, "failures": failures, "elapsed_s": elapsed,
            "replay_mismatches": replay_mismatches, "day_used_up": len(tickets) >= total}


def check_numbers(tickets: list[dict[str, Any]]) -> tuple[int, int]:
    """(duplicates, gaps) over the issued numbers, per category."""
    by_cat: dict[str, list[int]] = {}
    for t in tickets:
        by_cat.setdefault(t["category"], []).append(int(t["number"][1:]))
    duplicates = gaps = 0
    for seqs in by_cat.values():
        duplicates += len(seqs) - len(set(seqs))
        uniq = sorted(set(seqs))
        gaps += (uniq[-1] - uniq[0] + 1 - len(uniq)) + (uniq[0] - 1)
    return duplicates, gaps


def _reset_tickets(db_url: str) -> None:
    from sqlalchemy import text

    from hall.server.core.db import Database

    db = Database(db_url)
    try:
        with db.write() as s:
            s.execute(text("DELETE FROM idempotency_keys"))
            s.execute(text("DELETE FROM tickets"))
            s.execute(text("DELETE FROM ticket_counters"))
    finally:
        db.dispose()


def _cpu_s(pid: int | None = None) -> float:
    """User + system CPU seconds of a process (this one when ``pid`` is None)."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench tickets")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=None,
                        help="pace the clients at this many tickets/s in total (default: closed loop)")
    parser.add_argument("--runs", type=int, default=3,
                        help="measure this many times on the same servers; figures are the medians")
    parser.add_argument("--no-keys", action="store_true",
                        help="send no Idempotency-Key (kiosks always send one; for comparison only)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.runs < 1 or (args.rate is not None and args.rate <= 0):
        parser.error("--clients, --seconds, --runs and --rate must be positive")
    sys.path.insert(0, str(ROOT))
    from tests.rigs.hall_server import prepare_hall

    runs: list[dict[str, float]] = []
    tickets: list[dict[str, Any]] = []
    errors = duplicates = gaps = day_used_up = 0
    with tempfile.TemporaryDirectory(prefix="hall-bench-") as tmp:
        work = Path(tmp)
        pg_name = None
        if args.db == "sqlite":
            db_url, replicas = f"sqlite:///{work / 'hall.db'}", 1
        else:
            pg_name, db_url = pg_database()
            replicas = 2
        try:
            token = prepare_hall(db_url, token_prefix="bench")["terminal"]
            servers = start_servers(db_url, work, replicas)
            try:
                # A short warm-up so first-request costs (imports, pools) stay out of the figures.
                urls = [u for _, u in servers]
                warm = asyncio.run(run_load(urls, token, clients=args.clients, total=200, keys=not args.no_keys))
                check = check_numbers(warm["tickets"])
                duplicates, gaps = duplicates + check[0], gaps + check[1]
                _reset_tickets(db_url)  # every measured run starts on a fresh day (the warm-up used none of it)
                for _ in range(args.runs):
                    load_1m = os.getloadavg()[0]
                    cpu0 = [_cpu_s(p.pid) for p, _ in servers], _cpu_s()
                    result = asyncio.run(run_load(urls, token, clients=args.clients, seconds=args.seconds,
                                                  rate=args.rate, keys=not args.no_keys))
                    cpu1 = [_cpu_s(p.pid) for p, _ in servers], _cpu_s()
                    tickets.extend(result["tickets"])
                    errors += len(result["failures"])
                    runs.append(_figures(result, cpu0, cpu1, load_1m))
                    runs[-1]["seconds"] = result["elapsed_s"]
                    day_used_up += result["day_used_up"]
                    # Numbers are checked per run, then the day starts afresh, so several runs of a fast
                    # server never reach a line's last number (9999).
                    dup, gap = check_numbers(tickets)
                    duplicates, gaps = duplicates + dup, gaps + gap
                    tickets = []
                    _reset_tickets(db_url)
            finally:
                stop_servers(servers)
        finally:
            if pg_name:
                drop_pg(pg_name)
    med = {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}
    return {"db": args.db, "replicas": replicas, "clients": args.clients, "idempotency_keys": not args.no_keys,
            "server_limits": LIMITS_NOTE,
            "mode": "paced" if args.rate else "closed_loop", "rate_per_s": args.rate, "runs": args.runs,
            "per_s": round(med["per_s"], 1), "p50_ms": round(med["p50_ms"], 2), "p99_ms": round(med["p99_ms"], 2),
            "p99_ms_worst": round(max(r["p99_ms"] for r in runs), 2),
            "duplicates": duplicates, "gaps": gaps, "errors": errors,
            "seconds_per_run": med["seconds"], "runs_that_used_up_the_day": day_used_up,
            "server_cpu_ms_per_ticket": med["server_cpu_ms_per_ticket"],
            "loadgen_cpu_ms_per_ticket": med["loadgen_cpu_ms_per_ticket"], "load_1m": med["load_1m"]}


def _figures(result: dict[str, Any], cpu0: tuple[list[float], float], cpu1: tuple[list[float], float],
             load_1m: float) -> dict[str, float]:
    lat = result["latencies"]
    issued = max(1, len(result["tickets"]))
    return {"per_s": len(result["tickets"]) / result["elapsed_s"], "p50_ms": percentile(lat, 50) * 1000,
            "p99_ms": percentile(lat, 99) * 1000,
            "server_cpu_ms_per_ticket": sum(b - a for a, b in zip(cpu0[0], cpu1[0], strict=True)) * 1000 / issued,
            "loadgen_cpu_ms_per_ticket": (cpu1[1] - cpu0[1]) * 1000 / issued, "load_1m": load_1m}
