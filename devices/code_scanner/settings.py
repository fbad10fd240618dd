"""``[devices.code_scanner]`` options."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from devices.settings_base import DeviceSettings


class CodeScannerSettings(DeviceSettings):
    kind: ClassVar[str] = "code_scanner"

    driver: str = "simulated"
    backend: Literal["zxing", "pyzbar"] = "zxing"
    # camera driver: camera index ("0"), device path, stream URL, video file, or image files/dir/glob.
    source: str = ""
    # serial driver: a pyserial URL and the line terminator the scanner sends.
    port: str = ""
    baudrate: int = Field(default=9600, ge=1200, le=921600)
    terminator: Literal["\r", "\n", "\r\n", "\t"] = "\r"
    # repeated reads of the same code within this window are reported once.
    debounce_s: float = Field(default=2.0, ge=0, le=60)
