"""Driver ``escpos``: documents rendered by our command builder, sent through python-escpos transports.

All traffic runs on one DeviceWorker thread. Every job checks DLE EOT status before (nothing is sent
to a printer without paper) and after (a job cut short by paper out is reported INTERRUPTED and kept
for :meth:`reprint_interrupted`). Each job has an id; completed ids are remembered so a retried or
reprinted job is never printed twice.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from escpos.escpos import Escpos

from devices.errors import (
    CoverOpen,
    DeviceConfigError,
    DeviceError,
    DeviceOffline,
    DeviceTimeout,
    NotAPrinter,
    PaperOut,
)
from devices.errors import PrinterError as PrinterFault
from devices.printer import commands as cmd
from devices.printer.document import PAPER_COLUMNS, Document
from devices.printer.protocol import JobState, Paper, PrinterState, PrintJobResult, QrMode
from devices.printer.render import render
from devices.printer.transport import (
    can_read_status,
    close_quietly,
    open_transport,
    parse_connection,
    read_status_byte,
    translated,
)
from devices.status import DeviceStatus, Health
from devices.worker import Backoff, DeviceEvent, DeviceWorker

log = logging.getLogger(__name__)
T = TypeVar("T")
_REMEMBERED_JOBS = 10_000


class EscposPrinter:
    """An ESC/POS receipt printer. Options are those of ``[devices.printer]``."""

    driver_name = "escpos"

    def __init__(
        self,
        *,
        connection: str = "",
        paper_mm: int = 80,
        qr_mode: str = "native",
        capture_dir: str = "",
        timeout_s: float = 5.0,
        status_poll_s: float = 2.0,
    ) -> None:
        if paper_mm not in PAPER_COLUMNS:
            raise DeviceConfigError(f"devices.printer.paper_mm must be 58 or 80, got {paper_mm}")
        if qr_mode not in ("native", "image"):
            raise DeviceConfigError(f"devices.printer.qr_mode must be 'native' or 'image', got {qr_mode!r}")
        self.paper_mm = paper_mm
        self.qr_mode: QrMode = "native" if qr_mode == "native" else "image"
        self.capture_dir = capture_dir
        self.timeout_s = timeout_s
        self._connection = self._parse(connection)
        poll = self._poll if status_poll_s > 0 else None
        self._worker = DeviceWorker("printer", poll=poll, poll_interval_s=max(status_poll_s, 0.05))
        self._transport: Escpos | None = None
        self._completed: OrderedDict[str, None] = OrderedDict()
        self._interrupted: OrderedDict[str, Document] = OrderedDict()
        self._state: PrinterState | None = None
        self._backoff = Backoff(initial_s=0.5, cap_s=30.0)
        self._retry_at = 0.0

    # -- hooks the capture twin overrides -------------------------------------------------------
    def _parse(self, connection: str) -> Any:
        if not connection:
            raise DeviceConfigError("devices.printer.connection is empty; the escpos driver needs one")
        return parse_connection(connection)

    def _open_transport(self) -> Escpos:
        return open_transport(self._connection, timeout_s=self.timeout_s)

    # -- public API (any thread) ----------------------------------------------------------------
    def open(self) -> None:
        """Start the worker and connect. Raises DeviceOffline if the printer cannot be reached."""
        self._call(self._ensure_open)

    def close(self) -> None:
        if self._worker.running:
            self._call(self._drop)
        self._worker.stop()

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    def printer_state(self) -> PrinterState:
        return self._call(self._read_state)

    def status(self) -> DeviceStatus:
        try:
            return self.printer_state().to_device_status(self.driver_name)
        except NotAPrinter:
            return PrinterState(online=False, paper=Paper.UNKNOWN, not_a_printer=True).to_device_status(
                self.driver_name)
        except DeviceError as exc:
            return DeviceStatus("printer", self.driver_name, Health.OFFLINE, exc.code,
                                "打印机无法连接", "Printer cannot be reached")

    def submit(self, doc: Document, *, job_id: str | None = None) -> Future[PrintJobResult]:
        jid = job_id or uuid.uuid4().hex
        return self._worker.submit(lambda: self._run_job(doc, jid))

    def print_document(self, doc: Document, *, job_id: str | None = None) -> PrintJobResult:
        return self._wait(self.submit(doc, job_id=job_id))

    def interrupted_jobs(self) -> list[str]:
        return self._call(lambda: list(self._interrupted))

    def reprint_interrupted(self) -> list[PrintJobResult]:
        """Print again every job paper-out interrupted, oldest first. Raises PaperOut if still out."""
        return self._call(lambda: [self._run_job(doc, jid) for jid, doc in list(self._interrupted.items())])

    def send_raw(self, data: bytes) -> int:
        """Send bytes as they are (technician tools); returns the count."""
        return self._call(lambda: self._send(data))

    # -- worker side ----------------------------------------------------------------------------
    def _call(self, fn: Callable[[], T]) -> T:
        return self._wait(self._worker.submit(fn))

    def _wait(self, fut: Future[T]) -> T:
        try:
            return fut.result(timeout=self.timeout_s * 6 + 5)
        except FutureTimeout as exc:
            raise DeviceTimeout("printer worker did not finish in time") from exc

    def _ensure_open(self) -> Escpos:
        if self._transport is None:
            self._transport = self._open_transport()
            self._backoff.reset()
        return self._transport

    def _drop(self) -> None:
        close_quietly(self._transport)
        self._transport = None

    def _guarded(self, fn: Callable[[Escpos], T]) -> T:
        """Run ``fn`` on the open transport; a failure drops the connection so the next call reconnects."""
        try:
            printer = self._ensure_open()
            with translated(str(self._connection)):
                return fn(printer)
        except DeviceError:
            self._drop()
            raise

    def _send(self, data: bytes) -> int:
        self._guarded(lambda printer: printer._raw(data))
        return len(data)

    def _read_state(self) -> PrinterState:
        def query(printer: Escpos) -> PrinterState:
            if not can_read_status(printer):
                return PrinterState(readable=False, paper=Paper.UNKNOWN)
            answers: list[int] = []
            for n in (cmd.STATUS_PRINTER, cmd.STATUS_OFFLINE, cmd.STATUS_PAPER):
                printer._raw(cmd.status_query(n))
                answers.append(read_status_byte(printer))
            return PrinterState.from_answers(*answers, where=str(self._connection))

        state = self._guarded(query)
        self._note(state)
        return state

    def _run_job(self, doc: Document, job_id: str) -> PrintJobResult:
        if job_id in self._completed:
            return PrintJobResult(job_id, JobState.ALREADY_PRINTED, doc.kind, 0, self._state or PrinterState())
        data = render(doc, paper_mm=self.paper_mm, qr_mode=self.qr_mode)
        before = self._read_state()
        if not before.can_print:
            raise _refusal(before)
        self._send(data)
        after = self._read_state()
        if after.cover_open or after.paper is Paper.OUT:
            self._interrupted[job_id] = doc
            result = PrintJobResult(job_id, JobState.INTERRUPTED, doc.kind, len(data), after, after.code)
            log.warning("printer: job %s (%s) interrupted: %s", job_id, doc.kind, after.code)
            self._worker.emit(DeviceEvent("printer", "job_interrupted", result))
            return result
        self._interrupted.pop(job_id, None)
        self._completed[job_id] = None
        while len(self._completed) > _REMEMBERED_JOBS:
            self._completed.popitem(last=False)
        return PrintJobResult(job_id, JobState.PRINTED, doc.kind, len(data), after)

    def _note(self, state: PrinterState) -> None:
        """Remember the reading; emit an event when the printer's condition changes."""
        previous, self._state = self._state, state
        if previous is not None and previous.code == state.code:
            return
        name = {
            "device.printer.paper_out": "paper_out",
            "device.printer.near_end": "paper_near_end",
            "device.printer.cover_open": "cover_open",
            "device.offline": "offline",
        }.get(state.code)
        if name is None and previous is not None and not previous.can_print and state.can_print:
            name = "online" if previous.code == "device.offline" else "paper_ok"
        self._worker.emit(DeviceEvent("printer", "status_changed", state.to_device_status(self.driver_name)))
        if name is not None:
            self._worker.emit(DeviceEvent("printer", name, state))

    def _poll(self) -> None:
        """Idle step: watch status, reconnect with backoff; failures become events, never crashes."""
        if self._transport is None and time.monotonic() < self._retry_at:
            return
        try:
            self._read_state()
        except DeviceError as exc:
            self._retry_at = time.monotonic() + self._backoff.next_delay()
            log.info("printer: status poll failed (%s)", exc.code)
            self._note(PrinterState(online=False, paper=Paper.UNKNOWN, not_a_printer=isinstance(exc, NotAPrinter)))


def _refusal(state: PrinterState) -> DeviceError:
    if state.cover_open:
        return CoverOpen("printer cover is open; nothing was printed")
    if state.paper is Paper.OUT:
        return PaperOut("printer is out of paper; nothing was printed")
    if state.error:
        return PrinterFault("printer reports an error; nothing was printed")
    return DeviceOffline("printer is offline; nothing was printed")
