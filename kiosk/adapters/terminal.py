"""TerminalPort over the offline cache's facade: every write goes to the outbox first.

Translates the cache's answers into the flows' values and its errors into port errors, here only.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
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

# server error codes → the refusal the citizen is told about: exact codes first, then by the words
# a code contains (a server of another version may spell them differently)
_TICKET_CODES = {"quota_exceeded": "quota", "blacklisted": "blacklist", "category_full": "full",
                 "sequence_exhausted": "full", "closed": "closed"}
_REFUSALS = (("quota", "quota"), ("blacklisted", "blacklist"), ("blacklist", "blacklist"), ("cap", "full"),
             ("full", "full"), ("closed", "closed"), ("hours", "closed"))
# the server's check-in reasons (params.reason) → the check-in screen's explanations
_CHECKIN_REASONS = {"too_early": "early", "too_late": "late", "wrong_day": "wrong_day",
                    "already_checked_in": "used", "cancelled": "cancelled", "blacklisted": "blacklisted"}
_CHECKIN = (("early", "early"), ("late", "late"), ("expired", "late"), ("day", "wrong_day"),
            ("used", "used"), ("checked", "used"), ("cancelled", "cancelled"), ("blacklisted", "blacklisted"),
            ("found", "not_found"), ("refused", "refused"))


def _match(code: str, table: tuple[tuple[str, str], ...], default: str) -> str:
    """The first reason whose word is one of the code's words (``check_in_refused`` → check, in, refused)."""
    words = set(re.split(r"[._\-]", code.lower()))
    return next((reason for word, reason in table if word in words), default)


def _local_time(text: Any, tz: ZoneInfo, fmt: str) -> str:
    """An ISO time from the server as local text ("" when absent or unreadable)."""
    try:
        return datetime.fromisoformat(str(text)).astimezone(tz).strftime(fmt) if text else ""
    except ValueError:
        return ""


def _plain(params: dict[str, Any], *names: str) -> dict[str, str]:
    """Non-personal refusal values the kiosk's messages use (counts, codes, times), as text."""
    return {n: str(params[n]) for n in names if params.get(n) not in (None, "")}


def _device_alert(reason: str, detail: str) -> str:
    """A device alert in the manager's words (the hall's language) with its stable code for search."""
    from kiosk.i18n import has, tr

    what = tr("zh_CN", f"alert.{reason}") if has("zh_CN", f"alert.{reason}") else tr("zh_CN", "alert.device")
    doc = tr("zh_CN", f"alert.doc.{detail}") if has("zh_CN", f"alert.doc.{detail}") else detail
    return f"{what}: {doc} [{reason}]" if doc else f"{what} [{reason}]"


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
            return self._refused(exc)
        if isinstance(exc, CacheFull):
            return Unavailable(code="kiosk.outbox_full")
        if isinstance(exc, CacheError):
            return Unavailable(code=exc.code)
        return PortError(code="kiosk.internal")

    def _refused(self, exc: Any) -> Refused:
        """A refused ticket with the server's reason and values (limit, cap, next opening…)."""
        code = _TICKET_CODES.get(exc.code) or _match(exc.code, _REFUSALS, "other")
        params = exc.params
        detail: dict[str, Any] = {"server_code": exc.code, **_plain(params, "limit", "used", "cap", "category")}
        if code == "quota" and "used" in detail:
            detail["count"] = detail["used"]
        opens = params.get("next_opening") or params.get("opens_at")
        if opens:
            detail["opens"] = _local_time(opens, self.tz, "%Y-%m-%d %H:%M") or str(opens)
        if params.get("until"):
            detail["until"] = str(params["until"])
        return Refused(code=code, detail=detail)

    def _checkin_refused(self, exc: Any) -> Refused:
        """The check-in refusal with its reason, the booked slot, when to come back and the line."""
        params = exc.params
        reason = _CHECKIN_REASONS.get(str(params.get("reason", ""))) or _match(exc.code, _CHECKIN, "not_found")
        if exc.code.endswith("not_found"):
            reason = "not_found"
        detail: dict[str, Any] = {"reason": reason, "server_code": exc.code,
                                  **_plain(params, "slot", "category", "until")}
        if params.get("slot_start"):  # the slot with its date (a wrong-day refusal needs the day above all)
            start = _local_time(params["slot_start"], self.tz, "%Y-%m-%d %H:%M")
            end = _local_time(params.get("slot_end"), self.tz, "%H:%M")
            detail["slot"] = f"{start}–{end}" if end else start
        back = params.get("come_back_at")
        if back:
            detail["back"] = _local_time(back, self.tz, "%Y-%m-%d %H:%M")
        return Refused(code="checkin", detail=detail)

    def _ticket(self, t: Any) -> Ticket:
        """``base_url`` is hall.public_base_url: the QR a citizen takes home never names the server's
        internal address (a full URL from the server is re-based onto it too)."""
        url = t.public_url or ""
        if url.startswith(("http://", "https://")) and self.base_url:
            url = "/" + url.split("://", 1)[1].partition("/")[2]
        if url.startswith("/"):  # the server answers with its own path; phones need the whole address
            url = self.base_url + url
        wait = None if t.estimated_wait_s is None else int(t.estimated_wait_s)
        return Ticket(t.number, t.category, int(t.waiting_ahead or 0), wait, url,
                      offline=bool(t.offline), priority=str(getattr(t, "priority", None) or ""))

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
            raise self._checkin_refused(exc) from exc
        except OfflineUnavailable as exc:
            raise Unavailable(code="kiosk.unavailable") from exc
        except CacheError as exc:
            raise self._fail(exc) from exc
        issued = datetime.fromisoformat(t.issued_at) if t.issued_at else datetime.now(self.tz)
        booking = dict(getattr(t, "appointment", None) or {})
        start, end = (self._when(booking.get(k), issued) for k in ("slot_start", "slot_end"))
        appt = Appointment(str(booking.get("code") or code or ""), str(booking.get("category") or t.category),
                           start, end, item_code=str(booking.get("item_code") or ""))
        return CheckIn(appt, self._ticket(t))

    def _when(self, text: Any, default: datetime) -> datetime:
        try:
            return datetime.fromisoformat(str(text)).astimezone(self.tz) if text else default
        except ValueError:
            return default

    def submit(self, s: Submission) -> Receipt:
        """The server's SubmissionIn as the ``data`` part plus one multipart part per page."""
        from offline_cache.errors import CacheError
        from offline_cache.store import Attachment

        files: list[Attachment] = []
        materials: list[dict[str, str | bool]] = []
        for mid, pages in s.pages.items():
            for n, page in enumerate(pages):
                part = f"{mid}-{n + 1}"
                files.append(Attachment(data=page, name=f"{part}.jpg", part=part))
                materials.append({"requirement": mid, "file": part})
        materials += [{"requirement": mid, "elicense": True} for mid in s.elicensed]
        today = datetime.now(self.tz)
        due = (today + timedelta(days=10)).date() if s.waived else None
        materials += [{"requirement": mid, "waive_until": due.isoformat()} for mid in s.waived if due]
        form = dict(s.form)
        if s.signature and s.waived:
            # the signed commitment (容缺承诺书) is a part of its own, stored and listed like a material
            files.append(Attachment(data=s.signature, name="commitment.png", content_type="image/png", part="sig"))
            materials.append({"requirement": "commitment_signature", "file": "sig"})
        body = {"item_code": s.item_code, "id_number": s.id_number, "name": s.name, "form": form,
                "materials": materials, "terminal_id": self.terminal_id, "proof": s.proof}
        try:
            r = self.terminal.submit(body, materials=files)
        except CacheError as exc:
            raise self._fail(exc) from exc
        answer = self._response(r.key) if r.delivered else {}
        promised = answer.get("promised_due")
        return Receipt(str(r.code), s.item_code, today, date.fromisoformat(promised) if promised else None,
                       missing_due=due, offline=not r.delivered or r.server_code is None,
                       follow_url=str(r.code))

    def _response(self, key: str) -> dict[str, Any]:
        """The server's answer kept by the outbox (promised date, missing list), if still there."""
        try:
            got = self.terminal.outbox.response(key)
        except Exception:  # noqa: BLE001 (a purged or unreadable answer only loses the printed date)
            return {}
        return dict(got or {})

    def rate(self, *, level: int, reasons: list[str], comment: str, target: str) -> None:
        from offline_cache.errors import CacheError

        body: dict[str, Any] = {"level": level, "reasons": reasons, "comment": comment,
                                "terminal_id": self.terminal_id}
        kind, _, ref = target.partition(":")
        if kind == "submission" and ref:
            body["submission_code"] = ref
        try:
            self.terminal.rate(body)
        except CacheError as exc:
            raise self._fail(exc) from exc

    def help_call(self, *, reason: str, detail: str = "") -> bool:
        """Help, 办不成事, and device alerts (e.g. paper out) all reach the manager's follow-up list.
        True when the server has it now, False when it waits in the outbox (offline)."""
        from offline_cache.errors import CacheError

        kind = {"fallback": "cannot_do", "technician_pin": "technician_pin"}.get(reason, "help")
        message = detail if reason in ("help", "fallback", "technician_pin") else _device_alert(reason, detail)
        try:
            receipt = self.terminal.help_call({"kind": kind, "message": message[:500],
                                               "terminal_id": self.terminal_id})
        except CacheError as exc:
            raise self._fail(exc) from exc
        return bool(receipt.delivered)

    def is_online(self) -> bool:
        return bool(self.terminal.is_online)

