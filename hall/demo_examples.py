"""Codes a demo citizen presents at the scanner, made real by the demo's own hall server: a booking
for now (预约签到) and a one-time service code (亮码). The panel's buttons used to scan fixed strings
that no server knew, so a newcomer pressing them met 未找到 — every example here is created on the
spot through the same API an online platform or a counter would use.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx

from devices.twins.id_card.identities import IDENTITIES

API = "/api/v1"
HORIZON_DAYS = 7  # the demo hall books a week ahead


class ExampleUnavailable(Exception):
    """The server could not make the example (down, full, refused); ``reason`` is shown in the panel."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def person_of(key: str) -> tuple[str, str]:
    """(ID number, name) of a demo card; people without a mainland ID number fall back to 张伟."""
    fields = IDENTITIES[key].fields
    number = str(fields.get("id_number", ""))
    if len(number) != 18:
        fields = IDENTITIES["resident"].fields
    return str(fields["id_number"]), str(fields["name"])


class DemoExamples:
    """Makes the examples through ``base``'s API with the demo's tokens (``counter`` books as staff does
    at a window; ``admin`` stands in for the online platform that shows a citizen their code)."""

    def __init__(self, base: str, tokens: dict[str, str], *, timeout_s: float = 5.0) -> None:
        self.base, self.tokens, self.timeout_s = base.rstrip("/"), tokens, timeout_s

    def _call(self, method: str, path: str, role: str, **kwargs: Any) -> Any:
        try:
            r = httpx.request(method, f"{self.base}{API}{path}", timeout=self.timeout_s,
                              headers={"Authorization": f"Bearer {self.tokens[role]}"}, **kwargs)
        except httpx.HTTPError as exc:
            raise ExampleUnavailable(f"hall server unreachable ({exc.__class__.__name__})") from exc
        if r.status_code >= 400:
            try:
                code = r.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = f"HTTP {r.status_code}"
            raise ExampleUnavailable(f"refused: {code}")
        return r.json()

    def booking(self, person: str, *, now: datetime | None = None) -> tuple[str, str]:
        """A booking for ``person`` as the scanner reads it from the citizen's phone (``booking:<code>``)
        and what it is for: the slot running now, or — the hall being closed — the next free one (the
        kiosk then says when to come back, as it would to a citizen who came too early)."""
        now = now or datetime.now().astimezone()
        id_number, _name = person_of(person)
        for day in (now.date() + timedelta(days=n) for n in range(HORIZON_DAYS)):
            for line in self._lines():
                slot = self._free_slot(line, day, now)
                if slot is None:
                    continue
                made = self._call("POST", "/appointments", "counter",
                                  json={"id_number": id_number, "category": line, "slot_start": slot["start"],
                                        "slot_end": slot["end"]})
                start = datetime.fromisoformat(slot["start"]).astimezone(now.tzinfo)
                when = "now" if start <= now else f"{start:%m-%d %H:%M}"
                return f"booking:{made['code']}", f"line {line}, slot {when}"
        raise ExampleUnavailable(f"no line has a bookable slot in the next {HORIZON_DAYS} days")

    def service_code(self, person: str) -> tuple[str, str]:
        """A fresh one-time 亮码 for ``person``, as the platform's app shows it."""
        id_number, name = person_of(person)
        made = self._call("POST", "/identity/service-codes", "admin", json={"id_number": id_number, "name": name})
        return str(made["code"]), f"one-time, valid {int(made['ttl_s']) // 60} min"

    def _lines(self) -> list[str]:
        return [str(c["code"]) for c in self._call("GET", "/categories", "counter") if c.get("active", True)]

    def _free_slot(self, line: str, day: date, now: datetime) -> dict[str, Any] | None:
        slots = self._call("GET", "/appointments/slots", "counter", params={"category": line, "day": day.isoformat()})
        for slot in slots:
            end = datetime.fromisoformat(slot["end"])
            if end > now and slot["booked"] < slot["capacity"]:
                return dict(slot)
        return None
