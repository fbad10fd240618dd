"""Twin ``wav``: announces through the shipped clips into WAV files in ``output_dir``, never a speaker.

With ``play`` it simulates a loudspeaker: the worker is busy for the sound's duration (divided by
``time_scale``, which tests raise), so queueing behaves as on a real display. Each announcement is
also logged to ``announcements.jsonl`` next to the WAVs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from devices.voice.audio import Pcm
from devices.voice.clips import ClipVoice
from devices.voice.protocol import Announcement, Utterance


class WavFileVoice(ClipVoice):
    driver_name = "wav"
    needs_sound_device = False

    def __init__(self, *, time_scale: float = 1.0, **options: Any) -> None:
        super().__init__(**options)
        self.time_scale = max(time_scale, 1e-3)

    def _play(self, path: Path, pcm: Pcm) -> bool:
        time.sleep(pcm.duration_s / self.time_scale)
        return True

    def _announce(self, number: int, utterance: Utterance, times: int) -> Announcement:
        done = super()._announce(number, utterance, times)
        record = {**done.to_json(), "started_at": done.started_at, "finished_at": done.finished_at}
        with (Path(done.file).parent / "announcements.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
        return done
