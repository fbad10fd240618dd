"""Many halls, one city: replication lag hall → city, city events/s, /api/v1/city/queues p95 at 200 readers.

Three PostgreSQL clusters (two of halls, one of the city; the test rig's, tests/rigs/city.py) with real
logical replication. N hall databases (default 20) are joined with ``join-city``; each hall issues and
calls tickets at a busy morning's rate, written to its own database, and runs the hall server's own
publisher (:class:`hall.server.citylink.publish.Publisher`) every second, as a hall server does: one
process plays the N hall servers, so the machine is not swamped by N uvicorns. ``lag_p95_s`` is from
the hall's ticket commit to the city database holding it, plus the city server's answer cache (0.5 s,
the worst case), so it bounds what ``/api/v1/city/queues`` shows. Readers: a real ``city-server`` process.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

CACHE_S = 0.5


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench city_fanin")
    p.add_argument("--halls", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30.0, help="length of the measured ticket traffic")
    p.add_argument("--per-minute", type=float, default=12.0, help="tickets issued (and called) per hall per minute")
    p.add_argument("--readers", type=int, default=200)
    p.add_argument("--read-seconds", type=float, default=10.0)
    p.add_argument("--think-s", type=float, default=1.0,
                   help="pause between one reader's requests (the phone page polls every 5 s; 0 = flat out)")
    return p.parse_args(argv)


def _hall_traffic(engine: Any, code: str, per_minute: float, stop: threading.Event,
                  issued: list[tuple[str, int, float]]) -> None:
    """Issue and call tickets of line A at ``per_minute``, recording (hall, issued count, commit time)."""
    from sqlalchemy import text

    count = 0
    rng = random.Random(code)
    while not stop.wait(rng.expovariate(per_minute / 60.0)):
        with engine.begin() as conn:
            count += 1
            conn.execute(text(
                "INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, queue_at, "
                "call_count, public_token) VALUES (:n, :s, 'A', to_char(now() AT TIME ZONE 'Asia/Shanghai', "
                "'YYYY-MM-DD'), 'waiting', 'kiosk', now(), now(), 0, :t)"),
                {"n": f"A{count:04d}", "s": count, "t": uuid.uuid4().hex})
            if count % 2 == 0:  # a window calls the oldest waiting ticket
                conn.execute(text("UPDATE tickets SET status = 'called', called_at = now(), \"window\" = 1 WHERE id = "
                                  "(SELECT min(id) FROM tickets WHERE status = 'waiting')"))
        issued.append((code, count, time.monotonic()))


def _publisher(engines: dict[str, Any], stop: threading.Event) -> None:
    from hall.server.citylink.publish import Publisher

    publishers = {code: Publisher(name_zh=f"大厅{code}") for code in engines}
    while not stop.is_set():
        started = time.monotonic()
        for code, engine in engines.items():
            with engine.begin() as conn:
                publishers[code].publish(conn)
        stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


def _watch(city_engine: Any, stop: threading.Event, seen: dict[tuple[str, int], float]) -> None:
    from sqlalchemy import text

    while not stop.wait(0.05):
        with city_engine.connect() as conn:
            now = time.monotonic()
            for hall, issued in conn.execute(text("SELECT hall, coalesce(sum(issued), 0) FROM city_day "
                                                  "WHERE category = 'A' GROUP BY hall")):
                for k in range(int(issued), 0, -1):
                    if (hall, k) in seen:
                        break
                    seen[(hall, k)] = now


def _city_tuples(city_engine: Any) -> int:
    from sqlalchemy import text

    with city_engine.connect() as conn:
        return int(conn.execute(text("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                                     "FROM pg_stat_user_tables WHERE relname LIKE 'city_%'")).scalar() or 0)


async def _readers(url: str, readers: int, seconds: float, think_s: float) -> list[float]:
    from bench._loadclient import RawConnection

    latencies: list[float] = []
    warm_until = time.monotonic() + 1.0  # connection set-up and the first read are not what is measured
    deadline = warm_until + seconds

    async def one() -> None:
        conn = RawConnection(url, "")
        try:
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                status, _ = await conn.get("/api/v1/city/queues")
                if time.monotonic() > warm_until:
                    latencies.append((time.perf_counter() - t0) * 1000)
                assert status == 200
                if think_s:
                    await asyncio.sleep(random.uniform(0.5, 1.5) * think_s)
        finally:
            await conn.close()

    await asyncio.gather(*(one() for _ in range(readers)))
    return latencies


def _reader_process(url: str, readers: int, seconds: float, think_s: float, out: Any) -> None:
    """The readers in a process of their own, so the halls' threads here do not slow the client down."""
    out.put(asyncio.run(_readers(url, readers, seconds, think_s)))


def _read_elsewhere(url: str, readers: int, seconds: float, think_s: float) -> list[float]:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_reader_process, args=(url, readers, seconds, think_s, queue))
    proc.start()
    latencies: list[float] = queue.get(timeout=seconds + 120)
    proc.join(30)
    return latencies


def main(argv: list[str]) -> dict[str, Any]:
    import tempfile

    from sqlalchemy import create_engine

    from bench._stats import percentile
    from hall.city.join import join_city
    from tests.rigs.city import start_city_server, start_logical_postgres
    from tests.rigs.hall_server import prepare_hall
    from tests.rigs.private_postgres import dispose

    args = _args(argv)
    clusters = [start_logical_postgres(n) for n in ("bench-hall-a", "bench-hall-b", "bench-city")]
    engines: dict[str, Any] = {}
    stop = threading.Event()
    traffic = threading.Event()
    server = None
    work = Path(tempfile.mkdtemp(prefix="bench-city-"))
    try:
        hall_clusters, city = clusters[:2], clusters[2]
        for c in hall_clusters:
            prepare_hall(c.create_database("hall_template"), token_prefix="bench")
        city_url = city.create_database("city")
        t0 = time.monotonic()
        for i in range(args.halls):
            cluster = hall_clusters[i % 2]
            name = f"hall_{i:03d}"
            cluster.sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE hall_template')
            code = f"420502-{i + 1:02d}"
            join_city(hall_url=cluster.url(name), city_url=city_url, code=code, name_zh=f"大厅{code}")
            engines[code] = create_engine(cluster.url(name), pool_size=2)
        join_s = time.monotonic() - t0
        city_engine = create_engine(city_url, pool_size=2)
        issued: list[tuple[str, int, float]] = []
        seen: dict[tuple[str, int], float] = {}
        threads = [threading.Thread(target=_publisher, args=(engines, stop), daemon=True),
                   threading.Thread(target=_watch, args=(city_engine, stop, seen), daemon=True)]
        threads += [threading.Thread(target=_hall_traffic, args=(e, c, args.per_minute, traffic, issued), daemon=True)
                    for c, e in engines.items()]
        before = _city_tuples(city_engine)
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        server = start_city_server(city_url, work)
        latencies = _read_elsewhere(server.url, args.readers, args.read_seconds, args.think_s)
        events = _city_tuples(city_engine) - before
        elapsed = time.monotonic() - started
        traffic.set()
        time.sleep(5)  # the last tickets' changes arrive before the lags are read
        stop.set()
        lags = [seen[(h, k)] - at for h, k, at in issued if (h, k) in seen]
        missing = sum(1 for h, k, _ in issued if (h, k) not in seen)
        return {
            "halls": args.halls, "tickets_issued": len(issued), "tickets_not_seen": missing,
            "lag_p50_s": round(percentile(lags, 50) + CACHE_S, 2) if lags else None,
            "lag_p95_s": round(percentile(lags, 95) + CACHE_S, 2) if lags else None,
            "lag_db_p95_s": round(percentile(lags, 95), 2) if lags else None,
            "city_events_per_s": round(events / elapsed, 1),
            "readers": args.readers, "think_s": args.think_s, "requests": len(latencies),
            "requests_per_s": round(len(latencies) / args.read_seconds, 1),
            "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
            "join_s": round(join_s, 1), "note": "shared 2-core machine, other work running",
        }
    finally:
        traffic.set()
        stop.set()
        if server is not None:
            server.stop()
        for e in engines.values():
            e.dispose()
        for c in clusters:
            dispose(c)
        shutil.rmtree(work, ignore_errors=True)
