"""The ss_card kind: a typed Protocol, the frozen SsCardRecord and the technician's JSON view.

Personal fields stay out of ``repr``; :meth:`SsCardRecord.to_json` masks the ID number and the name
unless ``reveal`` is asked for, with the suite's one masking module ``config.privacy``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from config.privacy import mask_id_number, mask_name
from devices.errors import DeviceTimeout, NoCard
from devices.status import DeviceStatus
from devices.worker import DeviceEvent

HolderData = Literal["read", "needs_psam"]

# The exact keys of `devices read ss_card` (issue 3, "For technicians").
JSON_KEYS: tuple[str, ...] = (
    "card_number", "card_version", "region_code", "name", "id_number", "sex", "nation",
    "birth_date", "issue_date", "valid_until", "holder_data",
)

EVENT_CARD_PLACED = "card_placed"
EVENT_CARD_REMOVED = "card_removed"
EVENT_STATUS_CHANGED = "status_changed"


@dataclass(frozen=True, slots=True)
class SsCardRecord:
    """What one social-security card gave. Holder fields are None when the card withheld them
    (3.0 cards without PSAM authentication: ``holder_data == "needs_psam"``)."""

    card_number: str
    card_version: str  # "1.00" / "2.00" / "3.00"
    region_code: str  # first six digits of the card identification code
    card_id: str  # card identification code (32 hex digits)
    holder_data: HolderData
    atr: bytes
    card_type: str | None = None
    issue_date: str | None = None  # YYYY-MM-DD
    valid_until: str | None = None
    name: str | None = field(default=None, repr=False)
    id_number: str | None = field(default=None, repr=False)
    sex: str | None = field(default=None, repr=False)
    nation: str | None = field(default=None, repr=False)
    birth_date: str | None = field(default=None, repr=False)
    birthplace: str | None = field(default=None, repr=False)

    def to_json(self, *, reveal: bool = False) -> dict[str, str | None]:
        """The technician's view, exactly :data:`JSON_KEYS`; name and ID masked unless ``reveal``."""
        name, id_number = self.name, self.id_number
        if not reveal:
            name = mask_name(name) if name else name
            id_number = mask_id_number(id_number) if id_number else id_number
        return {
            "card_number": self.card_number,
            "card_version": self.card_version,
            "region_code": self.region_code,
            "name": name,
            "id_number": id_number,
            "sex": self.sex,
            "nation": self.nation,
            "birth_date": self.birth_date,
            "issue_date": self.issue_date,
            "valid_until": self.valid_until,
            "holder_data": self.holder_data,
        }


@runtime_checkable
class SocialSecurityCardReader(Protocol):
    """A PC/SC reader (or its twin) holding social-security cards.

    Events on :meth:`subscribe`: ``card_placed`` (payload SsCardRecord, read once per insertion),
    ``card_removed``, ``status_changed`` (payload DeviceStatus). Callbacks run on the device thread.
    """

    def open(self) -> None:
        """Begin monitoring on the device thread. Never raises for a missing reader: see status()."""

    def close(self) -> None:
        """Stop monitoring and release every PC/SC context."""

    def status(self) -> DeviceStatus: ...

    def read_card(self, *, timeout_s: float | None = None) -> SsCardRecord:
        """Read the card now in the reader. Raises NoCard, CardRemoved, CardReadError, ProtocolError,
        DeviceOffline or DeviceTimeout."""

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...


def read_card_json(reader: SocialSecurityCardReader, *, reveal: bool, timeout_s: float) -> dict[str, Any]:
    """For ``devices read ss_card``: wait up to ``timeout_s`` for a card on an open reader, read it.

    Raises the reader's DeviceError subclasses (NoCard when no card arrived in time).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        try:
            record = reader.read_card(timeout_s=max(0.5, remaining))
            return dict(record.to_json(reveal=reveal))
        except (NoCard, DeviceTimeout):
            if remaining <= 0:
                raise
            time.sleep(min(0.2, max(0.0, remaining)))
