"""Issue 18 on real clusters: halls publish, the city subscribes (PostgreSQL logical replication).

Three clusters (tests/rigs/city.py), real hall servers and a real city server; a hall cluster and the
city cluster are killed (``pg_ctl -m immediate``) and restarted. Nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hall.city.errors import CodeTaken
from hall.city.join import join_city, leave_city
from hall.server.citylink.publish import Publisher
from tests.rigs.city import CityRig, CityServer, LogicalPostgres, start_city_server
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.waiting import budget, wait_until

pytestmark = pytest.mark.timeout(600)
FAST = {"HALL_CITY_PUBLISH_INTERVAL_S": "0.3", "HALL_SNAPSHOT_INTERVAL_S": "1"}
ID_NUMBER = "11010519491231002X"


def _issue(server: HallServer, category: str = "A", **body: object) -> dict[str, object]:
    r = httpx.post(f"{server.url}/api/v1/tickets", json={"category": category, **body},
                   headers={"Authorization": f"Bearer {server.tokens['terminal']}"}, timeout=budget(10))
    assert r.status_code == 201, r.text
    out: dict[str, object] = r.json()
    return out


def _line(rows: list[dict[str, object]], hall: str, category: str = "A") -> dict[str, object] | None:
    return next((r for r in rows if r["hall"] == hall and r["category"] == category), None)


def _waiting_is(city_server: CityServer, hall: str, n: int, *, stale: bool | None = False) -> bool:
    row = _line(city_server.queues(), hall)
    return row is not None and row["waiting"] == n and (stale is None or row["stale"] is stale)


def _hall_issued(cluster: LogicalPostgres, db_url: str) -> int:
    name = db_url.rsplit("/", 1)[1]
    return int(cluster.sql(name, "SELECT count(*) FROM tickets")[0][0])


def _city_issued(rig: CityRig, hall: str) -> int:
    rows = rig.city.sql(rig.city_db, "SELECT coalesce(sum(issued), 0) FROM city_day WHERE hall = %s", (hall,))
    return int(rows[0][0])


TwoHalls = tuple[CityRig, list[tuple[str, str, HallServer]], CityServer]


@pytest.fixture
def two_halls(city: CityRig, tmp_path: Path) -> Iterator[TwoHalls]:
    """Hall 420502-01 on cluster A and 420502-02 on cluster B, joined, each with its running server."""
    halls: list[tuple[str, str, HallServer]] = []
    city_server = None
    try:
        for code, cluster in (("420502-01", city.hall_a), ("420502-02", city.hall_b)):
            url = city.new_hall(cluster)
            join_city(hall_url=url, city_url=city.city_url, code=code, name_zh=f"大厅{code[-2:]}")
            server = start_hall_server(url, tmp_path, name=code, extra_env=FAST,
                                       settings=(f"hall.name_zh=大厅{code[-2:]}", f"hall.code={code}"))
            server.tokens = city.tokens[cluster.port]
            halls.append((code, url, server))
        city_server = start_city_server(city.city_url, tmp_path, extra_env={"HALL_CITY_STALE_AFTER_S": "4"})
        yield city, halls, city_server
    finally:
        if city_server is not None:
            city_server.stop()
        for _code, url, server in halls:
            server.stop()
            for cluster in city.clusters:
                cluster.ensure_running()
            leave_city(hall_url=url, city_url=city.city_url)


def test_a_hall_change_reaches_the_city_and_a_silent_hall_goes_stale_not_empty(two_halls: TwoHalls) -> None:
    _, halls, city_server = two_halls
    (code_a, _, server_a), (code_b, _, server_b) = halls
    _issue(server_a)
    _issue(server_a)
    _issue(server_b)
    wait_until(lambda: _waiting_is(city_server, code_a, 2) and _waiting_is(city_server, code_b, 1),
               timeout_s=20, what="both halls' queues on /api/v1/city/queues")
    row = _line(city_server.queues(), code_a)
    assert row is not None and set(row) == {"hall", "name", "category", "category_name", "waiting",
                                            "estimated_wait_s", "open_windows", "updated_at", "stale"}
    assert row["name"] == "大厅01" and row["category_name"]
    page = httpx.get(f"{city_server.url}/city", timeout=budget(5))
    assert page.status_code == 200 and "/api/v1/city/queues" in page.text
    # The hall server stops: its rows stay, marked stale (never "no queue").
    assert server_a.stop() == 0
    wait_until(lambda: _waiting_is(city_server, code_a, 2, stale=True), timeout_s=20, what="hall A stale")
    assert _waiting_is(city_server, code_b, 1, stale=False)


def test_killing_a_hall_cluster_confuses_no_hall_and_loses_nothing(two_halls: TwoHalls) -> None:
    rig, halls, city_server = two_halls
    (code_a, url_a, server_a), (code_b, _, server_b) = halls
    _issue(server_a)
    wait_until(lambda: _waiting_is(city_server, code_a, 1), timeout_s=20, what="hall A's ticket in the city")
    rig.hall_a.stop("immediate")
    _issue(server_b)  # the other hall (other cluster) goes on, and so does its city view
    wait_until(lambda: _waiting_is(city_server, code_b, 1), timeout_s=20, what="hall B's ticket in the city")
    assert _waiting_is(city_server, code_a, 1, stale=None)  # still shown while its cluster is down
    rig.hall_a.start()
    wait_until(lambda: httpx.post(f"{server_a.url}/api/v1/tickets", json={"category": "A"},
                                  headers={"Authorization": f"Bearer {server_a.tokens['terminal']}"},
                                  timeout=budget(5)).status_code == 201,
               timeout_s=60, what="hall A's server issuing again after its database came back")
    wait_until(lambda: _waiting_is(city_server, code_a, 2), timeout_s=30, what="hall A caught up in the city")
    wait_until(lambda: _city_issued(rig, code_a) == _hall_issued(rig.hall_a, url_a) == 2, timeout_s=30,
               what="hall A's day figures equal in hall and city (no duplicates)")


def test_killing_the_city_cluster_changes_nothing_inside_the_halls(two_halls: TwoHalls) -> None:
    rig, halls, city_server = two_halls
    (code_a, url_a, server_a), _ = halls
    _issue(server_a)
    wait_until(lambda: _waiting_is(city_server, code_a, 1), timeout_s=20, what="hall A's ticket in the city")
    rig.city.stop("immediate")
    for _ in range(5):  # the hall issues as ever while the city is down
        _issue(server_a, category="B")
    # The city server keeps answering with what it last read; the rows age into "stale".
    wait_until(lambda: _waiting_is(city_server, code_a, 1, stale=True), timeout_s=20, what="last board, stale")
    rig.city.start()
    wait_until(lambda: (_line(city_server.queues(), code_a, "B") or {}).get("waiting") == 5, timeout_s=60,
               what="the city caught up with hall A's line B")
    wait_until(lambda: _city_issued(rig, code_a) == _hall_issued(rig.hall_a, url_a) == 6, timeout_s=30,
               what="hall A's day figures equal in hall and city (no duplicates after the catch-up)")


def test_a_hall_rebuilt_and_rejoined_does_not_double_its_history(city: CityRig) -> None:
    code = "420502-09"
    first = city.new_hall(city.hall_b)
    try:
        join_city(hall_url=first, city_url=city.city_url, code=code)
        name = first.rsplit("/", 1)[1]
        # History the hall had: a past day, published and replicated.
        city.hall_b.sql(name, "INSERT INTO city_day (hall, day, category, issued, served, no_show, cancelled, "
                              "wait_total_s, wait_count, handling_total_s, handling_count, sla_breaches, changed_at) "
                              "VALUES (%s, '2026-01-05', 'A', 40, 38, 2, 0, 0, 0, 0, 0, 0, now())", (code,))
        wait_until(lambda: _city_issued(city, code) == 40, timeout_s=30, what="the past day in the city")
        # Another database cannot take the code while this one holds it, and nothing is written to it.
        other = city.new_hall(city.hall_a)
        with pytest.raises(CodeTaken):
            join_city(hall_url=other, city_url=city.city_url, code=code)
        assert city.hall_a.sql(other.rsplit("/", 1)[1], "SELECT to_regclass('city_hall')") == [(None,)]
        # Rebuilt: a new database restored with the same history (and the same code) joins again.
        assert leave_city(hall_url=first, city_url=city.city_url) == []
        second = city.new_hall(city.hall_b)
        join_city(hall_url=second, city_url=city.city_url, code=code)
        new = second.rsplit("/", 1)[1]
        city.hall_b.sql(new, "INSERT INTO city_day (hall, day, category, issued, served, no_show, cancelled, "
                             "wait_total_s, wait_count, handling_total_s, handling_count, sla_breaches, changed_at) "
                             "VALUES (%s, '2026-01-05', 'A', 40, 38, 2, 0, 0, 0, 0, 0, 0, now())", (code,))
        city.hall_b.sql(new, "INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, "
                             "queue_at, call_count, public_token) VALUES ('A001', 1, 'A', "
                             "to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 'waiting', 'kiosk', now(), "
                             "now(), 0, 'rebuilt-1')")
        from sqlalchemy import create_engine

        engine = create_engine(second)
        with engine.begin() as conn:
            assert Publisher().publish(conn)
        engine.dispose()
        wait_until(lambda: _city_issued(city, code) == 41, timeout_s=30, what="history once plus today's ticket")
        rows = city.city.sql(city.city_db, "SELECT count(*) FROM city_day WHERE hall = %s AND day = '2026-01-05'",
                             (code,))
        assert rows[0][0] == 1
        leave_city(hall_url=second, city_url=city.city_url)
    finally:
        leave_city(hall_url=first, city_url=city.city_url)
