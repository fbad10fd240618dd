"""The code-scanner kind: a typed Protocol and the frozen :class:`ScannedCode`.

Scanners deliver codes as ``code_scanned`` events (payload: ScannedCode) on their worker thread;
the kiosk marshals them onto the Qt thread. ``type`` is one stable lower-case name from
:data:`CODE_TYPES`; the text may be a citizen's service code, so it stays out of ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from devices.status import DeviceStatus
from devices.worker import DeviceEvent

CODE_SCANNED = "code_scanned"

# Stable type names; "unknown" when a line scanner does not say which symbology it read.
CODE_TYPES = frozenset({
    "qr", "micro_qr", "code128", "code39", "code93", "codabar", "ean13", "ean8", "upca", "upce",
    "itf", "pdf417", "datamatrix", "aztec", "databar", "unknown",
})


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """One decoded code: ``type`` (see CODE_TYPES) and its text."""

    type: str
    text: str = field(repr=False)

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "text": self.text}


@runtime_checkable
class CodeScanner(Protocol):
    """Every scanner driver. ``open`` raises DeviceOffline / DeviceConfigError; then codes arrive
    as ``code_scanned`` events, repeated reads of one code debounced."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def status(self) -> DeviceStatus: ...

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...
