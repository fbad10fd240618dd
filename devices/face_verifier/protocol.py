"""The face_verifier kind: ``verify(reference, frames) -> FaceDecision`` (decision + score).

The reference is a photo (the ID card's decoded WLT photo, as a BGR image) or, for a provincial
service that holds the registered photo itself, an :class:`IdNumberReference`. ``frames`` are several
camera frames of the citizen: the best face is compared, and all of them are used for basic liveness
(movement or a blink), so a still photo held up to the camera is refused as ``not_live``.

Events (``DeviceEvent.name``): ``verified`` (payload: the FaceDecision), ``status_changed``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from devices.errors import DeviceError
from devices.status import DeviceStatus
from devices.worker import DeviceEvent


class FaceVerifierError(DeviceError):
    """The verification could not be made (no usable reference, service refused, model missing)."""

    code = "device.face_verifier"


class BadReference(FaceVerifierError):
    """The reference photo shows no usable face (or cannot be decoded)."""

    code = "device.face_verifier.bad_reference"


class Decision(enum.StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    NO_FACE = "no_face"  # no usable face in the frames
    NOT_LIVE = "not_live"  # the frames show no movement and no blink: a photo, not a person


@dataclass(frozen=True, slots=True)
class IdNumberReference:
    """The registered photo of this ID number, held by a provincial verification service."""

    id_number: str = field(repr=False)


Reference = np.ndarray | IdNumberReference


@dataclass(frozen=True, slots=True)
class Liveness:
    """Basic liveness over several frames: ``motion`` (face movement / size relative to its size),
    ``blink`` (eyes seen open in some frames and not in others)."""

    live: bool
    motion: float
    blink: bool
    frames: int


@dataclass(frozen=True, slots=True)
class FaceDecision:
    """The verdict: ``score`` 0..1 (higher = more alike), ``threshold`` the score a match needs.

    ``attestation`` is what a provincial service signed (serial, issued_at, signature), for the hall
    server to check as proof of identity; local verifiers leave it empty.
    """

    decision: Decision
    score: float
    threshold: float
    driver: str
    liveness: Liveness | None = None
    elapsed_s: float = 0.0
    attestation: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def matched(self) -> bool:
        return self.decision is Decision.MATCH

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"decision": self.decision.value, "score": round(self.score, 4),
                                  "threshold": round(self.threshold, 4), "driver": self.driver,
                                  "elapsed_s": round(self.elapsed_s, 4)}
        if self.liveness is not None:
            out["liveness"] = {"live": self.liveness.live, "motion": round(self.liveness.motion, 4),
                               "blink": self.liveness.blink, "frames": self.liveness.frames}
        return out


@runtime_checkable
class FaceVerifier(Protocol):
    """What every face verifier offers. ``verify`` runs on the device's worker thread.

    ``verify`` raises BadReference (no face in the reference), DeviceTimeout, DeviceOffline (the
    service cannot be reached) or FaceVerifierError; a face that does not match is a decision, not an error.
    """

    def open(self) -> None: ...

    def close(self) -> None: ...

    def status(self) -> DeviceStatus: ...

    def verify(self, reference: Reference, frames: Sequence[np.ndarray], *, timeout_s: float = 5.0) -> FaceDecision:
        ...

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...
