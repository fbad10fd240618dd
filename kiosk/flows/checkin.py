"""预约签到: scan the booking QR or identify → the booking → a priority ticket, printed.

Early, late and wrong-day check-ins get a clear explanation and an offer of a normal ticket.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.flows import qr
from kiosk.flows.base import Flow, Goto, Home, Step, View, Work, message
from kiosk.flows.identify import Identifier
from kiosk.flows.ports import Category, CheckIn, PortError, Refused, ServiceItem, Unavailable
from kiosk.flows.session import Identity
from kiosk.flows.take_number import line_of, ticket_document, ticket_view

# Booking codes as the hall issues them: 8 characters of an unambiguous alphabet plus a check
# character (printed grouped, K7M2-9QXA-3), alone or after "appt:"/a booking URL. The server checks
# the check character; the kiosk only recognises the shape.
_BOOKING = re.compile(r"^(?:https?://\S+/)?(?:(?:appt|booking|appointment)[:/=])?([0-9A-Za-z-]{9,13})$", re.I)
_BOOKING_CHARS = re.compile(r"^[0-9A-HJKMNP-TV-Z]{9}$")
REFUSALS = ("early", "late", "wrong_day", "not_found", "used", "cancelled", "blacklisted", "refused")


def booking_code(text: str) -> str | None:
    m = _BOOKING.match(text.strip())
    if m is None:
        return None
    code = m.group(1).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
    return code if _BOOKING_CHARS.match(code) else None


class CheckInFlow(Flow):
    name = "checkin"

    def start(self) -> Step:
        self.sub = sub = Identifier(self, purpose="checkin", then=self._by_identity, codes=self._by_code)
        return sub.view()

    def _by_code(self, text: str) -> Step | None:
        code = booking_code(text)
        if code is None:
            return None  # not a booking: treat as the citizen's service QR
        if self.sub is not None:
            self.sub.active = False
        return self._check_in(code=code)

    def _by_identity(self, identity: Identity | None) -> Step:
        if identity is None:
            return Home()
        return self._check_in(id_number=identity.id_number)

    def _check_in(self, *, code: str | None = None, id_number: str | None = None) -> Step:
        def run() -> tuple[CheckIn, Category | None, ServiceItem | None]:
            result = self.ctx.terminal.check_in(code=code, id_number=id_number)
            qr.warm(result, result.ticket.follow_url)
            return result, *self._names(result)

        return Work(run=run, done=self._checked_in,
                    failed=self._refused, busy=View("busy", {"key": "busy.checkin"}), label="check_in")

    def _refused(self, exc: PortError) -> Step:
        if isinstance(exc, Refused):
            reason = exc.detail.get("reason", "not_found")
            reason = reason if reason in REFUSALS else "not_found"
            self.ctx.session.data["checkin_category"] = exc.detail.get("category", "")
            data = {"reason": reason, **{k: str(exc.detail.get(k) or "") for k in ("slot", "back", "until",
                                                                                     "category")}}
            return View("checkin_refused", data, prompt=f"checkin.refused.{reason}")
        if isinstance(exc, Unavailable):
            return message("checkin.unavailable", actions=("normal_ticket", "home"), tone="warn")
        return self.failed(exc)

    def _names(self, result: CheckIn) -> tuple[Category | None, ServiceItem | None]:
        """The line and the item behind the booking, by name (best effort: the cached lists)."""
        try:
            line = line_of(result.ticket.category, self.ctx.hall.categories())
        except PortError:
            line = None
        item = None
        if result.appointment.item_code:
            try:
                item = next((i for i in self.ctx.hall.catalogue() if i.code == result.appointment.item_code), None)
            except PortError:
                item = None
        return line, item

    def _checked_in(self, found: tuple[CheckIn, Category | None, ServiceItem | None]) -> Step:
        """签到成功: the slot, the item and the line's name, on screen and on the printed ticket."""
        result, line, item = found
        appt, ticket = result.appointment, result.ticket
        self.ctx.session.data["ticket"] = ticket
        doc = ticket_document(ticket, line, lang=self.ctx.lang, hall=self.ctx.hall_name(), issued=self.ctx.now(),
                              appointment=True)
        slot = f"{appt.slot_start:%Y-%m-%d %H:%M}–{appt.slot_end:%H:%M}" if appt.slot_end > appt.slot_start else ""

        def shown(printed: bool) -> Step:
            view = ticket_view(ticket, line, printed=printed, appointment=True)
            data = {**view.data, "checkin": True, "slot": slot,
                    "item_zh": item.name_zh if item else appt.item_zh,
                    "item_en": (item.name_en or item.name_zh) if item else appt.item_en}
            return View("ticket", data, prompt="checkin.prompt.done", prompt_values=view.prompt_values)

        return self.print_then(doc, shown)

    def on_normal_ticket(self, _value: Any = None) -> Step:
        category = self.ctx.session.data.get("checkin_category") or ""
        return Goto("take_number", {"category": category} if category else {})

    def on_done(self, _value: Any = None) -> Step:
        return Home()
