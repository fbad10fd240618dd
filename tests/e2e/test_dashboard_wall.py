"""The dashboard in Debian's chromium against a real hall server: wall mode (issue 15, item 11) — the live
picture on 1920×1080, readable from 5 m, nothing to scroll or cut off — and the dashboard's undo of a
wrong 过号 (item 5): the no-show listed with a 恢复 button that puts it back at the head of its line.

Readable from 5 m: the smallest text on the wall is ≥ 19 px (≈ 12 mm on a 55" 1080p screen, over 8
arc-minutes at 5 m); the figures a manager looks for — people waiting, ticket numbers at the windows,
the KPIs — are ≥ 40 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

WALL = (1920, 1080)
# Every element that shows text of its own, visible: [selector text, font size px, tag].
_TEXT_SIZES = """Array.from(document.querySelectorAll('#app *')).filter((e) => {
  if (!e.offsetParent && getComputedStyle(e).position !== 'fixed') return false;
  return Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
}).map((e) => [e.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(e).fontSize), e.tagName])"""
_CUT_OFF = """Array.from(document.querySelectorAll('#app .panel, #app .tablewrap, #app .topbar, #app .grid-live'))
  .filter((e) => e.offsetParent).filter((e) => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
  .map((e) => [e.className, e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight])"""


def _api(server: HallServer, method: str, path: str, role: str, body: Any = None) -> Any:
    r = httpx.request(method, f"{server.url}/api/v1{path}", json=body, timeout=budget(10),
                      headers={"Authorization": f"Bearer {server.tokens[role]}"})
    assert r.status_code < 300, r.text
    return r.json() if r.content else None


def _busy_morning(server: HallServer) -> None:
    """Five windows open, one paused, 30 people waiting; D predicted over its target; G's desk closed."""
    for window, clerk in ((1, "王芳"), (2, "李娜"), (3, "张伟"), (5, "刘洋"), (7, "陈静")):
        _api(server, "POST", f"/windows/{window}/open", "clerk", {"clerk": clerk})
    _api(server, "POST", "/windows/6/open", "clerk", {"clerk": "赵敏"})
    _api(server, "POST", "/windows/6/pause", "clerk", {"reason": "用餐休息"})
    for category, n in (("A", 6), ("B", 3), ("C", 2), ("D", 18), ("E", 2), ("F", 2), ("G", 1)):
        for _ in range(n):
            _api(server, "POST", "/tickets", "terminal", {"category": category})
    for window in (1, 2, 3, 5):
        _api(server, "POST", f"/windows/{window}/call-next", "clerk")
    _api(server, "POST", "/alerts", "clerk", {"window": 3, "message": "3 号窗口紧急求助"})


def _open(browser: Any, server: HallServer, path: str, size: tuple[int, int]) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}{path}")
    page.fill("#login-token", server.tokens["manager"])
    page.click("#login-submit")
    page.wait_for_selector("#queues tbody tr")
    page.wait_for_selector("#conn.conn-on")
    return context, page, errors


def test_wall_mode_fits_1920x1080_and_reads_from_5_m(browser: Any, hall_server: HallServer, tmp_path: Path) -> None:
    _busy_morning(hall_server)
    context, page, errors = _open(browser, hall_server, "/dashboard?wall=1", WALL)
    try:
        page.wait_for_selector("#windows tbody tr[data-window='5'] .ticket")
        page.wait_for_selector("#queues tr.row-predicted[data-category='D']")
        page.wait_for_selector("#unserved .unserved-row")
        page.wait_for_selector("#alarm:not([hidden])")
        page.wait_for_selector("#clock-time:not(:empty)")
        shot = tmp_path / "wall.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert page.evaluate("document.body.classList.contains('wall')")
        assert page.evaluate("document.scrollingElement.scrollHeight") <= WALL[1]
        assert page.evaluate("document.scrollingElement.scrollWidth") <= WALL[0]
        assert page.evaluate(_CUT_OFF) == []  # no panel, table or bar has hidden overflow
        for hidden in (".p-follow", ".p-terminals", ".p-feed", ".p-noshows", ".tabs", "#logout"):
            assert not page.is_visible(hidden)
        sizes = page.evaluate(_TEXT_SIZES)
        small = [s for s in sizes if s[1] < 19]
        assert small == [], small
        assert len(page.query_selector_all("#queues tbody tr")) == 7
        assert len(page.query_selector_all("#windows tbody tr")) == 8
        assert "预计超时" in page.inner_text("#queues tr[data-category='D'] .badge")
        assert "预计等候" in page.inner_text("#queues thead")
        for selector in ("#queues td.big", "#windows .ticket", ".kpi-v"):
            size = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)")
            assert size >= 40, (selector, size)
    finally:
        context.close()
    assert not errors, errors


def test_the_desk_view_is_unchanged_without_wall(browser: Any, hall_server: HallServer) -> None:
    context, page, errors = _open(browser, hall_server, "/dashboard", (1366, 768))
    try:
        assert not page.evaluate("document.body.classList.contains('wall')")
        assert page.is_visible(".p-follow") and page.is_visible(".tabs") and page.is_visible(".p-noshows")
    finally:
        context.close()
    assert not errors, errors


def test_dashboard_reinstates_a_wrong_no_show(browser: Any, hall_server: HallServer, tmp_path: Path) -> None:
    _api(hall_server, "POST", "/windows/5/open", "clerk", {"clerk": "刘洋"})
    first = _api(hall_server, "POST", "/tickets", "terminal", {"category": "D"})
    second = _api(hall_server, "POST", "/tickets", "terminal", {"category": "D"})
    context, page, errors = _open(browser, hall_server, "/dashboard", (1366, 768))
    try:
        assert page.is_visible("#noshows .empty")
        assert _api(hall_server, "POST", "/windows/5/call-next", "clerk")["id"] == first["id"]
        _api(hall_server, "POST", "/windows/5/no-show", "clerk")
        row = f"#noshows .noshow[data-ticket='{first['id']}']"
        page.wait_for_selector(row)  # the no-show event refreshes the panel
        assert first["number"] in page.inner_text(row) and "5 号窗口" in page.inner_text(row)
        page.screenshot(path=str(tmp_path / "noshows.png"))
        page.click(f"{row} button[data-action='reinstate']")
        page.wait_for_selector(row, state="detached")
        page.wait_for_selector("#noshows .empty")
        assert _api(hall_server, "GET", f"/tickets/{first['id']}", "clerk")["status"] == "waiting"
        # back at the head of its line: the next call takes it before the second ticket
        assert _api(hall_server, "POST", "/windows/5/call-next", "clerk")["id"] == first["id"]
        assert _api(hall_server, "GET", f"/tickets/{second['id']}", "clerk")["status"] == "waiting"
        audit = _api(hall_server, "GET", "/audit?action=ticket.reinstate", "admin")["entries"]
        assert audit and audit[0]["detail"] == "dashboard"
    finally:
        context.close()
    assert not errors, errors
