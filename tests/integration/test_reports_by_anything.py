"""Reports by anything (issue 15, item 9) against a real server process: ``GET /stats/report`` by category,
window, clerk and item over a day, a month or a from/to range, as JSON ``{"rows": [...]}``, CSV and XLSX
with Chinese headers; waits to the first call, 满意率, 差评, 整改率 and 办不成事; the old day/week contract
unchanged; a bad range is a clear 422."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _h(server: HallServer, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _post(server: HallServer, path: str, role: str, body: Any = None) -> dict[str, Any]:
    r = httpx.post(server.url + API + path, json=body, headers=_h(server, role), timeout=budget(10))
    assert r.status_code < 300, r.text
    return r.json() if r.content else {}


def _report(server: HallServer, **params: str) -> httpx.Response:
    return httpx.get(f"{server.url}{API}/stats/report", params=params, headers=_h(server, "manager"),
                     timeout=budget(10))


def _rows(server: HallServer, **params: str) -> dict[str, dict[str, Any]]:
    r = _report(server, **params)
    assert r.status_code == 200, r.text
    return {row["key"]: row for row in r.json()["rows"]}


@pytest.fixture(scope="module")
def hall(hall_server_shared: HallServer) -> HallServer:
    """A morning: 王芳 at window 1 serves an application for A-001 (5★); 刘洋 at window 5 serves one D
    (1★, the 差评 is followed up and closed) and marks the next a no-show; 赵敏 at the 办不成事 desk serves a
    办不成事 ticket; a 办不成事 report from a kiosk stays open."""
    s = hall_server_shared
    for window, clerk in ((1, "王芳"), (5, "刘洋"), (8, "赵敏")):
        _post(s, f"/windows/{window}/open", "clerk", {"clerk": clerk})
    ta = _post(s, "/tickets", "terminal", {"category": "A"})
    sub = httpx.post(f"{s.url}{API}/submissions", headers=_h(s, "terminal"), timeout=budget(10), files={
        "f0": ("p.png", PNG, "image/png")}, data={"data": json.dumps({
            "item_code": "A-001", "id_number": "110101199003071233", "proof": card_proof("110101199003071233"),
            "name": "张三", "ticket_id": ta["id"], "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "photo", "file": "f0"}]}, ensure_ascii=False)})
    assert sub.status_code == 201, sub.text
    d1, d2 = (_post(s, "/tickets", "terminal", {"category": "D"}) for _ in range(2))
    tg = _post(s, "/tickets", "terminal", {"category": "G", "priority": "fallback"})
    assert _post(s, "/windows/1/call-next", "clerk")["id"] == ta["id"]
    for step in ("start", "finish"):
        _post(s, f"/windows/1/{step}", "clerk")
    assert _post(s, "/windows/5/call-next", "clerk")["id"] == d1["id"]
    _post(s, "/windows/5/recall", "clerk")  # a recall does not move the first call
    for step in ("start", "finish"):
        _post(s, f"/windows/5/{step}", "clerk")
    assert _post(s, "/windows/5/call-next", "clerk")["id"] == d2["id"]
    _post(s, "/windows/5/no-show", "clerk")
    assert _post(s, "/windows/8/call-next", "clerk")["id"] == tg["id"]
    _post(s, "/windows/8/finish", "clerk")
    _post(s, "/evaluations", "terminal", {"level": 5, "ticket_id": ta["id"], "window": 1})
    _post(s, "/evaluations", "terminal", {"level": 1, "reasons": ["attitude"], "ticket_id": d1["id"], "window": 5})
    _post(s, "/help", "terminal", {"kind": "cannot_do", "terminal_id": "kiosk-03", "message": "跨区事项办不了"})
    board = httpx.Client(base_url=s.url, timeout=budget(10))
    csrf = board.post(f"{API}/dashboard/login", json={"token": s.tokens["manager"]}).json()["csrf"]
    low = next(f for f in board.get(f"{API}/dashboard/overview").json()["followups"] if f["kind"] == "low_rating")
    closed = board.post(f"{API}/dashboard/followups/{low['id']}/close", json={"note": "已约谈，整改到位"},
                        headers={"X-CSRF-Token": csrf})
    assert closed.status_code == 200, closed.text
    return s


def test_by_window_counts_tickets_ratings_rectification_and_cannot_do(hall: HallServer) -> None:
    rows = _rows(hall, by="window")
    w5, w1, w8, total = rows["5"], rows["1"], rows["8"], rows["ALL"]
    assert (w5["tickets"], w5["served"], w5["no_show"], w5["no_show_rate"]) == (2, 1, 1, 0.5)
    assert (w5["ratings"], w5["rating_bad"], w5["rectified"], w5["rectify_rate"]) == (1, 1, 1, 1.0)
    assert w5["name"] == "5号窗口 不动产" and w5["wait_p50_s"] is not None and w5["handling_avg_s"] is not None
    assert (w1["ratings"], w1["rating_good_rate"], w1["rating_bad"]) == (1, 1.0, 0)
    assert (w8["cannot_do"], w8["cannot_do_resolved"]) == (1, 1)
    assert (total["cannot_do"], total["cannot_do_resolved"]) == (2, 1)  # the kiosk's report is still open
    assert total["tickets"] == 4 and total["ratings"] == 2 and total["rating_good_rate"] == 0.5
    assert list(rows)[-1] == "ALL"


def test_by_clerk_by_item_and_by_category(hall: HallServer) -> None:
    clerks = _rows(hall, by="clerk")
    assert (clerks["刘洋"]["tickets"], clerks["刘洋"]["rating_bad"]) == (2, 1)
    assert (clerks["王芳"]["served"], clerks["赵敏"]["cannot_do"]) == (1, 1)
    items = _rows(hall, by="item")
    assert items["A-001"]["name"] == "城乡居民基本养老保险参保登记" and items["A-001"]["tickets"] == 1
    assert items["A-001"]["rating_avg"] == 5 and items["-"]["name"] == "未关联" and items["-"]["tickets"] == 3
    cats = _rows(hall, by="category")
    assert cats["D"]["name"] == "不动产登记" and cats["D"]["tickets"] == 2 and cats["G"]["cannot_do"] == 1


def test_month_and_from_to_ranges(hall: HallServer) -> None:
    today = date.fromisoformat(_report(hall).json()["period_start"])
    month = _report(hall, period="month", by="window").json()
    assert month["period_start"] == today.replace(day=1).isoformat() and month["by"] == "window"
    assert month["rows"][-1]["tickets"] == 4
    ranged = _report(hall, by="clerk", **{"from": today.isoformat(), "to": today.isoformat()}).json()
    assert (ranged["from"], ranged["to"], ranged["period"]) == (today.isoformat(), today.isoformat(), "range")
    assert {r["key"]: r["tickets"] for r in ranged["rows"]}["刘洋"] == 2
    bad = _report(hall, by="window", **{"from": "2026-03-02", "to": "2026-03-01"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "stats.bad_range"
    assert "开始日期不能晚于结束日期" in bad.json()["error"]["message_zh"]
    assert _report(hall, by="window", **{"from": "2024-01-01", "to": "2026-01-01"}).status_code == 422
    assert _report(hall, by="desk").status_code == 422


def test_csv_and_xlsx_have_chinese_headers(hall: HallServer) -> None:
    r = _report(hall, by="window", format="csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].endswith('.csv"')
    table = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    head = table[0]
    for title in ("窗口", "取号数", "办结数", "过号数", "等候时长中位数（秒）", "等候时长90分位（秒）",
                  "平均办理时长（秒）", "评价数", "满意率", "差评数", "整改率", "办不成事数", "办不成事已解决数"):
        assert title in head
    w5 = next(row for row in table[1:] if row[2] == "5")
    assert w5[head.index("取号数")] == "2" and w5[head.index("整改率")] == "1.0"
    x = _report(hall, by="clerk", format="xlsx")
    assert x.status_code == 200 and x.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws is not None
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    assert sheet[0][2] == "工作人员" and "满意率" in sheet[0]
    liu = next(r for r in sheet[1:] if r[2] == "刘洋")
    assert liu[sheet[0].index("差评数")] == 1 and sheet[-1][2] == "ALL"


def test_the_day_week_report_contract_is_unchanged(hall: HallServer) -> None:
    old = _report(hall)
    assert old.status_code == 200 and {"category", "category_name"} <= old.json()["rows"][0].keys()
    old_csv = _report(hall, format="csv", period="week")
    assert old_csv.text.lstrip("\ufeff").startswith("period_start,period_end,category,")
