"""The SMS of citizens' booking (confirmation code, day-before reminder) through the ``sms`` connector.

A queued connector (``smpp``, ``http``) gets the message in the caller's transaction, so it goes out
once that commits and survives a gateway outage; a direct one (the demo's ``log``) is called after the
commit. The recipient is encrypted with the server key and never logged.
"""

from __future__ import annotations

import base64
import logging

from hall.server.core.context import HallContext, Tx
from hall.server.domain.notifications import Message, NoticeKind

log = logging.getLogger(__name__)
LABEL = "booking"  # the outbox's "number" column (logged): never the code or the recipient


def sms_message(key: str, kind: NoticeKind, zh: str, en: str) -> Message:
    return Message(key, kind, LABEL, zh, en)


def queue_sms(hall: HallContext, tx: Tx, *, key: str, to: str, message: Message) -> None:
    """Send ``message`` to ``to`` once ``tx`` commits (durably where the connector has a queue)."""
    notifier = hall.connectors.sms
    enqueue = getattr(notifier, "enqueue", None)
    if enqueue is not None:
        blob = base64.b64encode(hall.keyring.encrypt({"channel": "sms", "to": to})).decode()
        enqueue(tx, key=key, channel="sms", recipient_enc=blob, message=message)
        return

    def send() -> None:
        try:
            notifier.send(to, message)
        except Exception as exc:  # noqa: BLE001 - a stand-in sender must not fail the booking
            log.warning("booking sms %s not sent: %s", message.kind.value, exc.__class__.__name__)

    tx.after_commit.append(send)
