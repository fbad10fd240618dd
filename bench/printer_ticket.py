"""Ticket printing: ESC/POS render, PNG preview, and a print through the escpos driver over TCP to the twin."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from bench._stats import median, percentile
from devices.printer.escpos_driver import EscposPrinter
from devices.printer.layouts import TicketInfo, ticket
from devices.printer.preview import preview
from devices.printer.render import render
from devices.twins.printer.capture_device import CaptureDevice, CaptureServer


def _ticket(i: int) -> TicketInfo:
    return TicketInfo(number=f"A{i % 1000:03d}", category="社保医保", people_ahead=i % 40,
                      estimated_wait_min=(i % 40) * 3, issued_at=datetime.now(UTC),
                      follow_url=f"https://hall.example.gov.cn/q/A{i % 1000:03d}?d=20240506",
                      hall_name="朝阳区政务服务中心")


def main(argv: list[str]) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m bench printer_ticket")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--paper-mm", type=int, choices=[58, 80], default=80)
    parser.add_argument("--qr-mode", choices=["native", "image"], default="native")
    args = parser.parse_args(argv)

    render_ms, preview_ms, print_ms = [], [], []
    server = CaptureServer(CaptureDevice()).start()
    printer = EscposPrinter(connection=server.connection, paper_mm=args.paper_mm, qr_mode=args.qr_mode,
                            status_poll_s=0)
    try:
        printer.open()
        for i in range(args.runs):
            doc = ticket(_ticket(i))
            t0 = time.perf_counter()
            data = render(doc, paper_mm=args.paper_mm, qr_mode=args.qr_mode)
            t1 = time.perf_counter()
            preview(data, paper_mm=args.paper_mm)
            t2 = time.perf_counter()
            printer.print_document(doc)  # status, job bytes, status: what a kiosk waits for
            t3 = time.perf_counter()
            render_ms.append((t1 - t0) * 1000)
            preview_ms.append((t2 - t1) * 1000)
            print_ms.append((t3 - t2) * 1000)
    finally:
        printer.close()
        server.stop()
    return {
        "render_p50_ms": round(median(render_ms), 3),
        "preview_p50_ms": round(median(preview_ms), 3),
        "print_p50_ms": round(median(print_ms), 3),
        "print_p95_ms": round(percentile(print_ms, 95), 3),
        "ticket_bytes": len(render(ticket(_ticket(0)), paper_mm=args.paper_mm, qr_mode=args.qr_mode)),
    }
