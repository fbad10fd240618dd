"""TerminalPort over the offline cache's facade: every write goes to the outbox first.

Translates the cache's answers into the flows' values and its errors into port errors, here only.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.flows.ports import (
    Appointment,
    CheckIn,
    PortError,
    Receipt,
    Refused,
    Submission,
    Ticket,
    Unavailable,
)

log = logging.getLogger(__name__)

# server error codes → the refusal the citizen is told about (matched by the words they contain)
_REFUSALS = (("quota", "quota"), ("blacklist", "blacklist"), ("cap", "full"), ("full", "full"),
             ("closed", "closed"), ("hours", "closed"))
_CHECKIN = (("early", "early"), ("late", "late"), ("expired", "late"), ("day", "wrong_day"),
            ("used", "used"), ("checked", "used"), ("not_found", "not_found"))


def _match(code: str, table: tuple[tuple[str, str], ...], default: str) -> str:
    return next((reason for word, reason in table if word in code), default)


class TerminalAdapter:
    def __init__(self, terminal: Any, *, timezone: str = "Asia/Shanghai", terminal_id: str = "K1",
                 base_url: str = "") -> None:
        self.terminal = terminal
        self.base_url = base_url.rstrip("/")
        self.tz = ZoneInfo(timezone)
        self.terminal_id = terminal_id

    def _fail(self, exc: Exception) -> PortError:
        from offline_cache.errors import CacheError, CacheFull, RecordRejected

        if isinstance(exc, RecordRejected):
            return Refused(code=_match(exc.code, _REFUSALS, "other"), detail={"server_code": exc.code})
        if isinstance(exc, CacheFull):
            return Unavailable(code="kiosk.outbox_full")
        if isinstance(exc, CacheError):
            return Unavailable(code=exc.code)
        return PortError(code="kiosk.internal")

    def _ticket(self, t: Any) -> Ticket:
        url = t.public_url or ""
        if url.startswith("/"):  # the server answers with its own path; phones need the whole address
            url = self.base_url + url
        return Ticket(t.number, t.category, int(t.waiting_ahead or 0), int(t.estimated_wait_s or 0), url,
                      offline=bool(t.offline))

    def issue_ticket(self, category: str, *, id_number: str | None = None, priority: str | None = None) -> Ticket:
        from offline_cache.errors import CacheError

        try:
            return self._ticket(self.terminal.issue_ticket(category, id_number=id_number, priority=priority))
        except CacheError as exc:
            raise self._fail(exc) from exc

    def check_in(self, *, code: str | None = None, id_number: str | None = None) -> CheckIn:
        from offline_cache.errors import CacheError, OfflineUnavailable, RecordRejected

        try:
            t = self.terminal.check_in(booking_code=code, id_number=id_number)
        except RecordRejected as exc:
            reason = _match(exc.code, _CHECKIN, "not_found")
            raise Refused(code="checkin", detail={"reason": reason, "server_code": exc.code}) from exc
        except OfflineUnavailable as exc:
            raise Unavailable(code="kiosk.unavailable") from exc
        except CacheError as exc:
            raise self._fail(exc) from exc
        issued = datetime.fromisoformat(t.issued_at) if t.issued_at else datetime.now(self.tz)
        appt = Appointment(code or "", t.category, issued, issued)
        return CheckIn(appt, self._ticket(t))

    def submit(self, s: Submission) -> Receipt:
        from offline_cache.errors import CacheError
        from offline_cache.store import Attachment

        files = [Attachment(data=page, name=f"{mid}-{n + 1}.jpg", field=mid)
                 for mid, pages in s.pages.items() for n, page in enumerate(pages)]
        if s.signature:
            files.append(Attachment(data=s.signature, name="commitment.png", content_type="image/png",
                                    field="commitment_signature"))
        body = {"item_code": s.item_code, "id_number": s.id_number, "name": s.name, "form": dict(s.form),
                "elicensed": list(s.elicensed), "waived": list(s.waived), "missing": list(s.missing),
                "terminal_id": self.terminal_id, "channel": "kiosk"}
        try:
            r = self.terminal.submit(body, materials=files)
        except CacheError as exc:
            raise self._fail(exc) from exc
        today = datetime.now(self.tz)
        return Receipt(str(r.code), s.item_code, today, None,
                       missing_due=(today + timedelta(days=10)).date() if s.waived else None,
                       offline=not r.delivered or r.server_code is None)

    def rate(self, *, level: int, reasons: list[str], comment: str, target: str) -> None:
        from offline_cache.errors import CacheError

        try:
            self.terminal.rate({"level": level, "reasons": reasons, "comment": comment, "target": target,
                                "terminal_id": self.terminal_id})
        except CacheError as exc:
            raise self._fail(exc) from exc

    def help_call(self, *, reason: str, detail: str = "") -> None:
        from offline_cache.errors import CacheError

        try:
            self.terminal.help_call({"reason": reason, "detail": detail, "terminal_id": self.terminal_id})
        except CacheError as exc:
            raise self._fail(exc) from exc

    def is_online(self) -> bool:
        return bool(self.terminal.is_online)

