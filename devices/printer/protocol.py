"""The printer kind's contract: a typed Protocol, frozen results, and DLE EOT status decoding.

Events a printer emits (``DeviceEvent.name``, payload a PrinterState unless noted): ``paper_out``,
``paper_near_end``, ``cover_open``, ``paper_ok`` (paper/cover back to normal), ``offline``, ``online``,
``status_changed`` (payload: DeviceStatus), ``job_interrupted`` (payload: the PrintJobResult).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from devices.errors import NotAPrinter
from devices.printer.document import Document
from devices.status import DeviceStatus, Health
from devices.worker import DeviceEvent

# How a QR code is printed: the printer's own QR command, or a raster image (printers without it).
QrMode = Literal["native", "image"]


class Paper(enum.StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


# Bits of the DLE EOT answers (Epson ESC/POS): every answer has bits 1 and 4 set and bits 0 and 7 clear
# (FIXED_MASK selects them, FIXED_BITS is their value). Any other byte is not a printer's answer.
FIXED_BITS = 0x12
FIXED_MASK = 0x93
OFFLINE_BIT = 0x08  # n=1: printer offline
COVER_OPEN_BIT = 0x04  # n=2: cover open
PAPER_STOP_BIT = 0x20  # n=2: printing stopped by paper end
ERROR_BIT = 0x40  # n=2: an error occurred
NEAR_END_BITS = 0x0C  # n=4: roll near-end sensor
PAPER_OUT_BITS = 0x60  # n=4: roll end sensor


@dataclass(frozen=True, slots=True)
class PrinterState:
    """One real-time status reading. ``readable`` is False when the transport cannot answer (file:)."""

    online: bool = True
    paper: Paper = Paper.OK
    cover_open: bool = False
    error: bool = False
    readable: bool = True
    # the last answers were not a printer's (NotAPrinter): never read as paper or cover
    not_a_printer: bool = False

    @classmethod
    def from_answers(cls, printer: int, offline: int, paper: int, *, where: str = "") -> PrinterState:
        """Decode the DLE EOT 1, 2 and 4 answer bytes. Raises NotAPrinter when a byte lacks the fixed bits."""
        for n, answer in ((1, printer), (2, offline), (4, paper)):
            if not 0 <= answer <= 0xFF or answer & FIXED_MASK != FIXED_BITS:
                raise NotAPrinter(f"{where or 'the printer connection'}: answer 0x{answer & 0xFF:02X} to DLE EOT "
                                  f"{n} is not an ESC/POS status byte; is a printer on this connection?")
        if paper & PAPER_OUT_BITS:
            roll = Paper.OUT
        elif paper & NEAR_END_BITS:
            roll = Paper.NEAR_END
        else:
            roll = Paper.OK
        if offline & PAPER_STOP_BIT:
            roll = Paper.OUT
        return cls(
            online=not printer & OFFLINE_BIT,
            paper=roll,
            cover_open=bool(offline & COVER_OPEN_BIT),
            error=bool(offline & ERROR_BIT),
        )

    @property
    def code(self) -> str:
        """Stable code: the most urgent condition first."""
        if self.not_a_printer:
            return "device.printer.not_a_printer"
        if not self.readable:
            return "device.printer.no_status"
        if self.cover_open:
            return "device.printer.cover_open"
        if self.paper is Paper.OUT:
            return "device.printer.paper_out"
        if self.error:
            return "device.printer.error"
        if not self.online:
            return "device.offline"
        if self.paper is Paper.NEAR_END:
            return "device.printer.near_end"
        return "ok"

    @property
    def can_print(self) -> bool:
        return self.code in ("ok", "device.printer.near_end", "device.printer.no_status")

    def to_device_status(self, driver: str) -> DeviceStatus:
        zh, en = _MESSAGES[self.code]
        health = {"ok": Health.OK, "device.printer.no_status": Health.OK,
                  "device.printer.near_end": Health.DEGRADED}.get(self.code, Health.OFFLINE)
        return DeviceStatus("printer", driver, health, self.code, zh, en)

    def to_json(self) -> dict[str, object]:
        return {"online": self.online, "paper": self.paper.value, "cover_open": self.cover_open,
                "error": self.error, "readable": self.readable, "not_a_printer": self.not_a_printer,
                "code": self.code}


_MESSAGES: dict[str, tuple[str, str]] = {
    "ok": ("正常", "OK"),
    "device.printer.no_status": ("正常（该连接方式无法读取状态）", "OK (this connection cannot report status)"),
    "device.printer.cover_open": ("打印机盖未关闭", "Printer cover is open"),
    "device.printer.paper_out": ("打印纸已用完", "Printer is out of paper"),
    "device.printer.error": ("打印机故障", "Printer error"),
    "device.offline": ("打印机离线", "Printer is offline"),
    "device.printer.not_a_printer": ("连接上的设备不是打印机（请核对IP地址/端口）",
                                     "The device on this connection is not a printer (check the IP address/port)"),
    "device.printer.near_end": ("打印纸即将用完", "Paper is running low"),
}


class JobState(enum.StrEnum):
    PRINTED = "printed"
    INTERRUPTED = "interrupted"  # paper ran out (or cover opened) during the job: reprint later
    ALREADY_PRINTED = "already_printed"  # same job id completed before: nothing sent


@dataclass(frozen=True, slots=True)
class PrintJobResult:
    job_id: str
    state: JobState
    document: str
    bytes_sent: int
    printer: PrinterState
    reason: str = ""

    @property
    def printed(self) -> bool:
        return self.state in (JobState.PRINTED, JobState.ALREADY_PRINTED)

    def to_json(self) -> dict[str, object]:
        return {"job_id": self.job_id, "state": self.state.value, "document": self.document,
                "bytes_sent": self.bytes_sent, "reason": self.reason, "printer": self.printer.to_json()}


@runtime_checkable
class Printer(Protocol):
    """What the kiosk uses. Jobs run on the printer's worker thread; errors are DeviceErrors."""

    paper_mm: int
    qr_mode: QrMode

    def open(self) -> None: ...

    def close(self) -> None: ...

    def status(self) -> DeviceStatus: ...

    def printer_state(self) -> PrinterState:
        """Query DLE EOT now. Raises DeviceOffline / DeviceTimeout."""
        ...

    def submit(self, doc: Document, *, job_id: str | None = None) -> Future[PrintJobResult]: ...

    def print_document(self, doc: Document, *, job_id: str | None = None) -> PrintJobResult:
        """Print and wait. Raises PaperOut / CoverOpen (nothing sent), DeviceOffline, DeviceTimeout."""
        ...

    def interrupted_jobs(self) -> list[str]: ...

    def reprint_interrupted(self) -> list[PrintJobResult]: ...

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...
