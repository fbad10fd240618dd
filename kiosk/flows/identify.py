"""The shared identify step: ID card, social-security card, service QR (亮码), or the keypad.

Whatever is read becomes the session's :class:`Identity` and prefills everything after it
(一号申请). Methods whose device is offline are left out, so a broken reader degrades to the
others; the keypad (with the GB 11643 check digit enforced) is always there as the last resort.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.flows.base import Flow, Step, View, Work
from kiosk.flows.idnumber import is_valid
from kiosk.flows.ports import NotFound, PortError
from kiosk.flows.session import Identity

Then = Callable[[Identity | None], Step]
Codes = Callable[[str], Step | None]

METHODS = ("id_card", "ss_card", "service_code")
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
        }
        return View("identify", data, prompt=f"identify.prompt.{self.purpose}")

    def keypad(self, error: str = "") -> View:
        return View("keypad", {"error": error, "max_len": 18}, prompt="keypad.prompt")

    # -- inputs --------------------------------------------------------------------------------
    def handle(self, action: str, value: Any) -> Step | None:
        if action == "manual":
            return self.keypad()
        if action == "keypad_cancel":
            return self.view()
        if action == "keypad_submit":
            text = str(value or "").strip().upper()
            if not is_valid(text):
                return self.keypad("keypad.invalid")
            return self._identified(Identity(source="manual", id_number=text))
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
                                             sex=payload.sex, address=payload.address))
        if kind == "ss_card" and name == "card_placed":
            if getattr(payload, "holder_data", "") != "read" or not payload.id_number:
                return self.view("identify.ss_card_needs_id_card")
            return self._identified(Identity(source="ss_card", id_number=payload.id_number,
                                             name=payload.name or "", sex=payload.sex or ""))
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
        return self._identified(Identity(source="service_code", id_number=id_number,
                                         name=str(found.get("name", ""))))

    def _code_failed(self, exc: PortError) -> Step:
        if not isinstance(exc, NotFound):
            return self.view("identify.code_offline")
        # an expired or used 亮码 is refreshed on the phone; anything else is not a code of ours
        why = str(exc.detail.get("server_code", "")).rpartition(".")[2]
        return self.view(CODE_REFUSALS.get(why, "identify.code_unknown"))

    def _identified(self, identity: Identity) -> Step:
        self.active = False
        self.flow.ctx.session.identity = identity
        return self.then(identity)
