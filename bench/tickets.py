"""Ticket issuing throughput and latency with 32 concurrent clients on SQLite or two PostgreSQL replicas."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench._stats import percentile

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("HALL_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
CATEGORIES = "ABCDEF"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_servers(db_url: str, workdir: Path, count: int) -> list[tuple[subprocess.Popen[bytes], str]]:
    servers = []
    for i in range(count):
        port = _free_port()
        log = (workdir / f"server{i}.log").open("wb")
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--set", "logging.level=\"WARNING\"",
                                 "hall-server", "--db", db_url, "--host", "127.0.0.1", "--port", str(port),
                                 "--set", f"server.data_dir={workdir / 'data'}"], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
        servers.append((proc, f"http://127.0.0.1:{port}"))
    for proc, url in servers:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}; see {workdir}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
    return servers


def stop_servers(servers: list[tuple[subprocess.Popen[bytes], str]]) -> None:
    for proc, _ in servers:
        proc.send_signal(signal.SIGTERM)
    for proc, _ in servers:
        proc.wait(30)


async def run_load(urls: list[str], token: str, *, clients: int, seconds: float | None = None,
                   total: int | None = None, retry_every: int = 0) -> dict[str, Any]:
    """Issue tickets from ``clients`` concurrent connections spread over ``urls`` until ``seconds`` pass or
    ``total`` tickets exist. Every ``retry_every``-th request is sent twice with the same Idempotency-Key,
    and both answers must name the same ticket. Returns latencies and the issued tickets."""
    from hall.server.loadclient import RawConnection

    counter = itertools.count()
    latencies: list[float] = []
    tickets: list[dict[str, Any]] = []
    failures: list[str] = []
    replay_mismatches = 0
    deadline = time.monotonic() + seconds if seconds else float("inf")

    async def worker(n: int) -> None:
        nonlocal replay_mismatches
        conn = RawConnection(urls[n % len(urls)], token)
        try:
            while time.monotonic() < deadline:
                i = next(counter)
                if total is not None and i >= total:
                    return
                body = {"category": CATEGORIES[i % len(CATEGORIES)]}
                key = str(uuid.uuid4()) if retry_every and i % retry_every == 0 else None
                t0 = time.perf_counter()
                status, out = await conn.post_json("/api/v1/tickets", body, key=key)
                latencies.append(time.perf_counter() - t0)
                if status != 201:
                    failures.append(f"{status} {out}")
                    continue
                tickets.append(out)
                if key:
                    again = await RawConnection(urls[(n + 1) % len(urls)], token).post_json(
                        "/api/v1/tickets", body, key=key)
                    if again[0] != 201 or again[1]["id"] != out["id"]:
                        replay_mismatches += 1
        finally:
            await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - t0
    return {"latencies": latencies, "tickets": tickets, "failures": failures, "elapsed_s": elapsed,
            "replay_mismatches": replay_mismatches}


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


def _pg_database() -> tuple[str, str]:
    import psycopg

    name = f"hall_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench tickets")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.rigs.hall_server import prepare_hall

    with tempfile.TemporaryDirectory(prefix="hall-bench-") as tmp:
        work = Path(tmp)
        pg_name = None
        if args.db == "sqlite":
            db_url, replicas = f"sqlite:///{work / 'hall.db'}", 1
        else:
            pg_name, db_url = _pg_database()
            replicas = 2
        try:
            token = prepare_hall(db_url, token_prefix="bench")["terminal"]
            servers = start_servers(db_url, work, replicas)
            try:
                # A short warm-up so first-request costs (imports, pools) stay out of the figures.
                warm = asyncio.run(run_load([u for _, u in servers], token, clients=args.clients, total=200))
                result = asyncio.run(run_load([u for _, u in servers], token, clients=args.clients,
                                              seconds=args.seconds))
            finally:
                stop_servers(servers)
        finally:
            if pg_name:
                _drop_pg(pg_name)
    lat = result["latencies"]
    duplicates, gaps = check_numbers(warm["tickets"] + result["tickets"])
    return {"db": args.db, "replicas": replicas, "clients": args.clients,
            "per_s": round(len(result["tickets"]) / result["elapsed_s"], 1),
            "p50_ms": round(percentile(lat, 50) * 1000, 2), "p99_ms": round(percentile(lat, 99) * 1000, 2),
            "duplicates": duplicates, "gaps": gaps, "errors": len(result["failures"])}
