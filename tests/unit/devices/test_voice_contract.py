"""Voice contract against the ``wav`` twin, the ``clips`` driver and the ``espeak`` driver, plus
what only one of them does (exact clip order, espeak's Mandarin input, the twin's log)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from devices import registry
from devices.twins.voice.wav_writer import WavFileVoice
from devices.voice.audio import read_wav
from devices.voice.base import REPEAT_GAP_S
from devices.voice.clips import PAUSE_S, SHIPPED_CLIPS, TOKEN_GAP_S, ClipVoice
from devices.voice.espeak import EspeakVoice
from devices.voice.phrases import pinyin
from devices.voice.protocol import BadAnnouncement, Call
from devices.voice.settings import VoiceSettings
from tests.rigs import rig_missing
from tests.unit.devices.voice_contract import VoiceContract, wav_frames


class TestWavTwin(VoiceContract):
    def make_voice(self, output_dir: Path, **options: object) -> WavFileVoice:
        # a simulated loudspeaker, 40× real time, so queueing is exercised with real durations
        return WavFileVoice(output_dir=str(output_dir), play=True, time_scale=40, **options)


class TestClips(VoiceContract):
    def make_voice(self, output_dir: Path, **options: object) -> ClipVoice:
        settings = VoiceSettings(driver="clips", output_dir=str(output_dir), **options)  # type: ignore[arg-type]
        return registry.open_device("voice", settings.driver, **settings.options())


class TestEspeak(VoiceContract):
    def make_voice(self, output_dir: Path, **options: object) -> EspeakVoice:
        if shutil.which("espeak-ng") is None:
            rig_missing("espeak-ng is not installed (apt-get install espeak-ng)")
        return EspeakVoice(output_dir=str(output_dir), **options)  # type: ignore[arg-type]


def _pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        return w.readframes(w.getnframes())


def test_clips_are_joined_in_call_order(tmp_path: Path) -> None:
    """The announcement is exactly the clips of 请 A 零 二 三 号 到 五 号窗口 办理, gaps between."""
    index = json.loads((SHIPPED_CLIPS / "index.json").read_text(encoding="utf-8"))
    tokens = ["请", "A", "零", "二", "三", "号", "到", "五", "号窗口", "办理"]
    clips = [_pcm(SHIPPED_CLIPS / index[t]) for t in tokens]
    rate = read_wav(SHIPPED_CLIPS / index["请"]).rate
    gap = b"\x00\x00" * round(rate * TOKEN_GAP_S)
    once = gap.join(clips)
    voice = ClipVoice(output_dir=str(tmp_path), repeat=2)
    try:
        done = voice.announce(Call("A023", 5)).result(30)
    finally:
        voice.close()
    assert _pcm(Path(done.file)) == once + b"\x00\x00" * round(rate * REPEAT_GAP_S) + once
    # and the order matters: the same clips shuffled would not match
    assert gap.join(reversed(clips)) != once


def test_clips_recall_has_a_pause_after_the_lead(tmp_path: Path) -> None:
    voice = ClipVoice(output_dir=str(tmp_path), repeat=1)
    try:
        plain = voice.announce(Call("A023", 5)).result(30)
        recall = voice.announce(Call("A023", 5, recall=True)).result(30)
    finally:
        voice.close()
    index = json.loads((SHIPPED_CLIPS / "index.json").read_text(encoding="utf-8"))
    rate = read_wav(SHIPPED_CLIPS / index["请"]).rate
    lead = sum(wav_frames(str(SHIPPED_CLIPS / index[t]))[0] for t in ("再次", "呼叫"))
    extra = lead + round(rate * PAUSE_S) + 3 * round(rate * TOKEN_GAP_S)
    assert wav_frames(recall.file)[0] == wav_frames(plain.file)[0] + extra


def test_clips_refuse_words_they_have_no_recording_for(tmp_path: Path) -> None:
    voice = ClipVoice(output_dir=str(tmp_path))
    with pytest.raises(BadAnnouncement, match="银"):
        voice.announce("请到银行窗口")
    voice.close()


def test_clips_from_a_hall_directory(tmp_path: Path) -> None:
    with pytest.raises(Exception) as err:
        ClipVoice(clips_dir=str(tmp_path / "none"))
    assert getattr(err.value, "code", "") == "device.voice.clips_missing"


def test_espeak_reads_pinyin_with_mandarin_rules() -> None:
    if shutil.which("espeak-ng") is None:
        rig_missing("espeak-ng is not installed (apt-get install espeak-ng)")
    text = pinyin(("请", "A", "零", "二", "三", "号", "到", "五", "号窗口", "办理"))
    assert text == "qing3 A ling2 er4 san1 hao4 dao4 wu3 hao4 chuang1 kou3 ban4 li3"
    phonemes = subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-q", "-x", text],
                              capture_output=True, text=True, timeout=15, check=True).stdout
    assert "(en)" not in phonemes  # no switch to English rules
    assert "l'i35N" in phonemes  # ling2: rising tone
    plain_cmn = subprocess.run(["espeak-ng", "-v", "cmn", "-q", "-x", "请A零零一号"],
                               capture_output=True, text=True, timeout=15, check=True).stdout
    assert "(en)" in plain_cmn  # why the pinyin voice is used (RIGS.md)


def test_espeak_polyphones_go_through_pypinyin() -> None:
    assert pinyin(("银", "行", "长", "期")) == "yin2 hang2 chang2 qi1"


def test_wav_twin_logs_each_announcement(tmp_path: Path) -> None:
    voice = WavFileVoice(output_dir=str(tmp_path), play=True, time_scale=100)
    try:
        voice.announce(Call("A023", 5), repeat=1).result(30)
        voice.announce(Call("A024", 6), repeat=2).result(30)
        assert voice.status().code == "ok"  # its loudspeaker is simulated
    finally:
        voice.close()
    records = [json.loads(line) for line in (tmp_path / "announcements.jsonl").read_text().splitlines()]
    assert [(r["text"], r["repeat"], r["played"]) for r in records] == [
        ("请 A023 号 到 5 号窗口 办理", 1, True), ("请 A024 号 到 6 号窗口 办理", 2, True)]
    assert records[0]["finished_at"] <= records[1]["started_at"]
    assert sorted(p.name for p in tmp_path.glob("*.wav")) == ["0001-A0235.wav", "0002-A0246.wav"]


def test_play_without_a_sound_device_degrades_and_only_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the machine under test may have a sound card; this is what a kiosk without one does
    monkeypatch.setattr("devices.voice.audio.sound_device_present", lambda: False)
    voice = ClipVoice(output_dir=str(tmp_path), play=True)
    try:
        assert voice.status().code == "device.voice.no_sound_device"
        done = voice.announce(Call("A1", 1), repeat=1).result(30)
        assert done.played is False and Path(done.file).stat().st_size > 44
    finally:
        voice.close()


def test_temporary_output_is_rotated_and_removed() -> None:
    voice = ClipVoice(repeat=1)
    try:
        done = [voice.announce(Call(f"A{i}", 1)).result(30) for i in range(22)]
        directory = Path(done[-1].file).parent
        assert len(list(directory.glob("*.wav"))) == 20
    finally:
        voice.close()
    assert not directory.exists()


def test_playback_runs_the_player_on_the_written_wav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a stand-in player process that opens the WAV as aplay would and fails on a bad file
    player = [sys.executable, "-c", "import sys, wave; assert wave.open(sys.argv[1]).getnframes() > 0"]
    monkeypatch.setattr("devices.voice.audio.player_command", lambda: player)
    voice = ClipVoice(output_dir=str(tmp_path), play=True, repeat=1)
    try:
        assert voice.status().code == "ok"
        assert voice.announce(Call("A023", 5)).result(30).played is True
    finally:
        voice.close()
