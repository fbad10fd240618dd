"""Service codes (亮码) over the API: issued for a citizen by the platform, resolved by a terminal."""

from __future__ import annotations

from typing import Literal

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
    # A proof of identity (method service_code) for the routes that return personal data.
    proof: str = Field(default="", repr=False)


class FaceDecisionIn(In):
    """A decision of the provincial face verification service, as it signed it."""

    serial: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    result: Literal["match", "no_match"]
    score: float = Field(ge=0, le=1)
    issued_at: int = Field(ge=0, le=2**40)
    signature: str = Field(min_length=64, max_length=64, pattern=r"^[0-9A-Fa-f]{64}$")


class ProofIn(In):
    """Proof of identity for personal data (docs/kiosk.md, identity rules): a ``token`` this server
    signed (a resolved 亮码, or evidence exchanged at ``POST /identity/proofs``), or the evidence itself:
    ``id_card`` (``card_text`` + ``card_photo``, base64 of the GA 467 blocks), ``ss_card``
    (``ss_card_id`` + ``ss_card_number``), ``face`` (``face``: the provincial service's signed decision)."""

    method: Literal["id_card", "ss_card", "service_code", "face"]
    token: str = Field(default="", max_length=256, repr=False)
    card_text: str = Field(default="", max_length=400, repr=False)
    card_photo: str = Field(default="", max_length=1400, repr=False)
    ss_card_id: str = Field(default="", max_length=32, repr=False)
    ss_card_number: str = Field(default="", max_length=9, repr=False)
    face: FaceDecisionIn | None = Field(default=None, repr=False)


class ProofRequest(In):
    """``POST /identity/proofs``: evidence for an ID number, exchanged for a token."""

    id_number: str = Field(min_length=15, max_length=18, repr=False)
    proof: ProofIn


class ProofOut(Out):
    """A proof token bound to this terminal's token and one ID number; pass it as ``proof.token``."""

    token: str = Field(repr=False)
    method: str
    expires_at: IsoTime
