"""``python main.py loadgen`` against a real server process: the report matches what the server stored."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select

from hall.server.tickets.models import Ticket
from tests.rigs.hall_server import HallServer, run_main

ROUTE_KEYS = {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors"}


def loadgen(server: HallServer, *extra: str, minutes: float = 0.25, timeout: float = 120) -> tuple[int, dict[str, Any],
                                                                                                      str]:
    proc = run_main("loadgen", "--server", server.url, "--minutes", str(minutes), "--seed", "3", *extra,
                    timeout=timeout)
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, report, proc.stderr


def test_short_run_report_matches_the_database(hall_server: HallServer) -> None:
    rc, report, stderr = loadgen(hall_server, "--terminals", "30", "--counters", "5", "--displays", "4",
                                 "--speed", "3", "--warmup", "3", "--admin-token", hall_server.tokens["admin"])
    assert rc == 0, (stderr[-2000:], report.get("errors_by_kind"))
    assert report["errors"] == 0 and report["events_missed"] == 0
    assert report["requests"] > 100 and report["requests_per_s"] > 0
    routes = report["routes"]
    for route in ("POST /api/v1/tickets", "POST /api/v1/windows/{n}/call-next", "POST /api/v1/windows/{n}/start",
                  "POST /api/v1/windows/{n}/finish"):
        assert set(routes[route]) == ROUTE_KEYS and routes[route]["count"] > 0, route
        assert routes[route]["p50_ms"] <= routes[route]["p95_ms"] <= routes[route]["p99_ms"]
    assert report["event_delay_p50_ms"] is not None and report["event_delay_p95_ms"] is not None
    assert report["call_to_display_p95_ms"] is not None and report["events_measured"] > 0
    # Every successful call reached every display: 4 displays × called tickets (warm-up included).
    counts = report["counts"]
    memory = report["server_memory"][hall_server.url]
    assert memory["local"] and memory["pids"] == [hall_server.process.pid] and memory["rss_end_mb"] > 20

    # What the report says it did is what the server stored.
    engine = create_engine(hall_server.db_url)
    with engine.connect() as db:
        issued = db.scalar(select(func.count()).select_from(Ticket).where(Ticket.source == "kiosk"))
        done = db.scalar(select(func.count()).select_from(Ticket).where(Ticket.status == "done",
                                                                        Ticket.window >= 901))
        cancelled = db.scalar(select(func.count()).select_from(Ticket).where(Ticket.status == "cancelled"))
    engine.dispose()
    assert issued == counts["tickets_issued"]
    assert done == counts["tickets_finished"] == counts["tickets_called"]
    assert cancelled == counts.get("tickets_cancelled", 0)

    # The simulated windows are closed again, nobody is left at a counter; live lines went to stderr.
    windows = httpx.get(f"{hall_server.url}/api/v1/windows",
                        headers={"Authorization": f"Bearer {hall_server.tokens['clerk']}"}).json()
    mine = [w for w in windows if 901 <= w["number"] <= 905]
    assert len(mine) == 5 and all(w["status"] == "closed" and w["current_ticket_id"] is None for w in mine)
    assert "req=" in stderr and "event p95=" in stderr and "HTTP Request" not in stderr
    # Kiosks registered as terminals and reported in (first beats are spread over 30 s).
    terminals = httpx.get(f"{hall_server.url}/api/v1/terminals",
                          headers={"Authorization": f"Bearer {hall_server.tokens['manager']}"}).json()
    assert len([t for t in terminals if t["id"].startswith("LG")]) == 30
    assert counts.get("heartbeats", 0) > 0


def test_separate_role_tokens_and_the_halls_own_windows(hall_server: HallServer) -> None:
    """Without an admin token the generator uses the hall's existing windows with the clerk token."""
    rc, report, stderr = loadgen(hall_server, "--terminals", "5", "--counters", "2", "--displays", "1",
                                 "--speed", "4", "--terminal-token", hall_server.tokens["terminal"],
                                 "--clerk-token", hall_server.tokens["clerk"], minutes=0.1)
    assert rc == 0, stderr[-2000:]
    assert report["windows"] == [1, 2] and report["counts"]["tickets_issued"] > 0


def test_refusals_exit_2_with_a_code(hall_server: HallServer) -> None:
    rc, report, stderr = loadgen(hall_server, "--admin-token", "not-a-token")
    assert rc == 2 and report == {} and "[token.refused]" in stderr
    rc, _, stderr = loadgen(hall_server)
    assert rc == 2 and "[args.token]" in stderr
    rc, _, stderr = loadgen(hall_server, "--counters", "50", "--terminal-token", hall_server.tokens["terminal"],
                            "--clerk-token", hall_server.tokens["clerk"])
    assert rc == 2 and "[setup.windows]" in stderr  # only an admin token may add windows beyond the hall's 8
    proc = run_main("loadgen", "--server", "http://127.0.0.1:9", "--admin-token", "x", "--minutes", "0.1")
    assert proc.returncode == 2 and "[server.unreachable]" in proc.stderr
    proc = run_main("loadgen", "--server", "ftp://hall", "--admin-token", "x")
    assert proc.returncode == 2 and "[args.server]" in proc.stderr
