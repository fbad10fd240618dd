"""The dashboard's admin tab in Debian's chromium against a real hall server process: an admin changes a
line's SLA target and a window's lines and the live tab (theirs, and a manager's open page) reflects it;
a manager session is not offered the tab and its admin writes are refused with 403."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget, budget_ms


@pytest.fixture(scope="module")
def server(hall_server_shared: HallServer) -> HallServer:
    return hall_server_shared


def open_page(browser: Any, server: HallServer, role: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(budget_ms(30_000))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/dashboard")
    page.fill("#login-token", server.tokens[role])
    page.click("#login-submit")
    page.wait_for_selector("#queues tbody tr")
    page.wait_for_selector("#conn.conn-on")
    return context, page, errors


@pytest.fixture
def admin_page(browser: Any, server: HallServer) -> Iterator[Any]:
    context, page, errors = open_page(browser, server, "admin")
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def manager_page(browser: Any, server: HallServer) -> Iterator[Any]:
    context, page, errors = open_page(browser, server, "manager")
    yield page
    context.close()
    assert not errors, errors


def test_admin_changes_an_sla_target_and_a_windows_lines_and_the_live_tabs_follow(
        admin_page: Any, manager_page: Any, server: HallServer) -> None:
    page = admin_page
    manager_page.evaluate("window.__marker = 'same page'")
    page.click('.tab[data-tab="admin"]')
    row = '#adm-categories tr[data-category="A"]'
    page.wait_for_selector(row)
    page.fill(f'{row} input[name="sla_minutes"]', "17")
    page.click(f'{row} [data-action="save"]')
    page.wait_for_selector('#adm-status.ok:has-text("A 已保存")')

    win = '#adm-windows tr[data-window="4"]'
    page.fill(f'{win} input[name="lines"]', "C, A")
    page.fill(f'{win} input[name="weights"]', "C:3,A:1")
    page.click(f'{win} [data-action="save"]')
    page.wait_for_selector('#adm-status.ok:has-text("4 号窗口已保存")')

    # The manager's page, open all along, follows through the events socket (no reload).
    manager_page.wait_for_selector('#queues tr[data-category="A"] [data-role="target"]:text-is("17′")')
    manager_page.wait_for_selector('#windows tr[data-window="4"] [data-role="lines"]:text-is("C A")')
    assert manager_page.evaluate("window.__marker") == "same page"
    page.click('.tab[data-tab="live"]')
    page.wait_for_selector('#queues tr[data-category="A"] [data-role="target"]:text-is("17′")')
    page.wait_for_selector('#windows tr[data-window="4"] [data-role="lines"]:text-is("C A")')

    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    audit = httpx.get(f"{server.url}/api/v1/audit", headers=headers, timeout=budget(10)).json()["entries"]
    actions = {(e["action"], e["target"]) for e in audit}
    assert ("category.configure", "category A") in actions and ("window.configure", "window 4") in actions
    window = next(w for w in httpx.get(f"{server.url}/api/v1/windows", headers=headers, timeout=budget(10)).json()
                  if w["number"] == 4)
    assert window["categories"] == ["C", "A"] and window["weights"] == {"C": 3, "A": 1}


def test_admin_adds_and_removes_a_holiday(admin_page: Any) -> None:
    page = admin_page
    page.click('.tab[data-tab="admin"]')
    page.wait_for_selector("#adm-categories tbody tr")
    page.fill("#adm-day", "2033-10-03")
    page.fill("#adm-day-name", "<b>国庆节</b>")  # text, never markup
    page.click('#adm-day-form button[type="submit"]')
    day = '#adm-calendar tr[data-day="2033-10-03"]'
    page.wait_for_selector(f'{day}:has-text("<b>国庆节</b>")')
    assert page.locator(f"{day} b").count() == 0
    page.click(f'{day} [data-action="remove"]')
    page.wait_for_selector(day, state="detached")
    page.wait_for_selector('#adm-items tbody tr[data-item]')


def test_a_manager_is_not_offered_the_admin_tab_and_its_writes_are_refused(manager_page: Any) -> None:
    page = manager_page
    assert page.locator('.tab[data-tab="admin"]').is_hidden()
    assert page.locator("#tab-admin").is_hidden()
    statuses = page.evaluate("""async () => {
      const s = await (await fetch("/api/v1/dashboard/session", {credentials: "same-origin"})).json();
      const put = (path, body) => fetch("/api/v1/dashboard/admin" + path, {method: "PUT", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": s.csrf}, body: JSON.stringify(body)});
      const a = await put("/categories/A", {code: "A", name_zh: "x", sla_minutes: 1});
      const w = await put("/windows/1", {categories: ["B"]});
      const d = await put("/calendar/2033-10-01", {working: false, name: "x"});
      const r = await fetch("/api/v1/dashboard/admin/categories", {credentials: "same-origin"});
      return [a.status, w.status, d.status, r.status, (await a.json()).error.code];
    }""")
    assert statuses == [403, 403, 403, 403, "dashboard.admin_only"]
