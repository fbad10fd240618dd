"""The printer contract, rerun against the capture twin in-process, over TCP and over a serial line,
and (marked ``hardware``) against a real printer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from devices.errors import CoverOpen, PaperOut
from devices.printer.document import Cut, Document, Text
from devices.printer.protocol import JobState, Printer
from devices.printer.render import render
from devices.status import Health
from devices.twins.printer.capture_device import CaptureDevice
from devices.worker import DeviceEvent
from tests.rigs.waiting import budget
from tests.unit.devices.printer_samples import samples


class Events:
    """Listener that records printer events and lets a test wait for one."""

    def __init__(self) -> None:
        self.seen: list[DeviceEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._cond:
            self.seen.append(event)
            self._cond.notify_all()

    def names(self) -> list[str]:
        with self._cond:
            return [e.name for e in self.seen]

    def wait_for(self, name: str, timeout_s: float = 5.0) -> DeviceEvent:
        deadline = time.monotonic() + budget(timeout_s)
        with self._cond:
            while time.monotonic() < deadline:
                for e in self.seen:
                    if e.name == name:
                        return e
                self._cond.wait(0.05)
        raise AssertionError(f"no {name!r} event; saw {self.names()}")


def lines_doc(n: int) -> Document:
    return Document("lines", (*(Text(f"第 {i} 行 line {i}") for i in range(n)), Cut()))


class PrinterContract:
    """Subclasses give ``make_printer(status_poll_s)`` returning the printer and the CaptureDevice
    behind its wire (the twin's mechanism, reached in-process, over TCP or over a pty)."""

    paper_mm = 80

    def make_printer(self, *, status_poll_s: float) -> tuple[Printer, CaptureDevice]:
        raise NotImplementedError

    @pytest.fixture
    def rig(self) -> Iterator[tuple[Printer, CaptureDevice, Events]]:
        printer, device = self.make_printer(status_poll_s=0)
        events = Events()
        printer.subscribe(events)
        printer.open()
        yield printer, device, events
        printer.close()

    def test_is_a_printer_and_reports_ok(self, rig: tuple[Printer, CaptureDevice, Events]) -> None:
        printer, _, _ = rig
        assert isinstance(printer, Printer)
        status = printer.status()
        assert (status.kind, status.health, status.code) == ("printer", Health.OK, "ok")

    def test_printed_bytes_are_exactly_the_rendered_document(self, rig: tuple[Printer, CaptureDevice, Events]) -> None:
        printer, device, _ = rig
        for doc in samples().values():
            result = printer.print_document(doc)
            assert result.state is JobState.PRINTED and result.printed
            job = device.last_job()
            assert job is not None and job.complete
            assert job.data == render(doc, paper_mm=self.paper_mm, qr_mode=printer.qr_mode)
            assert result.bytes_sent == len(job.data)
        assert len(device.jobs) == len(samples())

    def test_same_job_id_never_prints_twice(self, rig: tuple[Printer, CaptureDevice, Events]) -> None:
        printer, device, _ = rig
        doc = samples()["ticket"]
        assert printer.print_document(doc, job_id="T-A023").state is JobState.PRINTED
        again = printer.print_document(doc, job_id="T-A023")
        assert again.state is JobState.ALREADY_PRINTED and again.bytes_sent == 0
        assert len(device.jobs) == 1

    def test_no_paper_refuses_before_sending(self, rig: tuple[Printer, CaptureDevice, Events]) -> None:
        printer, device, events = rig
        device.simulate_paper_out()
        with pytest.raises(PaperOut) as err:
            printer.print_document(samples()["ticket"], job_id="j1")
        assert err.value.code == "device.printer.paper_out"
        assert device.jobs == [] and device.unfinished_job() == b""
        assert events.wait_for("paper_out").payload.paper.value == "out"
        status = printer.status()
        assert (status.health, status.code) == (Health.OFFLINE, "device.printer.paper_out")
        device.load_paper()
        assert printer.print_document(samples()["ticket"], job_id="j1").state is JobState.PRINTED

    def test_cover_open_refuses(self, rig: tuple[Printer, CaptureDevice, Events]) -> None:
        printer, device, events = rig
        device.open_cover()
        with pytest.raises(CoverOpen):
            printer.print_document(samples()["ticket"])
        assert events.wait_for("cover_open")
        assert printer.status().code == "device.printer.cover_open"
        device.close_cover()
        assert printer.status().code == "ok"
        assert "paper_ok" in events.names()

    def test_near_end_still_prints_and_degrades(self, rig: tuple[Printer, CaptureDevice, Events]) -> None:
        printer, device, events = rig
        device.simulate_near_end()
        assert printer.print_document(samples()["ticket"]).state is JobState.PRINTED
        assert events.wait_for("paper_near_end")
        status = printer.status()
        assert (status.health, status.code) == (Health.DEGRADED, "device.printer.near_end")

    def test_paper_out_mid_job_is_reported_and_reprinted_once(
        self, rig: tuple[Printer, CaptureDevice, Events]
    ) -> None:
        printer, device, events = rig
        doc = lines_doc(10)
        device.simulate_paper_out(after_lines=4)
        result = printer.print_document(doc, job_id="R-1")
        assert result.state is JobState.INTERRUPTED and not result.printed
        assert result.reason == "device.printer.paper_out"
        assert printer.interrupted_jobs() == ["R-1"]
        assert events.wait_for("job_interrupted").payload.job_id == "R-1"
        with pytest.raises(PaperOut):  # still no paper: the reprint waits
            printer.reprint_interrupted()
        device.load_paper()
        reprinted = printer.reprint_interrupted()
        assert [r.state for r in reprinted] == [JobState.PRINTED]
        assert printer.interrupted_jobs() == [] and printer.reprint_interrupted() == []
        assert printer.print_document(doc, job_id="R-1").state is JobState.ALREADY_PRINTED
        assert [j.complete for j in device.jobs] == [False, True]
        assert device.jobs[-1].data == render(doc, paper_mm=self.paper_mm, qr_mode=printer.qr_mode)

    def test_status_poll_raises_events_without_jobs(self) -> None:
        printer, device = self.make_printer(status_poll_s=0.05)
        events = Events()
        printer.subscribe(events)
        printer.open()
        try:
            device.simulate_paper_out()
            assert events.wait_for("paper_out")
            device.load_paper()
            assert events.wait_for("paper_ok")
        finally:
            printer.close()
