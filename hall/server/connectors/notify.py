"""Notification connector (SMS, WeChat…): "3 ahead of you" and "your turn". The logging implementation
records that a message would be sent, with the ticket number only (no personal data)."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Notifier(Protocol):
    def notify(self, *, ticket_id: int, number: str, kind: str, text_zh: str) -> None:
        """Send one message about a ticket; must not raise (failures are logged by the implementation)."""
        ...


class LoggingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def notify(self, *, ticket_id: int, number: str, kind: str, text_zh: str) -> None:
        self.sent.append((ticket_id, kind))
        log.info("notification %s for ticket %s: %s", kind, number, text_zh)
