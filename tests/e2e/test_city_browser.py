"""The citizen's phone page ``/city`` and the city dashboard in Debian's chromium (Playwright).

Two halls on two hall clusters joined to the city cluster (tests/rigs/city.py); each hall's summary is
refreshed by the hall server's own publisher code, run here once per change; a real city server process.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from hall.city.join import join_city, leave_city
from hall.server.citylink.publish import Publisher
from tests.rigs.city import CityRig, CityServer, start_city_server
from tests.rigs.hall_server import run_main
from tests.rigs.waiting import budget_ms, wait_until


def _hall_with_queue(url: str, *, waiting: int, name: str) -> None:
    """``waiting`` tickets of 社会保险 (A) and window 1 open: the hall's estimate is waiting × 300 s."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE windows SET status = 'open' WHERE number = 1"))
        for i in range(waiting):
            conn.execute(text(
                "INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, queue_at, "
                "call_count, public_token) VALUES (:n, :s, 'A', to_char(now() AT TIME ZONE 'Asia/Shanghai', "
                "'YYYY-MM-DD'), 'waiting', 'kiosk', now(), now(), 0, :t)"),
                {"n": f"A{i + 1:03d}", "s": i + 1, "t": uuid.uuid4().hex})
        assert Publisher(name_zh=name).publish(conn)
    engine.dispose()


@pytest.fixture
def city_site(city: CityRig, tmp_path: Path) -> Iterator[CityServer]:
    joined = []
    server = None
    try:
        for code, cluster, waiting, name in (("420502-11", city.hall_a, 3, "东区中心"),
                                             ("420502-12", city.hall_b, 1, "西区中心")):
            url = city.new_hall(cluster)
            join_city(hall_url=url, city_url=city.city_url, code=code)
            joined.append(url)
            _hall_with_queue(url, waiting=waiting, name=name)
        server = start_city_server(city.city_url, tmp_path)
        yield server
    finally:
        if server is not None:
            server.stop()
        for url in joined:
            leave_city(hall_url=url, city_url=city.city_url)


def test_a_phone_lists_the_halls_by_shortest_wait_for_the_chosen_line(browser: Any, city_site: CityServer) -> None:
    wait_until(lambda: sum(1 for r in city_site.queues() if r["hall"] in ("420502-11", "420502-12")
                           and r["category"] == "A" and r["waiting"]) == 2,
               timeout_s=30, what="both halls replicated to the city")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(budget_ms(30_000))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{city_site.url}/city")
    page.select_option("#line", "社会保险")
    page.wait_for_function("document.querySelectorAll('#halls li').length >= 2")
    names = page.locator("#halls li .name").all_inner_texts()
    assert names.index("西区中心") < names.index("东区中心")  # 1 waiting (≈5 min) before 3 waiting (≈15 min)
    first = page.locator("#halls li").first.inner_text()
    assert "约 5 分钟" in first and "等候 1 人" in first
    context.close()
    assert not errors, errors


def test_the_city_dashboard_compares_halls_for_a_manager(browser: Any, city_site: CityServer, city: CityRig) -> None:
    made = run_main("city", "create-token", "--db", city.city_url, "--name", f"e2e-{uuid.uuid4().hex[:6]}")
    assert made.returncode == 0, made.stderr
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    context.set_default_timeout(budget_ms(30_000))
    page = context.new_page()
    page.goto(f"{city_site.url}/city/dashboard")
    page.fill("#token", "wrong")
    page.click("#login button")
    page.wait_for_function("document.getElementById('status').textContent.includes('城市管理令牌')")
    page.fill("#token", made.stdout.strip().splitlines()[-1])
    page.click("#login button")
    page.wait_for_function("document.querySelectorAll('#halls tr').length >= 2")
    table = page.locator("#halls").inner_text()
    assert "东区中心" in table and "西区中心" in table
    with page.expect_download() as download:
        page.click("#reports button[data-f='csv']")
    body = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert body.startswith("大厅编码,大厅名称") and "全市合计" in body
    context.close()
