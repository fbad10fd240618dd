"""The city dashboard and reports (city manager tokens), and the privacy boundary of what a hall publishes.

One real hall server on a hall cluster, joined to the city cluster; a real city server; tokens made
with ``main.py city create-token``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook

from hall.city.join import join_city, leave_city
from hall.server.citylink.tables import PUBLICATION, TABLES
from tests.rigs.city import CityRig, start_city_server
from tests.rigs.hall_server import run_main, start_hall_server
from tests.rigs.waiting import budget, wait_for_text, wait_until

ID_NUMBER = "11010519491231002X"
NAME = "张三丰"
CODE = "420502-05"


def test_city_dashboard_reports_and_nothing_personal_leaves_the_hall(city: CityRig, tmp_path: Path) -> None:
    url = city.new_hall(city.hall_a)
    # The hall server runs before the hall joins: it notices the join by itself.
    hall = start_hall_server(url, tmp_path, name="hall", extra_env={"HALL_CITY_PUBLISH_INTERVAL_S": "0.3"},
                             settings=("hall.name_zh=五号大厅", "hall.code=420502-99"))
    join_city(hall_url=url, city_url=city.city_url, code=CODE)
    tokens = city.tokens[city.hall_a.port]
    city_server = None
    try:
        auth = {"Authorization": f"Bearer {tokens['terminal']}"}
        ticket = httpx.post(f"{hall.url}/api/v1/tickets", json={"category": "A", "id_number": ID_NUMBER},
                            headers=auth, timeout=budget(10))
        assert ticket.status_code == 201, ticket.text
        help_ = httpx.post(f"{hall.url}/api/v1/help", headers=auth, timeout=budget(10),
                           json={"kind": "cannot_do", "message": f"{NAME} 的材料 QX7Z 办不成",
                                 "ticket_id": ticket.json()["id"]})
        assert help_.status_code == 201, help_.text
        made = run_main("city", "create-token", "--db", city.city_url, "--name", "office")
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip().splitlines()[-1]
        city_server = start_city_server(city.city_url, tmp_path)
        manager = {"Authorization": f"Bearer {token}"}

        def dashboard_row() -> dict[str, Any] | None:
            r = httpx.get(f"{city_server.url}/api/v1/city/dashboard", headers=manager, timeout=budget(5))
            assert r.status_code == 200, r.text
            row: dict[str, Any] | None = next((h for h in r.json()["halls"] if h["hall"] == CODE), None)
            assert row is not None and row["today"]["cannot_do_open"] == 1 and row["waiting"] == 1
            return row

        row = wait_until(dashboard_row, timeout_s=30, what="the hall on the city dashboard")
        # hall.code disagrees with the code the hall joined under: the hall server says so (the join wins).
        wait_for_text(hall.log_path, f"joined the city as {CODE} but hall.code is 420502-99")
        assert row is not None and row["name"] == "五号大厅" and row["stale"] is False
        # Managers only: no token, a hall token, and a revoked token are refused with zh/en messages.
        for headers in ({}, auth):
            refused = httpx.get(f"{city_server.url}/api/v1/city/dashboard", headers=headers, timeout=budget(5))
            assert refused.status_code == 401 and refused.json()["error"]["message_zh"]
        csv = httpx.get(f"{city_server.url}/api/v1/city/reports", params={"period": "day", "format": "csv"},
                        headers=manager, timeout=budget(5))
        assert csv.status_code == 200
        text = csv.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("大厅编码,大厅名称,起始日期") and CODE in text and "全市合计" in text
        xlsx = httpx.get(f"{city_server.url}/api/v1/city/reports", params={"period": "month", "format": "xlsx",
                                                                         "hall": CODE}, headers=manager,
                         timeout=budget(5))
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None and sheet["E1"].value == "取号数" and sheet["A2"].value == CODE
        assert sheet["E2"].value == 1
        for params in ({"period": "year"}, {"date": "2026-13-40"}, {"format": "pdf"}):
            bad = httpx.get(f"{city_server.url}/api/v1/city/reports", params=params, headers=manager,
                            timeout=budget(5))
            assert bad.status_code == 422 and bad.json()["error"]["code"] == "city.bad_period"
        unknown = httpx.get(f"{city_server.url}/api/v1/city/reports", params={"hall": "NOPE-1"}, headers=manager,
                            timeout=budget(5))
        assert unknown.status_code == 404 and unknown.json()["error"]["message_en"]
        revoked = run_main("city", "revoke-token", "--db", city.city_url, "--name", "office")
        assert revoked.returncode == 0
        wait_until(lambda: httpx.get(f"{city_server.url}/api/v1/city/dashboard", headers=manager,
                                     timeout=budget(5)).status_code == 401, timeout_s=10, what="revoked token refused")

        # The privacy boundary: the publication is the summary tables, and the city holds nothing personal.
        name = url.rsplit("/", 1)[1]
        published = city.hall_a.sql(name, "SELECT tablename FROM pg_publication_tables WHERE pubname = %s",
                                    (PUBLICATION,))
        assert sorted(t for (t,) in published) == sorted(t.name for t in TABLES)
        held = city.hall_a.sql(name, "SELECT id_hash, id_masked FROM tickets")
        dump = "\n".join(str(row) for table in TABLES
                         for row in city.city.sql(city.city_db, f"SELECT * FROM {table.name}"))
        for secret in (ID_NUMBER, ID_NUMBER[-4:] + "'", NAME, held[0][0], held[0][1], "QX7Z"):
            assert secret not in dump
    finally:
        if city_server is not None:
            city_server.stop()
        hall.stop()
        leave_city(hall_url=url, city_url=city.city_url)
