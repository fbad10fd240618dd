"""``[devices.voice]`` options."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from devices.settings_base import DeviceSettings


class VoiceSettings(DeviceSettings):
    kind: ClassVar[str] = "voice"

    driver: str = "wav"
    repeat: int = Field(default=2, ge=1, le=5)
    # espeak: speaking rate; clips are recorded at a fixed rate
    rate_wpm: int = Field(default=140, ge=60, le=300)
    # wav driver: where announcement files are written; empty = a temporary directory.
    output_dir: str = ""
    play: bool = False
    # also say the call in English after the Chinese line
    english: bool = False
    # clips/wav drivers: a directory of recorded clips with index.json; empty = the shipped set
    clips_dir: str = ""
