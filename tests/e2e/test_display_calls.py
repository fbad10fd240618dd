"""Calling display against a real hall server: a call shows and is announced twice, a recall again,
and the display rides out the server going away (banner) and coming back (reconnects by itself)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from config import load_settings
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.waiting import budget, qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")


def _settings(server: HallServer, tmp_path: Path) -> Any:
    return load_settings(overrides=[f'hall.server_url="{server.url}"', f'terminal.token="{server.tokens["terminal"]}"',
                                    'devices.voice.driver="wav"', f'devices.voice.output_dir="{tmp_path / "voice"}"',
                                    "devices.voice.repeat=2", "display.blink_s=3"])


def _open_display(qtbot: Any, server: HallServer, tmp_path: Path) -> Any:
    from hall.display.app import build_display, open_voice

    settings = _settings(server, tmp_path)
    win = build_display(settings, voice=open_voice(settings))
    qtbot.addWidget(win)
    win.start()
    win.show()
    qt_wait_until(qtbot, lambda: win.board.online and bool(win.board.categories), timeout=10_000)
    return win


@pytest.fixture
def display(qtbot: Any, hall_server_shared: HallServer, tmp_path: Path) -> Iterator[Any]:
    win = _open_display(qtbot, hall_server_shared, tmp_path)
    yield win
    win.shutdown()


@pytest.fixture
def display_own_server(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> Iterator[Any]:
    """A display on a server of its own, which the test may stop."""
    win = _open_display(qtbot, hall_server, tmp_path)
    yield win
    win.shutdown()


def _post(server: HallServer, path: str, role: str, body: Any = None) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1{path}", json=body, timeout=budget(5),
                      headers={"Authorization": f"Bearer {server.tokens[role]}"})


def _records(tmp_path: Path) -> list[dict[str, Any]]:
    log = tmp_path / "voice" / "announcements.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()]


def test_call_shows_announces_twice_and_recall_announces_again(qtbot: Any, display: Any,
                                                               hall_server_shared: HallServer, tmp_path: Path) -> None:
    hall_server = hall_server_shared
    assert _post(hall_server, "/tickets", "terminal", {"category": "B"}).status_code == 201
    qt_wait_until(qtbot, lambda: display.board.categories["B"].waiting >= 1, timeout=5000)
    called = _post(hall_server, "/windows/3/call-next", "clerk")
    assert called.status_code == 200
    number = called.json()["number"]
    qt_wait_until(qtbot, lambda: display.board.newest() is not None, timeout=5000)
    top = display.board.newest()
    assert (top.number, top.window) == (number, 3)
    assert display.board.blinking(top.at + 1)
    qt_wait_until(qtbot, lambda: len(_records(tmp_path)) == 1, timeout=10_000)
    first = _records(tmp_path)[0]
    assert first["text"] == f"请 {number} 号 到 3 号窗口 办理" and first["repeat"] == 2
    assert Path(first["file"]).stat().st_size > 1000

    assert _post(hall_server, "/windows/3/recall", "clerk").status_code == 200
    qt_wait_until(qtbot, lambda: len(_records(tmp_path)) == 2, timeout=10_000)
    assert _records(tmp_path)[1]["text"] == f"再次呼叫 请 {number} 号 到 3 号窗口 办理"
    assert display.board.latest[0].recall

    shot = tmp_path / "display.png"
    assert display.grab().save(str(shot))


def test_banner_while_server_is_away_then_reconnects(qtbot: Any, display_own_server: Any,
                                                     hall_server: HallServer, tmp_path: Path) -> None:
    display = display_own_server
    assert display.board.online
    hall_server.stop()
    qt_wait_until(qtbot, lambda: not display.board.online, timeout=10_000)
    back = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="server-again")
    back.tokens = hall_server.tokens
    try:
        qt_wait_until(qtbot, lambda: display.board.online, timeout=15_000)
        # still live after the reconnect: a new call reaches the board
        assert _post(back, "/tickets", "terminal", {"category": "C"}).status_code == 201
        number = _post(back, "/windows/4/call-next", "clerk").json()["number"]
        qt_wait_until(qtbot, lambda: display.board.newest() is not None and display.board.newest().number == number,
                             timeout=5000)
    finally:
        back.stop()


def test_the_next_numbers_are_asked_to_get_ready(qtbot: Any, display: Any, hall_server_shared: HallServer) -> None:
    """请…准备: the numbers the open windows would call next, from the server's own pick; a called one leaves."""
    server = hall_server_shared
    assert _post(server, "/windows/3/open", "clerk", {"clerk": "周婷"}).status_code == 200
    first, second = (_post(server, "/tickets", "terminal", {"category": "B"}).json() for _ in range(2))

    def server_next() -> set[str]:
        live = httpx.get(f"{server.url}/api/v1/stats/live", timeout=budget(5),
                         headers={"Authorization": f"Bearer {server.tokens['manager']}"}).json()
        return {w["next_number"] for w in live["windows"] if w.get("next_number")}

    qt_wait_until(qtbot, lambda: bool(display.board.ready) and set(display.board.ready) <= server_next(),
                  timeout=15_000)
    assert display.board.ready_text().startswith("请 ") and display.board.ready_text().endswith(" 准备")
    called = _post(server, "/windows/3/call-next", "clerk").json()
    qt_wait_until(qtbot, lambda: called["number"] not in display.board.ready, timeout=10_000)
    qt_wait_until(qtbot, lambda: set(display.board.ready) == server_next(), timeout=15_000)
    assert display.grab().width() > 0  # the strip paints
    assert {first["number"], second["number"]} & ({called["number"]} | set(display.board.ready))
