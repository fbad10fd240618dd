"""What every voice driver shares: the queue on one worker thread, repeats, the WAV file, playback.

A driver only says how to turn an :class:`Utterance` into PCM (``_synthesise``). Announcements run
one at a time on the worker, and playback blocks that thread until the sound has finished, so two
announcements can never overlap; a recall is simply announced again.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from devices.status import DeviceStatus, Health
from devices.voice import audio
from devices.voice.audio import Pcm
from devices.voice.phrases import call_utterance, text_utterance
from devices.voice.protocol import Announcement, BadAnnouncement, Call, Utterance, VoiceError
from devices.worker import DeviceEvent, DeviceWorker

log = logging.getLogger(__name__)

REPEAT_GAP_S = 0.8  # between the repetitions of one call
ENGLISH_GAP_S = 0.4  # between the Chinese and the English line
KEEP_TEMP_FILES = 20  # with no output_dir, only the latest files are kept
VOLUME_STEPS = 10  # set_volume levels 1..10 (the accessible keypad's + and - keys, issue 14.8)


class QueuedVoice:
    """Base of the voice drivers; options are those of ``[devices.voice]``."""

    driver_name = "voice"
    needs_sound_device = True  # False for the twin, whose loudspeaker is simulated

    def __init__(self, *, repeat: int = 2, rate_wpm: int = 140, output_dir: str = "", play: bool = False,
                 english: bool = False, clips_dir: str = "") -> None:
        if not 1 <= repeat <= 5:
            raise VoiceError(f"devices.voice.repeat must be 1..5, got {repeat}", code="device.config")
        if not 60 <= rate_wpm <= 300:
            raise VoiceError(f"devices.voice.rate_wpm must be 60..300, got {rate_wpm}", code="device.config")
        self.repeat = repeat
        self.rate_wpm = rate_wpm
        self.play = play
        self.english = english
        self.clips_dir = clips_dir  # used by the clip drivers only
        self._output_dir = Path(output_dir) if output_dir else None
        self._temp_dir: Path | None = None
        self._ids = itertools.count(1)
        self._id_lock = threading.Lock()
        self._worker = DeviceWorker(f"voice-{self.driver_name}")
        self.history: list[Announcement] = []
        self.volume = VOLUME_STEPS  # 1..VOLUME_STEPS; announcements are scaled to volume / VOLUME_STEPS

    def set_volume(self, level: int) -> int:
        """Loudness of the next announcements, clamped to 1..VOLUME_STEPS; returns the level set."""
        self.volume = max(1, min(VOLUME_STEPS, int(level)))
        return self.volume

    # -- hooks ----------------------------------------------------------------------------------
    def _synthesise(self, utterance: Utterance) -> Pcm:
        """The utterance said once (Chinese, then English when present). Raises VoiceError."""
        raise NotImplementedError

    def _check(self, utterance: Utterance) -> None:
        """Refuse, before queuing, what this driver cannot say (BadAnnouncement)."""

    def _health(self) -> tuple[Health, str, str, str]:
        return Health.OK, "ok", "正常", "OK"

    def _play(self, path: Path, pcm: Pcm) -> bool:
        return audio.play(path, duration_s=pcm.duration_s)

    # -- public API -----------------------------------------------------------------------------
    def open(self) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self._worker.start()

    def close(self) -> None:
        self._worker.stop()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    @property
    def output_dir(self) -> Path:
        if self._output_dir is not None:
            return self._output_dir
        if self._temp_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="hall-voice-"))
        return self._temp_dir

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    def status(self) -> DeviceStatus:
        health, code, zh, en = self._health()
        if health is Health.OK and self.play and self.needs_sound_device and audio.player_command() is None:
            health, code = Health.DEGRADED, "device.voice.no_sound_device"
            zh, en = "无声卡，仅生成语音文件", "No sound device: announcements are only written to files"
        return DeviceStatus("voice", self.driver_name, health, code, zh, en)

    def utterance(self, what: str | Call) -> Utterance:
        """What would be said for ``what``. Raises BadAnnouncement."""
        if isinstance(what, Call):
            result = call_utterance(what, english=self.english)
        elif isinstance(what, str):
            result = text_utterance(what)
        else:
            raise BadAnnouncement(f"cannot announce a {type(what).__name__}")
        self._check(result)
        return result

    def announce(self, what: str | Call, *, repeat: int | None = None) -> Future[Announcement]:
        times = self.repeat if repeat is None else repeat
        if not 1 <= times <= 5:
            raise BadAnnouncement(f"repeat must be 1..5, got {times}")
        utterance = self.utterance(what)
        with self._id_lock:
            number = next(self._ids)
        return self._worker.submit(lambda: self._announce(number, utterance, times))

    # -- worker side ----------------------------------------------------------------------------
    def _announce(self, number: int, utterance: Utterance, times: int) -> Announcement:
        once = self._synthesise(utterance)
        pcm = audio.join([once] * times, gap=audio.silence(once.rate, REPEAT_GAP_S))
        pcm = audio.scale(pcm, self.volume / VOLUME_STEPS)
        directory = self.output_dir
        directory.mkdir(parents=True, exist_ok=True)
        path = audio.write_wav(directory / f"{number:04d}-{_slug(utterance.text)}.wav", pcm)
        started = time.monotonic()
        played = self._play(path, pcm) if self.play else False
        done = Announcement(number, utterance.text, times, str(path), pcm.duration_s, started,
                            time.monotonic(), played, self.driver_name, self.volume)
        self.history.append(done)
        if self._output_dir is None:
            self._rotate(directory)
        log.info("voice: announced #%d (%s, x%d, %.2f s)", number, utterance.text, times, pcm.duration_s)
        self._worker.emit(DeviceEvent("voice", "announced", done))
        return done

    @staticmethod
    def _rotate(directory: Path) -> None:
        files = sorted(directory.glob("*.wav"))
        for old in files[:-KEEP_TEMP_FILES]:
            old.unlink(missing_ok=True)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "", text)[:16] or "text"
