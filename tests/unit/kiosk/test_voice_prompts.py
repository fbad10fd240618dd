"""Elderly-mode prompts through the default voice (the ``wav`` twin from the default config): every
prompt becomes a WAV; without espeak-ng a prompt the clips cannot say is refused and the status is
degraded, while calls still work from the clips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devices.registry import open_device
from devices.status import Health
from devices.voice.audio import read_wav
from devices.voice.phrases import text_utterance
from devices.voice.protocol import BadAnnouncement, Voice
from devices.voice.settings import VoiceSettings
from kiosk.adapters.devices import KioskDevices, VoicePortAdapter
from kiosk.i18n import tr
from tests.rigs import rig_missing

PROMPTS = ("home.welcome", "categories.prompt", "identify.prompt.submit", "ticket.prompt.printed",
           "checkin.refused.early")


def default_voice(tmp_path: Path) -> Voice:
    settings = VoiceSettings()  # the shipped default: the wav twin
    options = {**settings.options(), "output_dir": str(tmp_path)}
    voice: Voice = open_device("voice", settings.driver, **options)
    voice.open()
    return voice


def _needs_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        rig_missing("espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_kind_of_prompt_becomes_a_wav_with_the_default_config(tmp_path: Path, lang: str) -> None:
    _needs_espeak()
    assert VoiceSettings().driver == "wav"
    voice = default_voice(tmp_path)
    try:
        for key in PROMPTS:
            done = voice.announce(tr(lang, key), repeat=1).result(30)
            assert read_wav(Path(done.file)).duration_s > 0.5, key
        assert voice.status().health is Health.OK
    finally:
        voice.close()
    assert len(list(tmp_path.glob("*.wav"))) == len(PROMPTS)


def test_english_prompts_are_words_not_spelled_letters() -> None:
    u = text_utterance("Please choose a service, then wait 5 minutes.")
    assert u.tokens[:4] == ("en:please", "en:choose", "en:A", "en:service")
    assert "en:5" in u.tokens and u.tokens[-1] == "en:minutes"
    assert text_utterance("A023").tokens == ("A", "零", "二", "三")  # ticket numbers are still spelled


def test_calls_keep_the_clips_exactly(tmp_path: Path) -> None:
    voice = default_voice(tmp_path)
    try:
        assert voice.covers(voice.utterance("请A023号到5号窗口办理"))  # type: ignore[attr-defined]
        assert not voice.covers(voice.utterance("请选择要办理的业务类别"))  # type: ignore[attr-defined]
    finally:
        voice.close()


def test_without_espeak_a_prompt_is_refused_and_the_status_says_so(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # this terminal has no espeak-ng
    voice = default_voice(tmp_path)
    try:
        call = voice.announce("请A023号到5号窗口办理", repeat=1).result(30)  # the clips still say calls
        assert read_wav(Path(call.file)).duration_s > 1
        assert voice.status().health is Health.OK
        with pytest.raises(BadAnnouncement):
            voice.announce(tr("zh_CN", "categories.prompt"))
        status = voice.status()
        assert status.health is Health.DEGRADED and status.code == "device.voice.prompts_unavailable"
    finally:
        voice.close()


def test_the_kiosk_warns_once_and_carries_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    voice = default_voice(tmp_path)
    port = VoicePortAdapter(KioskDevices(drivers={"voice": voice}))
    try:
        for key in PROMPTS:
            port.say(tr("zh_CN", key))
    finally:
        voice.close()
    assert port.said == [] and len([r for r in caplog.records if "voice prompt failed" in r.getMessage()]) == 1
