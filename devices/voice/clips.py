"""Driver ``clips``: announcements joined from recorded clips, the way calling systems do it.

The shipped set (``devices/voice/clips``, made by :mod:`devices.voice.make_clips`) has digits,
letters and the call's words; ``clips_dir`` points at a hall's own recordings with the same
``index.json``. Every clip must share one sample rate.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from devices.status import Health
from devices.voice.audio import Pcm, read_wav, silence
from devices.voice.base import ENGLISH_GAP_S, QueuedVoice
from devices.voice.phrases import PAUSE
from devices.voice.protocol import BadAnnouncement, Utterance, VoiceError

SHIPPED_CLIPS = Path(__file__).with_name("clips")
TOKEN_GAP_S = 0.03  # between two clips of one sentence
PAUSE_S = 0.25  # a comma


class ClipSet:
    """``index.json`` (token → file) and the clips, loaded once and cached."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise VoiceError(f"no usable clip index in {directory}", code="device.voice.clips_missing") from exc
        self.index: dict[str, str] = {str(k): str(v) for k, v in index.items()}
        self._cache: dict[str, Pcm] = {}
        self._lock = threading.Lock()
        self.rate = self.clip(next(iter(self.index))).rate if self.index else 16_000

    def missing(self, tokens: tuple[str, ...]) -> list[str]:
        return sorted({t for t in tokens if t != PAUSE and t not in self.index})

    def clip(self, token: str) -> Pcm:
        with self._lock:
            if token not in self._cache:
                if token not in self.index:
                    raise BadAnnouncement(f"no clip for {token!r}")
                pcm = read_wav(self.directory / self.index[token])
                if self._cache and pcm.rate != next(iter(self._cache.values())).rate:
                    raise VoiceError(f"clip {self.index[token]} is not at the set's sample rate")
                self._cache[token] = pcm
            return self._cache[token]

    def sentence(self, tokens: tuple[str, ...]) -> Pcm:
        """Clips in order with a short gap between them; a pause token is a longer silence."""
        out = Pcm(self.rate, b"")
        gap = silence(self.rate, TOKEN_GAP_S)
        for i, token in enumerate(tokens):
            if i:
                out = out + gap
            out = out + (silence(self.rate, PAUSE_S) if token == PAUSE else self.clip(token))
        return out


class ClipVoice(QueuedVoice):
    driver_name = "clips"

    def __init__(self, *, clips_dir: str = "", **options: Any) -> None:
        super().__init__(**options)
        self.clips = ClipSet(Path(clips_dir) if clips_dir else SHIPPED_CLIPS)
        self.unsayable = 0  # texts refused for want of a clip (and of a synthesiser): status says so

    def _health(self) -> tuple[Health, str, str, str]:
        if not self.clips.index:
            return Health.OFFLINE, "device.voice.clips_missing", "语音片段缺失", "Voice clips are missing"
        if self.unsayable:
            return (Health.DEGRADED, "device.voice.prompts_unavailable", "部分提示语没有录音，无法播报",
                    "Some prompts have no recording and cannot be spoken")
        return Health.OK, "ok", "正常", "OK"

    def covers(self, utterance: Utterance) -> bool:
        """Whether every word of ``utterance`` has a recorded clip."""
        return not self.clips.missing(utterance.tokens + utterance.en_tokens)

    def _check(self, utterance: Utterance) -> None:
        missing = self.clips.missing(utterance.tokens + utterance.en_tokens)
        if missing:
            self.unsayable += 1
            raise BadAnnouncement(f"no recorded clip for: {' '.join(missing)}")

    def _synthesise(self, utterance: Utterance) -> Pcm:
        pcm = self.clips.sentence(utterance.tokens)
        if utterance.en_tokens:
            pcm = pcm + silence(pcm.rate, ENGLISH_GAP_S) + self.clips.sentence(utterance.en_tokens)
        return pcm
