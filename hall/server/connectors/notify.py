"""Notification connectors (SMS gateway, WeChat…) for citizens following a ticket.

A connector implements the domain's :class:`hall.server.domain.notifications.Notifier` protocol:
``send(recipient, message)``, raising on failure. The messages ("3 ahead of you", "your turn") carry
the ticket number and window only. The logging connector is the default: it records that a message
went out, with the ticket number and text, never the recipient (a phone number is personal data).
"""

from __future__ import annotations

import logging

from hall.server.domain.notifications import Message, Notifier

log = logging.getLogger(__name__)

__all__ = ["LoggingNotifier", "NoNotifier", "Notifier"]


class LoggingNotifier:
    """Writes one log line per message instead of delivering it (demos and test benches only: refused
    outside demo mode unless ``connectors.allow_twins``)."""

    delivers = True  # the demo's stand-in for a sender: the public page offers it

    def __init__(self, *, context: object = None, channel_name: str = "log") -> None:
        self.channel_name = channel_name
        self.sent = 0

    def send(self, recipient: str, message: Message) -> None:
        self.sent += 1
        log.info("notice %s for ticket %s via %s: %s", message.kind.value, message.number, self.channel_name,
                 message.text_zh)


class NoNotifier:
    """``driver = "none"``: this hall has no such channel; the public page does not offer it."""

    delivers = False

    def __init__(self, *, context: object = None) -> None:
        self.context = context

    def send(self, recipient: str, message: Message) -> None:
        log.info("notice %s for ticket %s not sent: no sender configured", message.kind.value, message.number)
