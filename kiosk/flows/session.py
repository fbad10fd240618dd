"""One citizen's visit: who they are and what they gave us. ``wipe()`` forgets all of it.

Personal fields stay out of ``repr`` so a session can be logged or shown in a traceback safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kiosk.flows.idnumber import age_on

IdSource = Literal["id_card", "ss_card", "service_code", "face", "manual"]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is at the kiosk, and how we know (the source decides what ends the session)."""

    source: IdSource
    id_number: str = field(repr=False)
    name: str = field(default="", repr=False)
    sex: str = field(default="", repr=False)
    address: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    # What proves it to the hall server (the ``proof`` object of docs/api.md): a card read's own
    # blocks, a 亮码's token, a signed face decision. None for a typed number, which proves nothing.
    proof: dict[str, Any] | None = field(default=None, repr=False)
    # the ID card's photo, decoded (BMP) when a photo decoder is configured: the reference of 人证比对
    photo: bytes | None = field(default=None, repr=False)

    @property
    def proven(self) -> bool:
        """True when this identity may open personal data (cases, e-licences, prefill, applications)."""
        return self.proof is not None

    def age(self, today: date) -> int | None:
        return age_on(self.id_number, today)


@dataclass
class Session:
    """Everything personal the kiosk holds for the citizen at the screen."""

    identity: Identity | None = field(default=None, repr=False)
    face_photos: list[bytes] = field(default_factory=list, repr=False)
    form: dict[str, str] = field(default_factory=dict, repr=False)
    # material id -> pages (JPEG bytes) captured by the document camera
    pages: dict[str, list[bytes]] = field(default_factory=dict, repr=False)
    signature: bytes | None = field(default=None, repr=False)
    # flow scratch that may hold personal values (tickets, receipts, booking data)
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    def wipe(self) -> None:
        """Forget everything; byte buffers are dropped, dicts emptied in place (views share them)."""
        self.identity = None
        self.face_photos.clear()
        self.form.clear()
        for pages in self.pages.values():
            pages.clear()
        self.pages.clear()
        self.signature = None
        self.data.clear()

    def is_empty(self) -> bool:
        """True when nothing personal remains (what the idle wipe must guarantee)."""
        return (self.identity is None and not self.face_photos and not self.form and not self.pages
                and self.signature is None and not self.data)
