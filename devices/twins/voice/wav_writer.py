"""Twin ``wav``: announcements into WAV files in ``output_dir``, never a speaker.

Calls and any text the shipped clips cover are joined from the clips (exactly as the ``clips``
driver would say them). Other text (the kiosk's elderly-mode prompts) is synthesised with
espeak-ng when it is installed; without it such a text is refused (BadAnnouncement) and the
status turns degraded (``device.voice.prompts_unavailable``) rather than pretending.

With ``play`` it simulates a loudspeaker: the worker is busy for the sound's duration (divided by
``time_scale``, which tests raise), so queueing behaves as on a real display. Each announcement is
also logged to ``announcements.jsonl`` next to the WAVs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from devices.status import Health
from devices.voice.audio import Pcm
from devices.voice.clips import ClipVoice
from devices.voice.espeak import espeak_available, speak
from devices.voice.protocol import Announcement, BadAnnouncement, Utterance


class WavFileVoice(ClipVoice):
    driver_name = "wav"
    needs_sound_device = False

    def __init__(self, *, time_scale: float = 1.0, **options: Any) -> None:
        super().__init__(**options)
        self.time_scale = max(time_scale, 1e-3)

    def _health(self) -> tuple[Health, str, str, str]:
        health = super()._health()
        if health[0] is Health.DEGRADED:
            return (Health.DEGRADED, "device.voice.prompts_unavailable", "未安装 espeak-ng，提示语无法播报",
                    "espeak-ng is not installed: prompts cannot be spoken")
        return health

    def _check(self, utterance: Utterance) -> None:
        if self.covers(utterance) or espeak_available():
            return
        self.unsayable += 1
        raise BadAnnouncement("no clip for this text and espeak-ng is not installed (apt-get install espeak-ng)")

    def _synthesise(self, utterance: Utterance) -> Pcm:
        if self.covers(utterance):
            return super()._synthesise(utterance)
        return speak(utterance, rate_wpm=self.rate_wpm)

    def _play(self, path: Path, pcm: Pcm) -> bool:
        time.sleep(pcm.duration_s / self.time_scale)
        return True

    def _announce(self, number: int, utterance: Utterance, times: int) -> Announcement:
        done = super()._announce(number, utterance, times)
        record = {**done.to_json(), "started_at": done.started_at, "finished_at": done.finished_at}
        with (Path(done.file).parent / "announcements.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
        return done
