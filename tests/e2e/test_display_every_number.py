"""Every number can be spoken (issue 15, item 3), against a real hall server with the display offscreen:
an offline number (K1-D005) is announced as the receipt shows it; ``devices say --call … --window …``
produces the very announcement the display made; under a backlog the latest call per window is said
and each skipped announcement is counted and logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from config import load_settings
from devices.twins.voice.wav_writer import WavFileVoice
from hall.client import HallClient
from tests.rigs.hall_server import HallServer, run_main
from tests.rigs.waiting import budget, qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")


def _overrides(server: HallServer, out: Path) -> list[str]:
    return [f'hall.server_url="{server.url}"', f'terminal.token="{server.tokens["terminal"]}"',
            'devices.voice.driver="wav"', f'devices.voice.output_dir="{out}"', "devices.voice.repeat=2"]


def _records(out: Path) -> list[dict[str, Any]]:
    log = out / "announcements.jsonl"
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()] if log.exists() else []


def _post(server: HallServer, path: str, body: Any = None) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1{path}", json=body, timeout=budget(5),
                      headers={"Authorization": f"Bearer {server.tokens['clerk']}"})


@pytest.fixture
def display_of(qtbot: Any) -> Iterator[Any]:
    made: list[Any] = []

    def build(server: HallServer, *, voice: Any, out: Path) -> Any:
        from hall.display.app import build_display

        win = build_display(load_settings(overrides=_overrides(server, out)), voice=voice)
        qtbot.addWidget(win)
        win.start()
        win.show()
        qt_wait_until(qtbot, lambda: win.board.online and bool(win.board.categories), timeout=10_000)
        made.append(win)
        return win

    yield build
    for win in made:
        win.shutdown()


def test_offline_number_is_announced_and_devices_say_makes_the_same_call(
        qtbot: Any, display_of: Any, hall_server: HallServer, tmp_path: Path) -> None:
    from hall.display.app import open_voice

    out = tmp_path / "display-voice"
    display = display_of(hall_server, voice=open_voice(load_settings(overrides=_overrides(hall_server, out))),
                         out=out)
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    off = kiosk.submit_offline_ticket(category="D", offline_number="K1-D005", terminal_id="K1",
                                      issued_at=datetime.now(UTC) - timedelta(minutes=3))
    assert _post(hall_server, "/windows/5/open", {"clerk": "刘洋"}).status_code == 200
    called = _post(hall_server, "/windows/5/call", {"number": "K1-D005"})
    assert called.status_code == 200 and called.json()["id"] == off.id
    qt_wait_until(qtbot, lambda: len(_records(out)) == 1, timeout=10_000)
    said = _records(out)[0]
    assert said["text"] == "请 K1-D005 号 到 5 号窗口 办理" and said["repeat"] == 2
    assert display.announcer.counts()["failed"] == 0

    cli_out = tmp_path / "cli-voice"
    sets = [arg for o in _overrides(hall_server, cli_out) for arg in ("--set", o)]
    done = run_main("devices", "say", "--call", "k1-d005", "--window", "5", *sets)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["text"] == said["text"] and result["repeat"] == said["repeat"]
    assert result["call"] == {"number": "K1-D005", "window": "5", "recall": False}
    assert result["spoken"] == "请 K 一 D 零 零 五 号 到 五 号窗口 办理"
    # The same words, the same clips, the same repeats: the very same sound.
    assert Path(result["file"]).read_bytes() == Path(said["file"]).read_bytes()

    bad = run_main("devices", "say", "--call", "K1--D005", "--window", "5", *sets)
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["code"] == "device.voice.usage"
    lonely = run_main("devices", "say", "--call", "A001", *sets)
    assert lonely.returncode == 2 and "--window" in json.loads(lonely.stdout)["error"]["message"]


def test_backlog_says_the_latest_call_per_window_and_logs_each_skip(
        qtbot: Any, display_of: Any, hall_server: HallServer, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "voice"
    # The twin's loudspeaker takes the sound's real time (÷ 3): calls pile up behind the first one.
    voice = WavFileVoice(output_dir=str(out), play=True, time_scale=3.0, repeat=2)
    voice.open()
    display = display_of(hall_server, voice=voice, out=out)
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    for category in ("B", "C", "C", "C"):
        kiosk.issue_ticket(category)
    for window in (3, 4):
        assert _post(hall_server, f"/windows/{window}/open", {"clerk": "张伟"}).status_code == 200
    caplog.set_level(logging.WARNING, logger="hall.display.announcer")
    first = _post(hall_server, "/windows/3/call-next").json()["number"]
    qt_wait_until(qtbot, lambda: display.announcer.queue.busy, timeout=5000)  # B is being said
    fours = [_post(hall_server, "/windows/4/call-next").json()["number"] for _ in range(3)]
    qt_wait_until(qtbot, lambda: len(_records(out)) == 2, timeout=30_000)
    assert [r["text"] for r in _records(out)] == [f"请 {first} 号 到 3 号窗口 办理",
                                                  f"请 {fours[-1]} 号 到 4 号窗口 办理"]
    counts = display.announcer.counts()
    assert counts["merged"] == 2 and counts["skipped"] == 2 and counts["pending"] == 0
    skipped = [r.getMessage() for r in caplog.records if "announcement skipped" in r.getMessage()]
    assert len(skipped) == 2
    for number in fours[:2]:
        assert any(f"{number} at window 4" in line for line in skipped)
