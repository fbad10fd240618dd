"""Service codes (亮码) over the API: issued for a citizen by the platform, resolved by a terminal."""

from __future__ import annotations

from pydantic import Field

from hall.server.core.schemas import In, IsoTime, Out


class ServiceCodeRequest(In):
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    name: str = Field(default="", max_length=64, repr=False)


class ServiceCodeScan(In):
    # Whatever the scanner read: anything that is not one of our codes is refused as invalid (404).
    code: str = Field(min_length=1, max_length=4096, repr=False)


class ServiceCodeOut(Out):
    """``code`` goes into the citizen's QR (nothing personal in it); one-time, valid ``ttl_s`` seconds."""

    code: str = Field(repr=False)
    expires_at: IsoTime
    ttl_s: int


class IdentityOut(Out):
    """The identity behind a resolved code, for prefilling (一号申请) on the citizen's own screen only."""

    id_number: str = Field(repr=False)
    name: str = Field(default="", repr=False)
    id_masked: str
    expires_at: IsoTime
