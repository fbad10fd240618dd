"""办件查询: scan the receipt QR or identify → the citizen's cases with their status history."""

from __future__ import annotations

import re
from typing import Any

from kiosk.flows.base import Flow, Home, Step, View, Work, message
from kiosk.flows.identify import Identifier
from kiosk.flows.ports import Case, PortError, Unavailable
from kiosk.flows.session import Identity

# a registration code (server: YYYYMMDD + tail; offline: L + terminal prefix + YYYYMMDD + tail),
# alone or at the end of a follow-up URL
_CODE = re.compile(r"^(?:https?://\S+/)?((?:L[A-Z0-9]{1,4})?20\d{6}[0-9A-Z]{3,12})$")


def case_rows(cases: list[Case]) -> list[dict[str, Any]]:
    return [{"code": c.registration_code, "item_zh": c.item_zh, "item_en": c.item_en, "status": c.status,
             "due": c.due_date.isoformat() if c.due_date else "",
             "history": [{"status": h.status, "at": h.at.strftime("%Y-%m-%d %H:%M")} for h in c.history]}
            for c in cases]


def registration_code(text: str) -> str | None:
    """The registration code in a scanned receipt QR (or a follow-up URL ending in one)."""
    m = _CODE.match(text.strip())
    return m.group(1) if m else None


class QueryFlow(Flow):
    name = "query"

    def start(self) -> Step:
        self.sub = sub = Identifier(self, purpose="query", then=self._by_identity, codes=self._by_code)
        return sub.view()

    def _by_code(self, text: str) -> Step | None:
        code = registration_code(text)
        if code is None:
            return None
        if self.sub is not None:
            self.sub.active = False
        return Work(run=lambda: self.ctx.hall.cases(code=code), done=self._found, failed=self._failed,
                    busy=View("busy", {"key": "busy.loading"}), label="cases")

    def _by_identity(self, identity: Identity | None) -> Step:
        if identity is None:
            return Home()
        id_number, proof = identity.id_number, identity.proof
        return Work(run=lambda: self.ctx.hall.cases(id_number=id_number, proof=proof), done=self._found,
                    failed=self._failed, busy=View("busy", {"key": "busy.loading"}), label="cases")

    def _found(self, cases: list[Case]) -> Step:
        return View("cases", {"cases": case_rows(cases)}, prompt="cases.prompt" if cases else "cases.none")

    def _failed(self, exc: PortError) -> Step:
        if isinstance(exc, Unavailable):
            return message("query.offline", tone="warn")
        if str(exc.detail.get("server_code", "")).startswith("identity.") and isinstance(self.sub, Identifier):
            # the hall did not accept the proof (an expired card, a stale 亮码): ask for another way
            self.ctx.session.identity = None
            self.sub.active = True
            return self.sub.view("identify.proof_needed")
        return self._found([])

    def on_done(self, _value: Any = None) -> Step:
        return Home()
