"""What every ``id_card`` driver offers, and the technician's one-shot read.

Events (``DeviceEvent.name``): ``card_placed`` (payload :class:`IdCardRecord`, once per card),
``card_removed`` (payload None), ``status_changed`` (payload :class:`DeviceStatus`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from devices.id_card.record import JSON_KEYS, CardType, IdCardRecord
from devices.status import DeviceStatus
from devices.worker import Listener

__all__ = ["JSON_KEYS", "CardType", "IdCardReader", "IdCardRecord", "read_card_json"]

EVENT_CARD_PLACED = "card_placed"
EVENT_CARD_REMOVED = "card_removed"
EVENT_STATUS_CHANGED = "status_changed"


@runtime_checkable
class IdCardReader(Protocol):
    """A resident ID card reader (二代证阅读器)."""

    def open(self) -> None:
        """Open the port and begin polling for cards; events follow through ``subscribe``."""

    def close(self) -> None:
        """Stop polling and close the port."""

    def status(self) -> DeviceStatus:
        """Current health; never blocks on I/O."""
        ...

    def read_once(self, timeout_s: float = 5.0) -> IdCardRecord:
        """Wait up to ``timeout_s`` for a card and read it.

        Raises NoCard when none came, CardRemoved when it left mid-read, DeviceTimeout,
        DeviceOffline, ProtocolError or CardReadError subclasses otherwise.
        """
        ...

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add an event listener (runs on the device thread); returns the unsubscribe function."""
        ...


def read_card_json(reader: IdCardReader, *, reveal: bool, timeout_s: float) -> dict[str, object]:
    """Read one card and return the CLI's JSON object (masked unless ``reveal``).

    The reader must be built (not necessarily started); typed DeviceErrors pass through.
    """
    record = reader.read_once(timeout_s)
    return record.to_json(reveal=reveal)
