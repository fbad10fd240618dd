"""The small interfaces the flows need, and the plain values that cross them.

Adapters in :mod:`kiosk.adapters` bind these to the real hall client, offline cache and devices.
Every call may block (HTTP, serial): flows only call them inside :class:`~kiosk.flows.base.Work`.
Failures are typed: :class:`PortError` subclasses with stable codes, chosen by class in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from hall.forms import STANDARD_FORM, FormDefinition


class PortError(Exception):
    """Base of every failure a flow handles; ``code`` picks the message."""

    code = "kiosk.port"

    def __init__(self, message: str = "", *, code: str | None = None, detail: dict[str, Any] | None = None):
        super().__init__(message or self.code)
        if code is not None:
            self.code = code
        self.detail = detail or {}


class Unavailable(PortError):
    """The hall server (or a device) cannot be reached now; offline-capable flows carry on."""

    code = "kiosk.unavailable"


class Refused(PortError):
    """The hall said no for a reason the citizen must hear (quota, full, closed, blacklist…)."""

    code = "kiosk.refused"


class NotFound(PortError):
    code = "kiosk.not_found"


class PrinterFault(PortError):
    """The printer could not print (paper out, cover open, offline)."""

    code = "printer.fault"


class DeviceFault(PortError):
    code = "device.fault"


# --- hall values -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    waiting: int = 0
    estimated_wait_s: int = 0
    full: bool = False
    full_reason: str = ""  # a stable reason code, e.g. "daily_cap"


@dataclass(frozen=True, slots=True)
class Opening:
    """Whether tickets can be issued now, and when the hall opens next (local time text)."""

    open: bool
    opens_at: str = ""


@dataclass(frozen=True, slots=True)
class Ticket:
    number: str
    category: str
    waiting_ahead: int
    estimated_wait_s: int | None  # None: no open window serves the line, nobody knows the wait
    follow_url: str = ""
    offline: bool = False
    priority: str = ""
    rating_code: str = ""  # printed on the receipt: rate this service once, after it was served


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    name_zh: str
    name_en: str
    count: int = 1
    original: bool = False
    waivable: bool = False  # may be supplied later under a signed commitment (容缺)
    elicense: str = ""  # e-license type that satisfies it, "" if none


@dataclass(frozen=True, slots=True)
class ServiceItem:
    code: str
    name_zh: str
    name_en: str
    category: str
    conditions_zh: str = ""
    conditions_en: str = ""
    materials: tuple[Material, ...] = ()
    legal_days: int = 0
    promised_days: int = 0
    fee_zh: str = ""
    fee_en: str = ""
    commitment_allowed: bool = False
    needs_face: bool = True
    # The item's application form (hall.forms; the standard form when the item names none). None: the
    # kiosk cannot read the item's own definition (a newer server's format), so it is not offered for
    # self-service submission: the citizen is sent to a counter (请到窗口办理).
    form: FormDefinition | None = STANDARD_FORM


@dataclass(frozen=True, slots=True)
class Company:
    """A legal person as its business licence (营业执照 e-licence) names it, found by credit code."""

    credit_code: str
    name: str = field(repr=False)
    legal_representative: str = field(repr=False)
    licenses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Appointment:
    code: str
    category: str
    slot_start: datetime
    slot_end: datetime
    item_zh: str = ""
    item_en: str = ""
    item_code: str = ""


@dataclass(frozen=True, slots=True)
class CheckIn:
    appointment: Appointment
    ticket: Ticket


@dataclass(frozen=True, slots=True)
class Receipt:
    registration_code: str
    item_code: str
    submitted_at: datetime
    promised_date: date | None
    missing_due: date | None = None
    offline: bool = False
    follow_url: str = ""


@dataclass(frozen=True, slots=True)
class CaseStatus:
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Case:
    registration_code: str
    item_zh: str
    item_en: str
    status: str
    history: tuple[CaseStatus, ...] = ()
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    """What the kiosk hands to the outbox; personal values stay out of ``repr``."""

    item_code: str
    id_number: str = field(repr=False)
    name: str = field(repr=False)
    form: dict[str, str] = field(repr=False)
    # material id -> pages; ids in ``elicensed`` and ``waived`` need no pages
    pages: dict[str, list[bytes]] = field(repr=False)
    elicensed: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    signature: bytes | None = field(default=None, repr=False)
    face_photo: bytes | None = field(default=None, repr=False)
    # the applicant's proof of identity for the hall server (Identity.proof)
    proof: dict[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class FaceResult:
    """A face verifier's verdict for the flows: ``decision`` is match / no_match / no_face / not_live."""

    decision: str
    score: float
    # what the provincial service signed (serial, issued_at, signature, result, score): the hall's proof
    attestation: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def matched(self) -> bool:
        return self.decision == "match"


# --- ports -------------------------------------------------------------------------------------
class FacePort(Protocol):
    def verify(self, reference: bytes, frames: list[bytes]) -> FaceResult:
        """人证比对: the ID card photo (image bytes) against camera frames (JPEG). Raises DeviceFault."""
        ...

    def verify_id(self, id_number: str, frames: list[bytes]) -> FaceResult:
        """The photo the provincial service holds for ``id_number`` against the frames. Raises DeviceFault."""
        ...


class HallPort(Protocol):
    """Reads from the hall server (the adapter caches what offline flows need)."""

    def categories(self) -> list[Category]: ...

    def opening(self) -> Opening: ...

    def catalogue(self) -> list[ServiceItem]: ...

    def elicenses(self, id_number: str, *, proof: dict[str, Any] | None = None) -> set[str]: ...

    def cases(self, *, id_number: str | None = None, code: str | None = None,
              proof: dict[str, Any] | None = None) -> list[Case]: ...

    def company(self, credit_code: str, *, id_number: str, proof: dict[str, Any] | None = None) -> Company:
        """The company's business licence by its credit code (name, legal representative), asked for the
        person at the kiosk who proved who they are (``id_number`` and their proof, like ``elicenses``);
        raises NotFound when the licence library holds none, Unavailable when it cannot be asked now."""
        ...

    def resolve_service_code(self, text: str) -> dict[str, str]:
        """A citizen's service QR (亮码) → ``{"id_number", "name", "proof"}``; raises NotFound."""
        ...

    def mark_full(self, code: str, reason: str) -> None:
        """The server refused a ticket because the line is full/closed: show it so until the day ends
        (memory only, never blocks)."""
        ...


class TerminalPort(Protocol):
    """Writes, each committed to the outbox first (so they also work offline)."""

    def issue_ticket(self, category: str, *, id_number: str | None = None,
                     priority: str | None = None) -> Ticket: ...

    def check_in(self, *, code: str | None = None, id_number: str | None = None) -> CheckIn: ...

    def submit(self, submission: Submission) -> Receipt: ...

    def rate(self, *, level: int, reasons: list[str], comment: str, target: str) -> None: ...

    def help_call(self, *, reason: str, detail: str = "") -> bool | None:
        """Send (or queue) the call; False when it is only queued (offline) — staff do not know yet."""
        ...

    def is_online(self) -> bool: ...


class PrinterPort(Protocol):
    def print_document(self, document: Any) -> None:
        """Hand a devices.printer Document to the printer; raises PrinterFault."""
        ...


class DocCameraPort(Protocol):
    def capture_page(self) -> bytes:
        """One corrected page as JPEG; raises DeviceFault."""
        ...


class VoicePort(Protocol):
    def say(self, text: str) -> None: ...
