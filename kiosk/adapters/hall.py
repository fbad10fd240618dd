"""HallPort over the hall server's typed client, with a small non-personal cache for offline use.

Categories (with their hours) and the catalogue are kept in memory and in the outbox database
(:mod:`offline_cache.reference`; a JSON file when there is no outbox), so a kiosk that starts or
continues while the server is down can still issue offline tickets and show service guides.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hall.client.errors import HallError, HallRejected
from hall.forms import STANDARD_FORM, FormDefinition, FormDefinitionError, form_or_standard
from kiosk.flows.ports import (
    Case,
    CaseStatus,
    Category,
    Company,
    Material,
    NotFound,
    Opening,
    PortError,
    ServiceItem,
    Unavailable,
)

log = logging.getLogger(__name__)
FRESH_S = 2.0

# An item without its own form asks the standard form (hall.forms, shared with the server and counter).
__all__ = ["STANDARD_FORM", "HallAdapter"]


def item_form(i: dict[str, Any]) -> FormDefinition | None:
    """The item's form as the kiosk renders it; None when its definition cannot be read here (a newer
    server's format): the item is then offered at a counter only. Logged with the item code and the
    fault's path, never with an answer."""
    try:
        return form_or_standard(i.get("form"))
    except FormDefinitionError as exc:
        log.warning("item %s: form definition not readable here (%s); offered at a counter only",
                    i.get("code"), exc.path)
        return None


REFERENCE_KEYS = ("categories", "items")
_VOLATILE = frozenset({"waiting", "estimated_wait_s", "issued_today", "full"})


def _steady(value: Any) -> Any:
    """``value`` without the fields that change every refresh (queue counts)."""
    if isinstance(value, list):
        return [{k: v for k, v in row.items() if k not in _VOLATILE} if isinstance(row, dict) else row
                for row in value]
    return value


def _translate(exc: HallError) -> PortError:
    if isinstance(exc, HallRejected):
        if exc.status == 404:
            return NotFound(code="kiosk.not_found", detail={"server_code": exc.server_code or ""})
        return PortError(code="kiosk.rejected", detail={"server_code": exc.server_code or ""})
    return Unavailable()


class HallAdapter:
    def __init__(self, client: Any, *, timezone: str = "Asia/Shanghai", cache_file: Path | None = None,
                 reference: Any = None) -> None:
        self.client = client
        self.tz = ZoneInfo(timezone)
        self.cache_file = cache_file
        self.reference = reference  # the outbox (keep_reference / reference), preferred to the file
        self._cache: dict[str, Any] = self._load()
        self._fresh: dict[str, tuple[float, Any]] = {}
        self._full: dict[str, tuple[str, str]] = {}  # category -> (local day, reason) learnt from refusals

    # -- cache ---------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self.reference is not None:
            from offline_cache.errors import CacheError

            try:
                kept = {k: self.reference.reference(k) for k in REFERENCE_KEYS}
            except CacheError:
                log.warning("kiosk reference data unreadable; starting without it")
                return {}
            return {k: v for k, v in kept.items() if v is not None}
        if self.cache_file is None or not self.cache_file.exists():
            return {}
        try:
            return dict(json.loads(self.cache_file.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            log.warning("kiosk cache unreadable; starting without it")
            return {}

    def has_offline_data(self) -> bool:
        """Whether the lines are known without the server (else offline tickets cannot be issued)."""
        return "categories" in self._cache

    def _store(self, key: str, value: Any) -> None:
        before = self._cache.get(key)
        self._cache[key] = value
        if _steady(before) == _steady(value):
            return  # only the queue counts moved: nothing an offline kiosk needs
        if self.reference is not None:
            from offline_cache.errors import CacheError

            try:
                self.reference.keep_reference(key, value)
            except CacheError:
                log.warning("kiosk reference data not kept")
            return
        if self.cache_file is None:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_file.parent, prefix=".kiosk-cache-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._cache, f, ensure_ascii=False)
            os.replace(tmp, self.cache_file)
        except OSError:
            log.warning("kiosk cache not written")

    def _get(self, key: str, path: str, **params: Any) -> Any:
        fresh = self._fresh.get(path)
        if fresh is not None and time.monotonic() - fresh[0] < FRESH_S:
            return fresh[1]  # opening() and categories() of one refresh share one request
        try:
            value = self.client.request("GET", path, params=params or None)
        except HallError as exc:
            if key and key in self._cache and not isinstance(exc, HallRejected):
                return self._cache[key]
            raise _translate(exc) from exc
        if key:
            self._store(key, value)
        self._fresh[path] = (time.monotonic(), value)
        return value

    # -- reads ---------------------------------------------------------------------------------
    def categories(self) -> list[Category]:
        """Categories with their queues; a line at its daily cap (said by the server, or learnt from a
        refused ticket today) or outside its own hours is shown as full with that reason."""
        rows = self._get("categories", "/categories")
        now = datetime.now(self.tz)
        today, clock = now.date().isoformat(), now.strftime("%H:%M")
        out = []
        for c in rows:
            code = str(c["code"])
            cap, issued = c.get("daily_cap"), c.get("issued_today")
            reason = ""
            if bool(c.get("full")) or (bool(cap) and issued is not None and int(issued) >= int(cap)):
                reason = "daily_cap"
            elif code in self._full and self._full[code][0] == today:
                reason = self._full[code][1]
            elif not str(c.get("opens") or "00:00") <= clock < str(c.get("closes") or "24:00"):
                reason = "closed"
            out.append(Category(code, c.get("name_zh") or c.get("name", ""), c.get("name_en", ""),
                                int(c.get("waiting", 0)), int(c.get("estimated_wait_s", 0)), full=bool(reason),
                                full_reason=reason))
        return out

    def mark_full(self, code: str, reason: str) -> None:
        self._full[code] = (datetime.now(self.tz).date().isoformat(), reason)

    def opening(self) -> Opening:
        """Open when the current local time is inside any category's hours (from the server)."""
        rows = self._get("categories", "/categories")
        now = datetime.now(self.tz).strftime("%H:%M")
        hours = [(str(c.get("opens") or "00:00"), str(c.get("closes") or "24:00")) for c in rows]
        if not hours or any(o <= now < c for o, c in hours):
            return Opening(True)
        later = sorted(o for o, _ in hours if o > now)
        return Opening(False, later[0] if later else min(o for o, _ in hours))

    def catalogue(self) -> list[ServiceItem]:
        return [self._item(i) for i in self._get("items", "/items")]

    @staticmethod
    def _item(i: dict[str, Any]) -> ServiceItem:
        materials = tuple(
            Material(str(m.get("key") or m.get("id")), m.get("name_zh") or m.get("name", ""), m.get("name_en", ""),
                     count=int(m.get("copies") or m.get("count") or 1), original=bool(m.get("original")),
                     waivable=bool(m.get("waivable")), elicense=str(m.get("elicense") or ""))
            for m in i.get("materials") or [])
        fees = str(i.get("fees") or "")
        return ServiceItem(str(i["code"]), i.get("name_zh") or i.get("name", ""), i.get("name_en", ""),
                           str(i.get("category", "")), conditions_zh=str(i.get("conditions") or ""),
                           conditions_en=str(i.get("conditions_en") or ""), materials=materials,
                           legal_days=int(i.get("legal_days") or 0), promised_days=int(i.get("promised_days") or 0),
                           fee_zh=fees, fee_en=str(i.get("fees_en") or fees),
                           commitment_allowed=bool(i.get("commitment_allowed")), form=item_form(i))

    def elicenses(self, id_number: str, *, proof: dict[str, Any] | None = None) -> set[str]:
        try:
            rows = self.client.request("POST", "/elicenses/query", json={"id_number": id_number, "proof": proof})
        except HallError as exc:
            raise _translate(exc) from exc
        items = rows.get("licenses", rows) if isinstance(rows, dict) else rows
        return {str(r.get("type")) for r in items or [] if r.get("type")}

    def company(self, credit_code: str, *, id_number: str, proof: dict[str, Any] | None = None) -> Company:
        """The business licence of the company with this credit code (``POST /elicenses/company``, for the
        proven person at the kiosk); NotFound when the library holds none (404), Unavailable when it cannot
        be asked now (503 ``elicense.unavailable``, no server)."""
        try:
            found = self.client.request("POST", "/elicenses/company", json={
                "credit_code": credit_code, "id_number": id_number, "proof": proof})
        except HallError as exc:
            raise _translate(exc) from exc
        if not isinstance(found, dict) or not found.get("company_name"):
            raise NotFound(code="kiosk.not_found")
        licenses = found.get("licenses") or []
        return Company(str(found.get("credit_code") or credit_code), str(found.get("company_name", "")),
                       str(found.get("legal_representative") or ""),
                       tuple(str(r.get("type")) for r in licenses if isinstance(r, dict) and r.get("type")))

    def cases(self, *, id_number: str | None = None, code: str | None = None,
              proof: dict[str, Any] | None = None) -> list[Case]:
        try:
            if code:
                rows = [self.client.request("GET", f"/submissions/{code}")]
            else:
                rows = self.client.request("POST", "/submissions/lookup", json={"id_number": id_number,
                                                                               "proof": proof})
        except HallError as exc:
            err = _translate(exc)
            if isinstance(err, NotFound):
                return []
            raise err from exc
        if isinstance(rows, dict):
            rows = rows.get("items", [])
        return [self._case(r) for r in rows or []]

    def _case(self, r: dict[str, Any]) -> Case:
        def when(text: Any) -> datetime:
            return datetime.fromisoformat(str(text)).astimezone(self.tz)

        history = tuple(CaseStatus(str(h.get("status")), when(h.get("at"))) for h in r.get("history") or [])
        due = r.get("promised_due") or r.get("due_date")
        item_zh = str(r.get("item_name") or r.get("item_name_zh") or r.get("item_code"))
        items: list[dict[str, Any]] = self._cache.get("items", [])
        item: dict[str, Any] = next((i for i in items if i.get("code") == r.get("item_code")), {})
        return Case(str(r.get("code") or r.get("registration_code")), item_zh,
                    str(r.get("item_name_en") or item.get("name_en") or item_zh), str(r.get("status", "submitted")),
                    history, datetime.fromisoformat(str(due)).date() if due else None)

    def resolve_service_code(self, text: str) -> dict[str, str]:
        try:
            found = self.client.request("POST", "/identity/service-code", json={"code": text})
        except HallError as exc:
            raise _translate(exc) from exc
        return {"id_number": str(found.get("id_number", "")), "name": str(found.get("name", "")),
                "proof": str(found.get("proof", ""))}
