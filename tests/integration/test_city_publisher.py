"""What a joined hall publishes: the summary rows computed from the hall's own tables (real PostgreSQL).

The hall server's publisher (:class:`hall.server.citylink.publish.Publisher`) against a migrated, seeded
hall database in a cluster of the test's own; no city needed to check the figures themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, create_engine, select, text

from hall.server.citylink.publish import Publisher, joined_code
from hall.server.citylink.tables import city_care, city_day, city_hall, city_queue, city_terminal, metadata
from tests.rigs.hall_server import prepare_hall
from tests.rigs.hall_time import hall_time
from tests.rigs.private_postgres import PrivatePostgres

CODE = "420502-07"


def _ticket(conn: Connection, *, n: int, status: str, issued: datetime, called: datetime | None = None,
            started: datetime | None = None, finished: datetime | None = None, category: str = "A") -> None:
    day = issued.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    conn.execute(text("INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, queue_at, "
                      "called_at, started_at, finished_at, call_count, public_token, id_masked) VALUES "
                      "(:num, :n, :cat, :day, :st, 'kiosk', :iss, :iss, :called, :started, :finished, 0, :tok, "
                      "'110105********002X')"),
                 {"num": f"{category}{n:03d}", "n": n, "cat": category, "day": day, "st": status, "iss": issued,
                  "called": called, "started": started, "finished": finished, "tok": f"t{n}{category}"})


def test_the_summary_is_the_halls_figures_and_an_unchanged_row_is_not_written_again(
        private_postgres: PrivatePostgres) -> None:
    url = private_postgres.create_database("hall")
    prepare_hall(url)
    engine = create_engine(url)
    now = hall_time("10:30")  # every figure below on one hall day, whenever the test runs
    try:
        with engine.begin() as conn:
            assert Publisher().publish(conn) is False and joined_code(conn) is None  # not joined: nothing
            metadata.create_all(conn)
            conn.execute(city_hall.insert().values(code=CODE, joined_at=now, beat_at=now))
            conn.execute(text("UPDATE windows SET status = 'open' WHERE number = 1"))  # serves A and F
            _ticket(conn, n=1, status="waiting", issued=now - timedelta(minutes=40))  # past A's 20-minute SLA
            _ticket(conn, n=2, status="waiting", issued=now - timedelta(minutes=1))
            _ticket(conn, n=3, status="done", issued=now - timedelta(minutes=30), called=now - timedelta(minutes=25),
                    started=now - timedelta(minutes=25), finished=now - timedelta(minutes=15))
            _ticket(conn, n=4, status="no_show", issued=now - timedelta(minutes=20), called=now - timedelta(minutes=19))
            _ticket(conn, n=1, status="waiting", issued=now - timedelta(minutes=2), category="B")
            conn.execute(text("INSERT INTO evaluations (level, reasons, comment, created_at) VALUES "
                              "(5, '[]', '', :at), (1, '[\"slow\"]', '张三说太慢', :at)"), {"at": now})
            conn.execute(text("INSERT INTO followups (kind, status, message, note, created_at) VALUES "
                              "('low_rating', 'closed', 'x', '', :at), ('low_rating', 'open', 'x', '', :at), "
                              "('cannot_do', 'open', '张三 办不成', '', :at)"), {"at": now})
            conn.execute(text("INSERT INTO terminals (id, name, kind, location, version, registered_at, last_seen, "
                              "devices, outbox_backlog, oldest_pending_s) VALUES "
                              "('K1', '', 'kiosk', '', '', :at, :at, :dev, 0, 0), "
                              "('K2', '', 'kiosk', '', '', :at, :old, '[]', 0, 0)"),
                         {"at": now, "old": now - timedelta(minutes=10),
                          "dev": '[{"kind": "printer", "health": "degraded", "code": "paper_low"}]'})
            assert Publisher(name_zh="七号大厅").publish(conn, now=now)

        with engine.connect() as conn:
            queue = {r.category: r for r in conn.execute(select(city_queue))}
            day = {r.category: r for r in conn.execute(select(city_day))}
            care = conn.execute(select(city_care)).one()
            terminals = {r.terminal: r for r in conn.execute(select(city_terminal))}
            assert conn.execute(select(city_hall.c.name_zh)).scalar() == "七号大厅"
        a = queue["A"]
        assert (a.hall, a.waiting, a.open_windows, a.sla_breached, a.unserved) == (CODE, 2, 1, True, 0)
        assert a.oldest_at == now - timedelta(minutes=40) and a.category_name == "社会保险"
        assert a.estimated_wait_s is not None
        b = queue["B"]
        assert (b.waiting, b.open_windows, b.unserved, b.estimated_wait_s) == (1, 0, 1, None)
        assert queue["F"].waiting == 0 and "G" in queue
        d = day["A"]
        assert (d.issued, d.served, d.no_show, d.wait_count, d.handling_count) == (4, 1, 1, 2, 1)
        assert d.handling_total_s == 600 and d.wait_total_s == 6 * 60 and d.sla_breaches == 1
        assert (care.ratings, care.good, care.bad, care.bad_open, care.bad_closed, care.cannot_do,
                care.cannot_do_open) == (2, 1, 1, 1, 1, 1, 1)
        assert terminals["K1"].state == "degraded" and terminals["K1"].faults == "printer:paper_low"
        assert terminals["K2"].state == "offline"

        # Nothing changed: the next round writes only the heartbeat (no replication traffic per line).
        later = now + timedelta(seconds=1)
        with engine.begin() as conn:
            assert Publisher(name_zh="七号大厅").publish(conn, now=later)
        with engine.connect() as conn:
            assert {r.changed_at for r in conn.execute(select(city_queue.c.changed_at))
                    if r.changed_at == later} == set()
            assert conn.execute(select(city_hall.c.beat_at)).scalar() == later
    finally:
        engine.dispose()
