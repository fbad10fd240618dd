"""The shared identify step: ID card, social-security card, service QR (亮码), or the keypad.

Whatever is read becomes the session's :class:`Identity` and prefills everything after it
(一号申请). Methods whose device is offline are left out, so a broken reader degrades to the
others.

Identity before personal data (docs/kiosk.md, identity rules): a typed ID number (the keypad, with the
GB 11643 check digit enforced) is enough to take a number or check in (:data:`MANUAL_PURPOSES`) and
nothing else. Cases, e-licences, prefilled forms and applications need a proven identity — the ID card,
the social-security card, a 亮码, or a verified face match — whose evidence (``Identity.proof``) the
hall server checks again; for those purposes the keypad is not offered and the screen lists the ways.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from kiosk.flows.base import Flow, Step, View, Work, message
from kiosk.flows.idnumber import is_valid
from kiosk.flows.ports import FaceResult, NotFound, PortError
from kiosk.flows.session import Identity

Then = Callable[[Identity | None], Step]
Codes = Callable[[str], Step | None]

METHODS = ("id_card", "ss_card", "service_code")
# Purposes a typed ID number may serve; every other purpose opens personal data and needs a proof.
MANUAL_PURPOSES = frozenset({"priority", "checkin"})


def card_proof(record: Any) -> dict[str, Any] | None:
    """The hall server's ``proof`` object for an ID-card read: the card's own text block and photo."""
    text, photo = getattr(record, "text_raw", b""), getattr(record, "photo_wlt", b"")
    if not text or not photo:
        return None
    return {"method": "id_card", "card_text": base64.b64encode(text).decode(),
            "card_photo": base64.b64encode(photo).decode()}


def ss_card_proof(record: Any) -> dict[str, Any] | None:
    """The ``proof`` object for a social-security card read: EF05's card identification code and number."""
    card_id, number = str(getattr(record, "card_id", "") or ""), str(getattr(record, "card_number", "") or "")
    if not card_id or not number:
        return None
    return {"method": "ss_card", "ss_card_id": card_id[:32], "ss_card_number": number[:9]}
CODE_REFUSALS = {"expired": "identify.code_expired", "used": "identify.code_used"}


class Identifier:
    """A sub-step a flow runs while it needs to know who is at the screen."""

    def __init__(self, flow: Flow, *, purpose: str, then: Then, optional: bool = False,
                 codes: Codes | None = None) -> None:
        self.flow = flow
        self.purpose = purpose
        self.then = then
        self.optional = optional
        self.codes = codes
        self.active = True
        # a typed number only where it is enough (taking a number, checking in)
        self.manual = purpose in MANUAL_PURPOSES
        # the face way: a typed number, then a face the provincial service matches with its photo
        self.face_for: str | None = None

    def face_way(self) -> bool:
        """True when a typed number plus a verified face may prove identity here (provincial verifier)."""
        ctx = self.flow.ctx
        return not self.manual and ctx.devices.face_by_id and ctx.devices.camera and ctx.face is not None

    # -- views ---------------------------------------------------------------------------------
    def view(self, notice: str = "") -> View:
        devices = self.flow.ctx.devices
        usable = {"id_card": devices.id_card, "ss_card": devices.ss_card, "service_code": devices.code_scanner}
        data = {
            "purpose": self.purpose,
            "optional": self.optional,
            "methods": [m for m in METHODS if usable[m]],
            "offline_methods": [m for m in METHODS if not usable[m]],
            "notice": notice,
            "manual": self.manual,
            # the ways that prove who you are, said on the screen where a typed number is not enough
            "proof_ways": [] if self.manual else [m for m in METHODS if usable[m]] + ["face"] * self.face_way(),
        }
        return View("identify", data, prompt=f"identify.prompt.{self.purpose}")

    def keypad(self, error: str = "") -> View:
        return View("keypad", {"error": error, "max_len": 18}, prompt="keypad.prompt")

    # -- inputs --------------------------------------------------------------------------------
    def handle(self, action: str, value: Any) -> Step | None:
        if action == "manual":
            return self.keypad() if self.manual else self.view("identify.proof_needed")
        if action == "face_way" and self.face_way():
            self.face_for = ""
            return self.keypad()
        if action == "keypad_cancel":
            self.face_for = None
            return self.view()
        if action == "keypad_submit":
            text = str(value or "").strip().upper()
            if not self.manual and self.face_for is None:
                return self.view("identify.proof_needed")
            if not is_valid(text):
                return self.keypad("keypad.invalid")
            if self.face_for is not None:
                self.face_for = text
                return self.face_view()
            return self._identified(Identity(source="manual", id_number=text))
        if action in ("face_verify", "face_retry") and self.face_for:
            return self._face(value) if action == "face_verify" else self.face_view()
        if action == "skip" and self.optional:
            self.active = False
            return self.then(None)
        return None

    def event(self, kind: str, name: str, payload: Any) -> Step | None:
        if name != "card_placed" and name != "code_scanned":
            return None
        if kind == "id_card" and name == "card_placed":
            if not getattr(payload, "id_number_valid", False):
                return self.view("identify.card_unreadable")
            return self._identified(Identity(source="id_card", id_number=payload.id_number, name=payload.name,
                                             sex=payload.sex, address=payload.address, proof=card_proof(payload),
                                             photo=getattr(payload, "photo_bmp", None)))
        if kind == "ss_card" and name == "card_placed":
            if getattr(payload, "holder_data", "") != "read" or not payload.id_number:
                return self.view("identify.ss_card_needs_id_card")
            return self._identified(Identity(source="ss_card", id_number=payload.id_number,
                                             name=payload.name or "", sex=payload.sex or "",
                                             proof=ss_card_proof(payload)))
        if kind == "code_scanner" and name == "code_scanned":
            text = str(getattr(payload, "text", "")).strip()
            if self.codes is not None:
                step = self.codes(text)
                if step is not None:
                    return step
            return Work(run=lambda: self.flow.ctx.hall.resolve_service_code(text), done=self._from_code,
                        failed=self._code_failed, busy=View("busy", {"key": "busy.checking"}), label="service_code")
        return None

    def _from_code(self, found: dict[str, str]) -> Step:
        id_number = str(found.get("id_number", ""))
        if not is_valid(id_number):
            return self.view("identify.code_unknown")
        token = str(found.get("proof", ""))
        return self._identified(Identity(source="service_code", id_number=id_number, name=str(found.get("name", "")),
                                         proof={"method": "service_code", "token": token} if token else None))

    def _code_failed(self, exc: PortError) -> Step:
        if not isinstance(exc, NotFound):
            return self.view("identify.code_offline")
        # an expired or used 亮码 is refreshed on the phone; anything else is not a code of ours
        why = str(exc.detail.get("server_code", "")).rpartition(".")[2]
        return self.view(CODE_REFUSALS.get(why, "identify.code_unknown"))

    # -- the face way (provincial service) ---------------------------------------------------------
    def face_view(self) -> View:
        return View("face", {"countdown_s": 5 if self.flow.ctx.elderly else 3, "verify": True, "by_id": True},
                    prompt="face.prompt.by_id")

    def _face(self, frames: Any) -> Step:
        face, id_number = self.flow.ctx.face, self.face_for or ""
        shots = [bytes(f) for f in frames or [] if f]
        if face is None or not shots:
            return self.face_view()
        return Work(run=lambda: face.verify_id(id_number, shots), done=lambda r: self._face_checked(r, id_number),
                    failed=lambda _e: self.view("identify.face_unavailable"),
                    busy=View("busy", {"key": "busy.face"}), label="face_verify")

    def _face_checked(self, result: FaceResult, id_number: str) -> Step:
        if not result.matched or not result.attestation:
            key = {"not_live": "face.not_live", "no_face": "face.no_face"}.get(result.decision, "face.no_match")
            return message(key, actions=("face_retry", "home"), tone="warn")
        self.face_for = None
        face = {k: result.attestation[k] for k in ("serial", "result", "score", "issued_at", "signature")
                if k in result.attestation}
        return self._identified(Identity(source="face", id_number=id_number,
                                         proof={"method": "face", "face": face}))

    def _identified(self, identity: Identity) -> Step:
        if not self.manual and not identity.proven:
            return self.view("identify.proof_needed")
        self.active = False
        self.flow.ctx.session.identity = identity
        return self.then(identity)
