"""``[devices.id_card]`` options."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from devices.settings_base import DeviceSettings


class IdCardSettings(DeviceSettings):
    kind: ClassVar[str] = "id_card"

    driver: str = "ga467-emulator"
    # Any pyserial URL: /dev/ttyUSB0, loop://, spy:///dev/ttyS0?file=trace.txt, socket://host:port.
    # Empty with the emulator driver: the emulator opens its own pty.
    port: str = ""
    baudrate: Literal[9600, 19200, 38400, 57600, 115200] = 115200
    timeout_s: float = Field(default=1.0, gt=0, le=30)
    poll_interval_s: float = Field(default=0.3, gt=0, le=10)
    # Optional vendor WLT photo decoder (shared library loaded by ctypes); empty = keep raw bytes.
    photo_decoder: str = ""
    # Read with command 30 10 (text + photo + fingerprint templates) instead of 30 01.
    read_fingerprint: bool = False
