"""The counter fits the screens real counters have (1366×768 laptops and monitors, 1280×1024 5:4 monitors,
1920×1080), full screen and as a maximised window under a taskbar and title bar, with live data from a
real server: all six lines of the 综合受理 window with long queues, a called ticket with a kiosk
application for the longest-named item with six materials, the 今日预约 tab of six lines, the day's
figures. Nothing outside the window or cut off, no window grown past its screen, buttons at least 40 px,
text at least 14 px — on the login page, the current ticket and the bookings tab.

The earlier kiosk defect this guards against: the window grew off a real 1080-px screen once live queue
data came in. Set ``COUNTER_SHOTS`` to a folder to keep the screenshots (docs/counter-display.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from hall.qtkit.screen_fit import fit_problems, small_targets, small_text
from tests.e2e.hall_windows import api, counter_window, issue, page_png, working_day_server
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import hall_today
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
WINDOW = 7  # 综合受理: lines A to F
LINES = ("A", "B", "C", "D", "E", "F")
SCREENS = ((1366, 768), (1280, 1024), (1920, 1080))
WINDOWED_PX = 40 + 32  # a taskbar and the window's title bar: what a maximised window has left
MIN_BUTTON_PX, MIN_TEXT_PX = 40, 14
ID_NUMBER = "110101199003071233"
ITEM = "D-001"  # 国有建设用地使用权及房屋所有权转移登记: the demo hall's longest item name


@pytest.fixture
def server(tmp_path: Path) -> Iterator[HallServer]:
    yield from working_day_server(tmp_path)


@pytest.fixture
def counter(qtbot: Any, server: HallServer, tmp_path: Path) -> Iterator[Any]:
    yield from counter_window(qtbot, server, tmp_path, WINDOW)


def _served_earlier(server: HallServer) -> None:
    """One citizen served before the counter starts: 今日已办 and 平均办理时长 have figures."""
    issue(server, "A")
    api(server, "POST", f"/windows/{WINDOW}/open", "clerk", json={"clerk": "王芳"})
    for route in ("call-next", "start", "finish"):
        assert api(server, "POST", f"/windows/{WINDOW}/{route}", "clerk").status_code == 200


def _submission(server: HallServer, ticket_id: int) -> None:
    """Every material of the item, three as photographed pages, one under a 容缺 commitment, with its signature."""
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    materials = [{"requirement": "id_card", "elicense": True}, {"requirement": "property_cert", "file": "f0"},
                 {"requirement": "sale_contract", "file": "f1"}, {"requirement": "tax_receipt", "file": "f2"},
                 {"requirement": "marriage_cert", "waive_until": due},
                 {"requirement": "commitment_signature", "file": "f3"}]
    form = {"phone": "13800000000", "delivery": "mail", "address": "示范区人民路一段 188 号院 3 号楼 2 单元 1201 室"}
    data = {"item_code": ITEM, "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER), "name": "欧阳娜仁花",
            "ticket_id": ticket_id, "form": form, "materials": materials}
    files = {f"f{i}": (f"p{i}.png", page_png(f"PAGE {i}"), "image/png") for i in range(4)}
    r = api(server, "POST", "/submissions", "terminal", data={"data": json.dumps(data, ensure_ascii=False)},
            files=files)
    assert r.status_code == 201, r.text


def _id_number(n: int) -> str:
    from hall.server.domain.identity import check_digit

    first17 = f"11010119800101{n:03d}"
    return first17 + check_digit(first17)


def _bookings(server: HallServer) -> None:
    """Today's slots of all six lines, several of them booked (by different people: today's earlier slots
    are already missed, and two misses bar a citizen from booking)."""
    for n, line in enumerate(LINES):
        slots = api(server, "GET", f"/appointments/slots?category={line}&day={hall_today()}", "clerk").json()
        for k, slot in enumerate(slots[:2]):
            item = {"item_code": ITEM} if line == "D" else {}  # a long name in the 事项 column
            r = api(server, "POST", "/appointments", "manager", json={
                "id_number": _id_number(10 * n + k), "category": line, "slot_start": slot["start"],
                "slot_end": slot["end"], **item})
            assert r.status_code == 201, r.text


def _live(qtbot: Any, win: Any, server: HallServer) -> None:
    _served_earlier(server)
    ticket = issue(server, "D")  # taken at the kiosk, with the application made there
    _submission(server, ticket["id"])
    for line in LINES:
        for k in range(6):
            issue(server, line, **({"priority": "elderly"} if k == 0 else {}))
    _bookings(server)
    win.do_login(server.tokens["clerk"], "欧阳娜仁花")
    qt_wait_until(qtbot, lambda: win.state.logged_in and win.state.online and len(win.state.categories) == 6,
                  timeout=10_000)
    qt_wait_until(qtbot, lambda: win.state.busy is None, timeout=8000)
    win.call_number(ticket["number"])  # 指定叫号: that ticket, whatever the policy picks first
    qt_wait_until(qtbot, lambda: (win.state.current or {}).get("id") == ticket["id"], timeout=10_000)
    qt_wait_until(qtbot, lambda: win.panel.review is not None, timeout=10_000)
    qt_wait_until(qtbot, lambda: win.board.fetched_at is not None and not win._bookings_loading, timeout=10_000)
    images = [m.id for m in win.panel.review.view.materials if m.is_image and m.sha256]
    qt_wait_until(qtbot, lambda: all(i in win.panel.thumbs for i in images), timeout=10_000)
    qt_wait_until(qtbot, lambda: win.state.waiting_total() >= 36 and win.state.served_today >= 1, timeout=10_000,
                  what=f"36 waiting and one served (now: {win.state.waiting}, served {win.state.served_today})")
    win.redraw()


def _problems(win: Any, size: tuple[int, int]) -> list[str]:
    QApplication.processEvents()
    return (fit_problems(win, size) + small_targets(win, MIN_BUTTON_PX) + small_text(win, MIN_TEXT_PX))


def _shots() -> Path | None:
    folder = os.environ.get("COUNTER_SHOTS")
    return Path(folder) if folder else None


def _check(win: Any, sizes: tuple[tuple[int, int], ...], what: str, shots: Path | None) -> list[str]:
    """Fit problems of both tabs at each size; a screenshot of each tab at the full-screen sizes."""
    problems = []
    for size in sizes:
        win.fit_screen(size)
        for tab, name in enumerate(("ticket", "bookings")):
            win.tabs.setCurrentIndex(tab)
            problems += [f"{what} {name} {size[0]}x{size[1]}: {p}" for p in _problems(win, size)]
            if shots is not None and size in SCREENS:
                win.grab().save(str(shots / f"counter-{what}-{name}-{size[0]}x{size[1]}.png"))
    win.tabs.setCurrentIndex(0)
    return problems


def _windowed(*screens: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    return tuple(s for w, h in screens for s in ((w, h), (w, h - WINDOWED_PX)))


def test_the_counter_fits_each_counter_screen_with_live_data(qtbot: Any, counter: Any, server: HallServer,
                                                              tmp_path: Path) -> None:
    shots = _shots() or tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for size in _windowed(*SCREENS):  # the login page first: the stack needs room for it too
        counter.fit_screen(size)
        problems += [f"login {size[0]}x{size[1]}: {p}" for p in _problems(counter, size)]
    _live(qtbot, counter, server)
    problems += _check(counter, _windowed(*SCREENS), "review", shots)
    assert counter.bookings_panel.tree.topLevelItemCount() > 12  # the list scrolls, it did not grow the window

    # A captured page opened full size stays inside the counter window too.
    counter.fit_screen(SCREENS[0])
    page = next(m for m in counter.panel.review.view.materials if m.is_image and m.sha256)
    counter.do_open_material(page)
    qt_wait_until(qtbot, lambda: counter.dialog is not None and counter.dialog.isVisible(), timeout=8000)
    viewer = counter.dialog
    assert viewer.width() <= SCREENS[0][0] and viewer.height() <= SCREENS[0][1] - WINDOWED_PX
    problems += [f"viewer: {p}" for p in _problems(viewer, (viewer.width(), viewer.height()))]
    viewer.grab().save(str(shots / "counter-viewer-1366x768.png"))
    viewer.close()

    # Finished, then paused with the longest reason the dialog takes: the header and the idle text keep to
    # the screen.
    qt_wait_until(qtbot, lambda: counter.state.busy is None, timeout=8000)
    counter.do_finish()
    qt_wait_until(qtbot, lambda: counter.state.current is None and counter.state.busy is None, timeout=10_000)
    reason = ("系统故障：叫号机与综合受理平台之间的网络中断，已联系信息中心，" * 3)[:128]
    counter.pause_with(reason)
    qt_wait_until(qtbot, lambda: counter.state.window_status == "paused" and counter.state.busy is None,
                  timeout=10_000)
    counter.redraw()
    assert counter.window_status.toolTip().endswith(reason + "）")  # shortened on screen, whole on hover
    assert counter.clerk_label.shown_text() == "柜员：欧阳娜仁花"  # the reason gives way, the clerk's name does not
    problems += _check(counter, _windowed(*SCREENS), "paused", shots)
    assert problems == [], "\n".join(problems)
