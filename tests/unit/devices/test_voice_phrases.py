"""Call phrasing (pure), the shipped clip set, make_clips and say_json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.errors import DeviceError
from devices.voice.audio import read_wav
from devices.voice.clips import SHIPPED_CLIPS, ClipVoice
from devices.voice.make_clips import clip_plan, make_clips
from devices.voice.phrases import (
    DIGITS_ZH,
    PAUSE,
    call_utterance,
    english_text,
    spell,
    text_utterance,
    window_words,
)
from devices.voice.protocol import BadAnnouncement, Call
from devices.voice.say import say_json
from devices.voice.settings import VoiceSettings
from tests.rigs import rig_missing


def test_the_hall_call() -> None:
    u = call_utterance(Call("A023", 5))
    assert u.text == "请 A023 号 到 5 号窗口 办理"
    assert u.tokens == ("请", "A", "零", "二", "三", "号", "到", "五", "号窗口", "办理")
    assert u.english == "" and u.en_tokens == ()


def test_numbers_are_read_digit_by_digit() -> None:
    assert spell("A023") == ["A", "零", "二", "三"]
    assert spell("b100") == ["B", "一", "零", "零"]


@pytest.mark.parametrize(("window", "words"), [
    (5, ["五"]), (10, ["十"]), (12, ["十", "二"]), (20, ["二", "十"]), (35, ["三", "十", "五"]),
    ("7", ["七"]), (105, ["一", "零", "五"]),
])
def test_window_numbers(window: int | str, words: list[str]) -> None:
    assert window_words(window) == words


def test_english_line_and_recall() -> None:
    u = call_utterance(Call("a023", 12, recall=True), english=True)
    assert u.text == "再次呼叫 请 A023 号 到 12 号窗口 办理"
    assert u.tokens[:3] == ("再次", "呼叫", PAUSE)
    assert u.english == "Again, number A023, please go to window 12."
    assert english_text(u.en_tokens) == "again number A zero two three, please go to window one two"


def test_free_text_keeps_known_words_and_spells_the_rest() -> None:
    u = text_utterance("请A023号到5号窗口办理")
    assert u.tokens == ("请", "A", "零", "二", "三", "号", "到", "五", "号窗口", "办理")
    assert text_utterance("你好，  世界。").tokens == ("你", "好", PAUSE, "世", "界")


@pytest.mark.parametrize("bad", [Call("", 1), Call("A-1", 1), Call("ABCD1", 1), Call("A1", "五"), Call("A1", "")])
def test_bad_calls(bad: Call) -> None:
    with pytest.raises(BadAnnouncement):
        call_utterance(bad)


@given(st.from_regex(r"[A-Z]{0,3}[0-9]{1,6}", fullmatch=True), st.integers(1, 999))
def test_every_valid_call_has_clips(number: str, window: int) -> None:
    index = json.loads((SHIPPED_CLIPS / "index.json").read_text(encoding="utf-8"))
    for english in (False, True):
        u = call_utterance(Call(number, window), english=english)
        assert all(t == PAUSE or t in index for t in u.tokens + u.en_tokens)
        assert sum(t in DIGITS_ZH for t in u.tokens) >= sum(c.isdigit() for c in number)


def test_shipped_clips_are_small_mono_and_complete() -> None:
    index = json.loads((SHIPPED_CLIPS / "index.json").read_text(encoding="utf-8"))
    assert set(index) == set(clip_plan())
    rates = set()
    for name in index.values():
        pcm = read_wav(SHIPPED_CLIPS / name)
        assert 0.05 < pcm.duration_s < 2.0
        rates.add(pcm.rate)
    assert len(rates) == 1 and 8000 <= rates.pop() <= 16000


def test_make_clips_regenerates_the_set(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        rig_missing("espeak-ng is not installed (apt-get install espeak-ng)")
    index = make_clips(tmp_path, rate=8000)
    assert index == json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert read_wav(tmp_path / index["号窗口"]).rate == 8000
    voice = ClipVoice(clips_dir=str(tmp_path), output_dir=str(tmp_path / "out"), repeat=1)
    try:
        assert voice.announce(Call("Z9", 99)).result(30).duration_s > 0.5
    finally:
        voice.close()


def test_say_json_through_settings(tmp_path: Path) -> None:
    result = say_json(VoiceSettings(driver="wav", output_dir=str(tmp_path), repeat=1), "请A023号到5号窗口办理")
    assert result["driver"] == "wav" and result["repeat"] == 1 and result["duration_s"] > 0
    assert result["spoken"] == "请 A 零 二 三 号 到 五 号窗口 办理"
    assert Path(result["file"]).parent == tmp_path and result["status"]["health"] == "ok"
    json.dumps(result, ensure_ascii=False)


def test_say_json_with_an_open_voice_keeps_it_open(tmp_path: Path) -> None:
    voice = ClipVoice(output_dir=str(tmp_path), repeat=1)
    voice.open()
    try:
        assert say_json(voice, "A1")["text"] == "A1"
        assert voice.announce("A2").result(30).id == 2
    finally:
        voice.close()


def test_say_json_errors_are_typed() -> None:
    with pytest.raises(BadAnnouncement):
        say_json(VoiceSettings(driver="clips"), "银行")
    with pytest.raises(DeviceError):
        say_json(VoiceSettings(driver="wav", enabled=False), "A1")


def test_offline_numbers_are_read_as_the_receipt_shows_them() -> None:
    u = call_utterance(Call("K1-D005", 5), english=True)
    assert u.text == "请 K1-D005 号 到 5 号窗口 办理"
    assert u.tokens == ("请", "K", "一", "D", "零", "零", "五", "号", "到", "五", "号窗口", "办理")
    assert english_text(u.en_tokens) == "number K one D zero zero five, please go to window five"
    assert call_utterance(Call("k12-b1000", 3)).text == "请 K12-B1000 号 到 3 号窗口 办理"
    assert text_utterance("请K1-D005号到5号窗口办理").tokens == u.tokens


@pytest.mark.parametrize("bad", ["K1-", "-D005", "K1-005", "K1--D005", "TOOLONGPREFIX-D005", "K1-D005-2"])
def test_malformed_offline_numbers_are_refused(bad: str) -> None:
    with pytest.raises(BadAnnouncement):
        call_utterance(Call(bad, 1))


@given(st.from_regex(r"[A-Z0-9]{1,8}-[A-Z][0-9]{3,4}", fullmatch=True), st.integers(1, 999))
def test_every_offline_call_has_clips(number: str, window: int) -> None:
    index = json.loads((SHIPPED_CLIPS / "index.json").read_text(encoding="utf-8"))
    u = call_utterance(Call(number, window), english=True)
    assert all(t == PAUSE or t in index for t in u.tokens + u.en_tokens)
