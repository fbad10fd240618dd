"""``[devices.camera]`` options."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from devices.settings_base import DeviceSettings


class CameraSettings(DeviceSettings):
    kind: ClassVar[str] = "camera"

    driver: str = "file"
    # Index ("0"), device path, stream URL or video/image file; empty with "file" = bundled samples.
    source: str = ""
    width: int = Field(default=1280, ge=160, le=7680)
    height: int = Field(default=720, ge=120, le=4320)
    fps: float = Field(default=15.0, gt=0, le=120)
