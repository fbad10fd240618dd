"""Elderly mode speaks every screen's prompt through the voice device as configured by default
(the ``wav`` twin, no options): real screens offscreen, a real hall server process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.registry import open_device
from devices.status import Health
from devices.voice.audio import read_wav
from devices.voice.settings import VoiceSettings
from kiosk.i18n import tr
from tests.e2e import kiosk_rig
from tests.rigs.hall_server import HallServer

make_kiosk = kiosk_rig.make_kiosk  # fixture


def test_elderly_prompts_produce_wavs_with_the_default_voice_config(make_kiosk: Any, hall_server_shared: HallServer,
                                                                    tmp_path: Path) -> None:
    settings = VoiceSettings()
    drivers = kiosk_rig.twins(tmp_path)
    drivers["voice"].close()
    drivers["voice"] = open_device("voice", settings.driver, **settings.options())  # as python main.py kiosk does
    rig = make_kiosk(hall_server_shared, drivers=drivers)
    voice = rig.drivers["voice"]
    rig.tap(rig.window.top.btn_elderly)  # 长辈模式
    rig.tile("take_number")
    rig.wait_screen("categories")
    rig.tap("A  社会保险")
    rig.wait_screen("identify")
    wanted = [tr("zh_CN", "categories.prompt"), tr("zh_CN", "identify.prompt.priority")]
    rig.wait_for(lambda: [a.text for a in voice.history][-2:] == wanted, timeout_ms=20000)
    for done in voice.history:
        assert Path(done.file).is_relative_to(voice.output_dir) and read_wav(Path(done.file)).duration_s > 0.5
    assert voice.status().health is Health.OK and rig.controller.services.voice.said[-2:] == wanted
