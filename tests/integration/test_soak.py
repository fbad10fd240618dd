"""Soak: the default hall mix (100 kiosks, 20 counters, 20 displays) held for a while, on SQLite
(one process) and on PostgreSQL (two replicas on one database).

Acceptance (issue 8): no errors, no display missing a call, server memory growth ≤ 10 % after the
warm-up, event delay p95 ≤ 200 ms. In ``make test`` each backend runs ``HALL_SOAK_SECONDS``
(default 20 s; both backends take about a minute with start-up); the full soak is ``HALL_SOAK_MINUTES=10``. Set
``HALL_SOAK_REPORT_DIR`` to keep the JSON reports (docs/reliability.md quotes them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.rigs.hall_server import HallServer, run_main, start_hall_server, start_prepared
from tests.rigs.waiting import budget_ms


def soak_seconds() -> float:
    minutes = os.environ.get("HALL_SOAK_MINUTES")
    if minutes:
        return float(minutes) * 60
    return float(os.environ.get("HALL_SOAK_SECONDS", "20"))


SECONDS = soak_seconds()
# A long soak warms up for a minute; a CI-sized one for a fifth of its length.
WARMUP_S = 60.0 if SECONDS >= 300 else round(SECONDS / 5, 1)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(int(SECONDS) + 240)]


def soak(servers: list[HallServer], admin_token: str, name: str) -> dict[str, Any]:
    proc = run_main("loadgen", "--server", ",".join(s.url for s in servers), "--terminals", "100",
                    "--counters", "20", "--displays", "20", "--minutes", f"{SECONDS / 60:.4f}",
                    "--warmup", str(WARMUP_S), "--seed", "8", "--admin-token", admin_token,
                    timeout=SECONDS + 180)
    assert proc.stdout.strip(), proc.stderr[-3000:]
    report: dict[str, Any] = json.loads(proc.stdout)
    out = os.environ.get("HALL_SOAK_REPORT_DIR")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"soak-{name}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def server_failures(servers: list[HallServer]) -> list[str]:
    """Tracebacks and ERROR lines in the servers' logs (an unhandled error drops the connection)."""
    lines = []
    for server in servers:
        lines += [line for line in server.log().splitlines() if " ERROR " in line or line.startswith("Traceback")]
    return lines


def check(report: dict[str, Any], servers: list[HallServer]) -> None:
    assert report["errors"] == 0, (report["errors_by_kind"], server_failures(servers)[:6])
    assert server_failures(servers) == []
    assert report["events_missed"] == 0
    counts = report["counts"]
    assert counts["tickets_issued"] > SECONDS and counts["tickets_finished"] > SECONDS / 2
    if "/api/v1/submissions" in report["optional_routes"]:
        assert counts["submissions"] > 0
    for server in servers:
        memory = report["server_memory"][server.url]
        assert memory["pids"] == [server.process.pid]
        assert memory["rss_growth_pct"] <= 10, memory
    for server in servers:
        assert server.process.poll() is None, "a server died during the soak"
    # Data lost: 0 — every acknowledged write is in the database, exactly once.
    assert stored(servers[0].db_url) == {k: counts.get(k, 0) for k in ("tickets_issued", "submissions", "ratings")}
    # The acceptance bound, measured after the warm-up: 200 ms on an idle machine; on a loaded one
    # (two suites at once) the bound is a budget like any wait's, scaled by tests/rigs/waiting.
    assert report["event_delay_p95_ms"] is not None and report["event_delay_p95_ms"] <= budget_ms(200), report


def stored(db_url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, func, select

    from hall.server.feedback.models import Evaluation
    from hall.server.submissions.models import Submission
    from hall.server.tickets.models import Ticket

    engine = create_engine(db_url)
    try:
        with engine.connect() as db:
            def count(model: Any, *where: Any) -> int:
                return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)

            return {"tickets_issued": count(Ticket, Ticket.source == "kiosk"), "submissions": count(Submission),
                    "ratings": count(Evaluation)}
    finally:
        engine.dispose()


def test_soak_sqlite(tmp_path: Path) -> None:
    server = start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path)
    try:
        check(soak([server], server.tokens["admin"], "sqlite"), [server])
    finally:
        assert server.stop() == 0


@pytest.mark.postgres
def test_soak_postgres_two_replicas(fresh_postgres_url: str, tmp_path: Path) -> None:
    first = start_prepared(fresh_postgres_url, tmp_path, name="replica1")
    second = start_hall_server(fresh_postgres_url, tmp_path, name="replica2")
    try:
        report = soak([first, second], first.tokens["admin"], "postgres")
        check(report, [first, second])
    finally:
        assert first.stop() == 0 and second.stop() == 0
