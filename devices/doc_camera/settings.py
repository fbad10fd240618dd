"""``[devices.doc_camera]`` options."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from devices.settings_base import DeviceSettings


class DocCameraSettings(DeviceSettings):
    kind: ClassVar[str] = "doc_camera"

    driver: str = "file"
    source: str = ""
    width: int = Field(default=1920, ge=320, le=7680)
    height: int = Field(default=1080, ge=240, le=4320)
    max_page_kb: int = Field(default=500, ge=50, le=10_000)
    enhance: bool = True
