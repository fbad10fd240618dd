"""The voice contract, rerun against every driver (wav twin, clips, espeak)."""

from __future__ import annotations

import itertools
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.status import Health
from devices.voice.base import REPEAT_GAP_S
from devices.voice.protocol import Announcement, BadAnnouncement, Call, Voice
from devices.worker import DeviceEvent


def wav_frames(path: str) -> tuple[int, int]:
    with wave.open(path, "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return w.getnframes(), w.getframerate()


class VoiceContract:
    """Subclasses give ``make_voice(output_dir, **options)``."""

    def make_voice(self, output_dir: Path, **options: object) -> Voice:
        raise NotImplementedError

    @pytest.fixture
    def voice(self, tmp_path: Path) -> Iterator[Voice]:
        v = self.make_voice(tmp_path)
        v.open()
        yield v
        v.close()

    def test_is_a_voice_and_ok(self, voice: Voice) -> None:
        assert isinstance(voice, Voice)
        status = voice.status()
        assert (status.kind, status.health) == ("voice", Health.OK)

    def test_call_is_written_as_a_wav(self, voice: Voice) -> None:
        done = voice.announce(Call("A023", 5)).result(30)
        assert done.text == "请 A023 号 到 5 号窗口 办理" and done.repeat == 2
        frames, rate = wav_frames(done.file)
        assert frames > 0 and 8000 <= rate <= 22050
        assert done.duration_s == pytest.approx(frames / rate)

    def test_repeat_count_is_honoured(self, voice: Voice) -> None:
        once = voice.announce(Call("A023", 5), repeat=1).result(30)
        thrice = voice.announce(Call("A023", 5), repeat=3).result(30)
        f1, rate = wav_frames(once.file)
        f3, _ = wav_frames(thrice.file)
        assert f3 == 3 * f1 + 2 * round(rate * REPEAT_GAP_S)
        assert thrice.repeat == 3

    def test_volume_scales_the_next_announcement(self, voice: Voice) -> None:
        """The accessible keypad's - key (issue 14.8): quieter samples, same length, level clamped."""
        from devices.voice.audio import read_wav

        loud = voice.announce(Call("A023", 5), repeat=1).result(30)
        assert voice.set_volume(3) == 3 and voice.set_volume(0) == 1 and voice.set_volume(99) == 10  # type: ignore[attr-defined]
        voice.set_volume(3)  # type: ignore[attr-defined]
        quiet = voice.announce(Call("A023", 5), repeat=1).result(30)
        a, b = read_wav(Path(loud.file)), read_wav(Path(quiet.file))
        peak = [max(abs(int.from_bytes(p.data[i:i + 2], "little", signed=True)) for i in range(0, len(p.data), 2))
                for p in (a, b)]
        assert a.frames == b.frames and (loud.volume, quiet.volume) == (10, 3)
        assert 0 < peak[1] <= peak[0] * 0.3 + 1

    def test_announcements_queue_in_order_and_never_overlap(self, voice: Voice) -> None:
        futures: list[tuple[int, object]] = []
        lock = threading.Lock()

        def caller(i: int) -> None:
            fut = voice.announce(Call(f"B{i:03d}", i + 1), repeat=1)
            with lock:
                futures.append((i, fut))

        threads = [threading.Thread(target=caller, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done: list[Announcement] = [f.result(60) for _, f in futures]  # type: ignore[attr-defined]
        done.sort(key=lambda a: a.id)
        assert len({a.file for a in done}) == 6
        for earlier, later in itertools.pairwise(done):
            assert earlier.finished_at <= later.started_at  # one at a time, in queue order

    def test_a_recall_is_announced_again(self, voice: Voice) -> None:
        events: list[DeviceEvent] = []
        voice.subscribe(events.append)
        first = voice.announce(Call("A023", 5)).result(30)
        second = voice.announce(Call("A023", 5)).result(30)
        recall = voice.announce(Call("A023", 5, recall=True)).result(30)
        assert first.file != second.file and first.text == second.text
        assert recall.text.startswith("再次呼叫")
        assert wav_frames(recall.file)[0] > wav_frames(first.file)[0]
        assert [e.payload.id for e in events if e.name == "announced"] == [first.id, second.id, recall.id]

    @pytest.mark.parametrize("bad", ["", "   ", Call("??", 5), Call("A023", "x"), Call("A0234567", 5), 42])
    def test_bad_announcements_are_typed_errors(self, voice: Voice, bad: object) -> None:
        with pytest.raises(BadAnnouncement) as err:
            voice.announce(bad)  # type: ignore[arg-type]
        assert err.value.code == "device.voice.bad_announcement"

    def test_repeat_out_of_range(self, voice: Voice) -> None:
        with pytest.raises(BadAnnouncement):
            voice.announce(Call("A023", 5), repeat=0)

    def test_english_line_makes_it_longer(self, tmp_path: Path) -> None:
        zh = self.make_voice(tmp_path / "zh", repeat=1)
        en = self.make_voice(tmp_path / "en", repeat=1, english=True)
        try:
            a = zh.announce(Call("A023", 5)).result(30)
            b = en.announce(Call("A023", 5)).result(30)
        finally:
            zh.close()
            en.close()
        assert wav_frames(b.file)[0] > wav_frames(a.file)[0]
        assert en.utterance(Call("A023", 5)).english == "Number A023, please go to window 5."
