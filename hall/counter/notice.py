"""The 一次性告知书 at the counter: every missing material (with the clerk's note) on one slip, printed on the
counter's receipt printer (``[devices.printer]``), or written as a PDF of exactly that slip when the counter
is set to PDF or its printer cannot print. No Qt: the window runs :meth:`NoticePrinter.issue` off the GUI
thread."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devices import registry
from devices.errors import DeviceError
from devices.printer.document import Document
from devices.printer.layouts import Material, NoticeInfo, notice
from devices.printer.preview import preview
from devices.printer.render import render
from hall.counter.submission import SubmissionView

log = logging.getLogger(__name__)
DPI = 203.0  # the slip's own resolution (8 dots per mm)


@dataclass(frozen=True, slots=True)
class NoticeResult:
    """``how``: ``printer`` or ``pdf``; ``path`` the PDF; ``reason`` why a PDF was made instead of printing."""

    how: str
    path: Path | None = None
    reason: str = ""


def notice_document(view: SubmissionView, missing: list[str], *, hall_name: str, now: datetime) -> Document:
    """The slip: hall, item, registration code and each missing material with the clerk's note."""
    notes = {m.requirement: m.note for m in view.materials if m.note}
    items = tuple(Material(name, notes.get(name, "")) for name in missing)
    return notice(NoticeInfo(item_name=view.item, missing=items, issued_at=now, hall_name=hall_name,
                             registration_code=view.code))


class NoticePrinter:
    """Prints (or writes as PDF) the 一次性告知书 with the counter's printer settings."""

    def __init__(self, *, printer: Any, hall_name: str, output: str = "printer", pdf_dir: Path) -> None:
        self.printer_settings, self.hall_name, self.output, self.pdf_dir = printer, hall_name, output, pdf_dir

    def issue(self, view: SubmissionView, missing: list[str], *, now: datetime | None = None) -> NoticeResult:
        """Print it, else write the PDF. Raises OSError only when the PDF cannot be written either."""
        doc = notice_document(view, missing, hall_name=self.hall_name, now=now or datetime.now(UTC))
        reason = "pdf"
        if self.output == "printer":
            try:
                result = self._print(doc)
                if result.printed:
                    return NoticeResult("printer")
                reason = result.reason or result.state.value
            except DeviceError as exc:
                reason = exc.code
            log.warning("notice not printed (%s); writing a PDF", reason)
        return NoticeResult("pdf", self._pdf(doc, view.code), reason)

    def _print(self, doc: Document) -> Any:
        s = self.printer_settings
        printer = registry.open_device("printer", s.driver, **s.options())
        try:
            printer.open()
            return printer.print_document(doc)
        finally:
            printer.close()

    def _pdf(self, doc: Document, code: str) -> Path:
        paper = int(getattr(self.printer_settings, "paper_mm", 80))
        image = preview(render(doc, paper_mm=paper), paper_mm=paper).convert("RGB")
        self.pdf_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9-]", "_", code)[:40] or "notice"
        path = self.pdf_dir / f"一次性告知书-{safe}-{datetime.now(UTC):%Y%m%d%H%M%S}.pdf"
        image.save(path, "PDF", resolution=DPI)
        return path
