"""Screens present (issue 15, item 4), offscreen against a real server: the calling display and the
evaluation pad register as terminals of their kind (the pad for its window) and beat, so the manager's
``GET /terminals`` lists every kind; a screen that is shut down stops beating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.hall_windows import api, settings_for
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")


def _terminal(server: HallServer, terminal_id: str) -> dict[str, Any] | None:
    rows = api(server, "GET", "/terminals", "manager").json()
    return next((t for t in rows if t["id"] == terminal_id), None)


def test_display_and_pad_register_and_beat(qtbot: Any, hall_server: HallServer, tmp_path: Path) -> None:
    from hall.display.app import build_display
    from hall.evaluator.app import build_evaluator
    from offline_cache.factory import open_terminal

    settings = settings_for(hall_server, tmp_path)
    display = build_display(settings)
    terminal = open_terminal(settings)
    pad = build_evaluator(settings, window=3, terminal=terminal)
    for w in (display, pad):
        qtbot.addWidget(w)
        w.start()
    try:
        qt_wait_until(qtbot, lambda: display.presence.beats >= 1 and pad.presence.beats >= 1, timeout=10_000)
        shown = _terminal(hall_server, "display-P5")
        assert shown is not None and shown["kind"] == "display" and shown["online"] and shown["faults"] == []
        evaluator = _terminal(hall_server, "evaluator-3")
        assert evaluator is not None and evaluator["kind"] == "evaluator" and evaluator["window"] == 3
        assert evaluator["online"]
        kinds = {t["kind"] for t in api(hall_server, "GET", "/terminals", "manager").json()}
        assert {"display", "evaluator"} <= kinds
    finally:
        display.shutdown()
        pad.shutdown()
        terminal.close()
    assert not display.presence._timer.isActive() and not pad.presence._timer.isActive()


def test_a_display_whose_speaker_cannot_speak_shows_the_fault(qtbot: Any, hall_server: HallServer,
                                                                tmp_path: Path) -> None:
    from hall.display.app import build_display, open_voice

    no_clips = tmp_path / "no-clips"
    no_clips.mkdir()
    settings = settings_for(hall_server, tmp_path, f'devices.voice.clips_dir="{no_clips}"')
    faults: list[str] = []
    voice = open_voice(settings, faults)
    assert voice is None and faults == ["device.voice.clips_missing"]
    display = build_display(settings, voice=voice, voice_fault=faults[0])
    qtbot.addWidget(display)
    display.start()
    try:
        qt_wait_until(qtbot, lambda: display.presence.beats >= 1, timeout=10_000)
        shown = _terminal(hall_server, "display-P5")
        assert shown is not None and shown["online"]
        assert shown["faults"] == ["扬声器离线"] and shown["faults_en"] == ["speaker offline"]
        (voice,) = shown["devices"]
        assert voice["kind"] == "voice" and voice["code"] == "device.voice.clips_missing"
    finally:
        display.shutdown()
