"""When to tell a citizen following a ticket by SMS/WeChat: "N ahead of you" and "your turn".

Pure rule over two snapshots of the same ticket (before/after a queue change). "N ahead" is sent
once, when the count *drops* to the threshold or below (someone who takes a ticket with two
ahead is already in the hall and needs no message). "Your turn" is sent at the call and again
at each recall. Messages carry the ticket number and window only, no personal data. The sender
is a :class:`Notifier`; connectors (SMS gateway, WeChat, a logging one) live outside the domain.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

DEFAULT_THRESHOLD = 3


class NoticeKind(StrEnum):
    ALMOST = "almost"
    YOUR_TURN = "your_turn"
    # Citizens' booking (/book): the confirmation code for a mobile number, and the day-before reminder.
    BOOKING_CODE = "booking_code"
    REMINDER = "reminder"


@dataclass(frozen=True)
class Message:
    """``key`` identifies the notice for de-duplication (store it once sent)."""

    key: str
    kind: NoticeKind
    number: str
    text_zh: str
    text_en: str


class Notifier(Protocol):
    def send(self, recipient: str, message: Message) -> None:
        """Deliver ``message``; raise on failure so the caller can record and retry."""
        ...


@dataclass(frozen=True)
class TicketView:
    """A ticket as the follower sees it: ``ahead`` is None once it is no longer waiting."""

    number: str
    status: str
    ahead: int | None = None
    window: str | None = None
    recalls: int = 0


def decide_notices(
    before: TicketView | None, after: TicketView, *, sent: Collection[str] = (), threshold: int = DEFAULT_THRESHOLD
) -> list[Message]:
    """The messages to send for the change ``before`` → ``after`` that were not ``sent`` yet."""
    out: list[Message] = []
    if (after.status in ("waiting", "transferred") and after.ahead is not None and before is not None
            and before.ahead is not None and before.ahead > threshold >= after.ahead
            and NoticeKind.ALMOST.value not in sent):
        out.append(Message(
            NoticeKind.ALMOST.value, NoticeKind.ALMOST, after.number,
            f"您的号码 {after.number} 前面还有 {after.ahead} 人，请回到大厅留意叫号",
            f"Ticket {after.number}: {after.ahead} ahead of you; please return to the hall",
        ))
    if after.status == "called":
        key = f"{NoticeKind.YOUR_TURN.value}:{after.recalls}"
        newly = before is None or before.status != "called" or before.recalls != after.recalls
        if newly and key not in sent:
            window = after.window or "?"
            out.append(Message(
                key, NoticeKind.YOUR_TURN, after.number,
                f"请 {after.number} 号到 {window} 号窗口办理",
                f"Ticket {after.number}, please go to window {window}",
            ))
    return out
