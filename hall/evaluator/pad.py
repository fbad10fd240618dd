"""The evaluation pad's flow as plain data: idle → rate (5 faces) → reasons (two lowest) → thanks.

A finished ticket at this window (the ``ticket.finished`` event) starts a rating; the rating body
goes to the terminal's offline outbox, which delivers it to ``POST /evaluations``. Reason codes are
the server's (hall/server/domain/evaluations.py); the server refuses anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVELS: tuple[tuple[int, str, str], ...] = (
    (5, "非常满意", "Very satisfied"), (4, "满意", "Satisfied"), (3, "基本满意", "Basically satisfied"),
    (2, "不满意", "Dissatisfied"), (1, "非常不满意", "Very dissatisfied"))
LOW = 2
REASONS: tuple[tuple[str, str], ...] = (
    ("long_wait", "排队等候时间长"), ("attitude", "服务态度不好"), ("too_slow", "办理时间长"),
    ("multiple_trips", "需要多次跑动"), ("not_told_at_once", "缺少材料未一次性告知"),
    ("extra_materials", "要求清单外材料"), ("guide_unclear", "办事指南不清楚"), ("system_fault", "系统或设备故障"),
    ("fees", "收费不合理"))
REASON_CODES = frozenset(code for code, _ in REASONS)


@dataclass
class PadState:
    window: int
    clerk: str = ""
    mode: str = "idle"  # idle / rate / reasons / sending / thanks
    ticket_id: int | None = None
    number: str = ""
    level: int = 0
    reasons: list[str] = field(default_factory=list)
    error: str = ""
    rated: set[int] = field(default_factory=set)
    # A phone the citizen may leave with a low rating for the call back (差评回访); never shown again here.
    phone: str = field(default="", repr=False)

    def apply(self, event: dict[str, Any]) -> bool:
        """A server event; True when the screen changes."""
        kind, data = event.get("type"), event.get("data") or {}
        if not isinstance(data, dict) or data.get("window", data.get("number")) != self.window:
            return False
        if kind == "window.changed":
            clerk = str(data.get("clerk") or "")
            changed = clerk != self.clerk
            self.clerk = clerk
            return changed
        if kind == "ticket.finished":
            tid = data.get("id")
            if not isinstance(tid, int) or tid in self.rated:
                return False
            self.start(tid, str(data.get("number", "")))
            return True
        return False

    def start(self, ticket_id: int, number: str) -> None:
        self.mode, self.ticket_id, self.number = "rate", ticket_id, number
        self.level, self.reasons, self.error, self.phone = 0, [], "", ""

    def choose(self, level: int) -> bool:
        """A face was touched; True when the rating is complete and should be sent now."""
        if self.mode not in ("rate", "reasons") or level not in {lv for lv, _, _ in LEVELS}:
            return False
        self.level, self.error = level, ""
        if level <= LOW:
            self.mode = "reasons"
            return False
        return True

    def toggle(self, reason: str) -> None:
        if reason not in REASON_CODES:
            return
        if reason in self.reasons:
            self.reasons.remove(reason)
        else:
            self.reasons.append(reason)
        self.error = ""

    def set_phone(self, text: str) -> None:
        """Digits (and ``+ -`` and spaces) only, at most 20 characters."""
        self.phone = "".join(c for c in text if c.isdigit() or c in "+- ")[:20]

    def callback_phone(self) -> str | None:
        """The phone to send: None when empty or too short to be one (the server checks it again)."""
        phone = self.phone.strip()
        return phone if sum(c.isdigit() for c in phone) >= 5 and phone[-1].isdigit() else None

    def can_send(self) -> bool:
        return self.level > LOW or (self.level >= 1 and bool(self.reasons))

    def body(self) -> dict[str, Any]:
        """What goes into the outbox. Raises ValueError when a low rating has no reason."""
        if not self.can_send():
            raise ValueError("a low rating needs a reason")
        body: dict[str, Any] = {"level": self.level, "reasons": list(self.reasons) if self.level <= LOW else [],
                                "comment": "", "ticket_id": self.ticket_id, "window": self.window}
        phone = self.callback_phone() if self.level <= LOW else None
        if phone:
            body["callback_phone"] = phone  # sealed in the outbox like every body
        return body

    def sending(self) -> None:
        self.mode = "sending"

    def sent(self) -> None:
        if self.ticket_id is not None:
            self.rated.add(self.ticket_id)
        self.mode, self.phone = "thanks", ""  # in the outbox now: off the screen

    def failed(self, text: str) -> None:
        self.mode = "reasons" if self.level <= LOW else "rate"
        self.error = text

    def idle(self) -> None:
        self.mode, self.ticket_id, self.number, self.level, self.reasons, self.error = "idle", None, "", 0, [], ""
        self.phone = ""
