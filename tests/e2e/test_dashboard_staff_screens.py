"""Staff and screens on the manager dashboard (issue 15, item 4), in Debian's chromium against a real
server: a staff account made on the page signs in at a counter; the terminal panel lists faults first
in words; a window whose counter stopped beating shows 离线."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from hall.server.core.db import Database
from hall.server.terminals.models import Terminal
from tests.e2e.test_dashboard_browser import login
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget, budget_ms


def _api(server: HallServer, method: str, path: str, role: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{server.url}/api/v1{path}", json=body, timeout=budget(10),
                         headers={"Authorization": f"Bearer {server.tokens[role]}"})


@pytest.fixture
def page(browser: Any, hall_server: HallServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(budget_ms(30_000))
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    login(pg, hall_server)
    yield pg
    context.close()
    assert not errors, errors


def test_a_staff_account_made_on_the_dashboard_signs_in_at_the_counter(page: Any, hall_server: HallServer) -> None:
    page.click('.tab[data-tab="reports"]')
    page.wait_for_selector("#staff-form", state="visible")
    page.fill("#staff-no", "1005")
    page.fill("#staff-name", "李娜")
    page.fill("#staff-pin", "4711")
    page.click('#staff-form button[type="submit"]')
    page.wait_for_selector('#staff tr[data-staff="1005"]')
    assert page.input_value("#staff-pin") == ""  # the PIN does not stay on the page
    page.fill("#staff-no", "1005")
    page.fill("#staff-name", "李娜")
    page.fill("#staff-pin", "1234")
    page.click('#staff-form button[type="submit"]')
    page.wait_for_selector('#staff-msg:has-text("该工号已存在")')
    r = _api(hall_server, "POST", "/windows/1/sign-in", "counter", {"staff_no": "1005", "pin": "4711"})
    assert r.status_code == 200 and r.json()["clerk"] == "李娜", r.text
    page.click('.tab[data-tab="live"]')
    page.wait_for_selector('#windows tr[data-window="1"] [data-role="clerk"]:has-text("李娜")')


def test_faults_first_in_words_and_a_dead_counter_shows_offline(page: Any, hall_server: HallServer) -> None:
    s = hall_server
    assert _api(s, "POST", "/windows/1/open", "counter", {"clerk": "王芳"}).status_code == 200
    for role, body in (("counter", {"id": "counter-1", "kind": "counter"}), ("kiosk", {"id": "K1", "kind": "kiosk"}),
                       ("display", {"id": "display-1", "kind": "display"})):
        assert _api(s, "POST", "/terminals/register", role, body).status_code == 200
    _api(s, "POST", "/terminals/K1/heartbeat", "kiosk", {"devices": [
        {"kind": "printer", "health": "degraded", "code": "device.printer.paper_out"},
        {"kind": "id_card", "health": "offline", "code": "device.unavailable"}]}).raise_for_status()
    _api(s, "POST", "/terminals/display-1/heartbeat", "display", {"devices": [
        {"kind": "voice", "health": "degraded", "code": "device.voice.no_engine"}]}).raise_for_status()
    _api(s, "POST", "/tickets", "kiosk", {"category": "C"}).raise_for_status()  # an event: refresh now
    page.wait_for_selector('#terminals [data-terminal="K1"] [data-role="faults"]:has-text("缺纸")')
    assert "读卡器离线" in page.text_content('#terminals [data-terminal="K1"] [data-role="faults"]')
    assert "扬声器故障" in page.text_content('#terminals [data-terminal="display-1"] [data-role="faults"]')
    order = page.eval_on_selector_all("#terminals [data-terminal]", "els => els.map(e => e.dataset.terminal)")
    assert order.index("counter-1") > max(order.index("K1"), order.index("display-1"))  # healthy last
    assert page.locator('#windows tr[data-window="1"] [data-role="counter-offline"]').count() == 0

    db = Database(s.db_url)
    try:  # the counter program died ten minutes ago: no heartbeat since
        with db.write() as session:
            session.execute(update(Terminal).where(Terminal.id == "counter-1")
                            .values(last_seen=datetime.now(UTC) - timedelta(minutes=10)))
    finally:
        db.dispose()
    # No event needed: the page looks again on its own within the offline limit.
    page.wait_for_selector('#windows tr[data-window="1"] [data-role="counter-offline"]:has-text("离线")',
                           timeout=budget_ms(40_000))
    assert page.text_content('#terminals [data-terminal="counter-1"] [data-role="faults"]').startswith("终端离线")
