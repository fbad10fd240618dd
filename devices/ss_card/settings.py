"""``[devices.ss_card]`` options."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from devices.settings_base import DeviceSettings


class SsCardSettings(DeviceSettings):
    kind: ClassVar[str] = "ss_card"

    driver: str = "pcsc-emulator"
    # Part of the reader's name; empty = the first reader holding a card.
    reader: str = ""
    # Part of the PSAM slot's reader name; empty = no PSAM (3.0 cards then give no holder data).
    psam_reader: str = ""
    timeout_s: float = Field(default=2.0, gt=0, le=30)
    poll_interval_s: float = Field(default=0.3, gt=0, le=10)
