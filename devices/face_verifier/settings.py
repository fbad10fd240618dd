"""``[devices.face_verifier]`` options (人证比对). Off unless a hall turns it on: without a verifier the
kiosk's face step only takes a photo for the file (拍照留档) and never claims to verify."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from devices.settings_base import DeviceSettings


class FaceVerifierSettings(DeviceSettings):
    kind: ClassVar[str] = "face_verifier"

    driver: str = "twin"
    enabled: bool = False
    # dlib: a match needs a descriptor distance ≤ tolerance (dlib's own 0.6); lower = stricter
    tolerance: float = Field(default=0.6, gt=0.2, le=1.0)
    # refuse frames with neither movement nor a blink (a photo held up to the camera)
    liveness: bool = True
    # frames the kiosk takes for one check (liveness needs at least two)
    min_frames: int = Field(default=3, ge=2, le=12)
    timeout_s: float = Field(default=5.0, gt=0, le=60)
    # provincial: the verification service (http(s)://…), this hall's app id and key
    url: str = ""
    app_id: str = Field(default="", max_length=64)
    app_key: str = Field(default="", max_length=256, repr=False)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL of the provincial face verification service")
        return value.rstrip("/")
