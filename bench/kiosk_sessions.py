"""Kiosk: N take-a-number sessions through the real Qt screens (offscreen) against a real server process."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._stats import median, percentile


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench kiosk_sessions", description=__doc__)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20, help="sessions before RSS and timings are counted")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from hall.qtkit.launch import make_application
    from kiosk.app import build_window
    from kiosk.services import start_services
    from tests.e2e.kiosk_rig import kiosk_settings, twins
    from tests.rigs.hall_server import start_prepared

    work = Path(tempfile.mkdtemp(prefix="bench-kiosk-"))
    server = start_prepared(f"sqlite:///{work / 'hall.db'}", work)
    app = make_application()
    try:
        settings = kiosk_settings(work, server)
        win = build_window(settings)
        win.show()
        drivers = twins(work, poll_s=0.3)  # the reader's default polling, as deployed
        controller = start_services(win, settings, drivers=drivers)
        printed = controller.services.devices.printed_at

        def settle(cond: Any, timeout_s: float = 10.0) -> None:
            deadline = time.perf_counter() + timeout_s
            while not cond():
                app.processEvents()
                # what app.exec() does between events: delete the pages that were replaced
                app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"kiosk stuck on {controller.machine.view.screen}")

        def touch(widget: Any) -> float:
            """Touch → the next screen painted: the click is handled synchronously (the flow step and
            the new page), then the whole window is painted at once (offscreen, ``repaint`` is immediate)."""
            t0 = time.perf_counter()
            QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
            win.repaint()
            return (time.perf_counter() - t0) * 1000

        def find(text: str) -> Any:
            from PySide6.QtWidgets import QAbstractButton

            for b in win.flow.findChildren(QAbstractButton):
                if b.isVisible() and (b.text() or b.accessibleName()).startswith(text):
                    return b
            raise RuntimeError(f"no button {text!r}")

        settle(lambda: controller.runner.pending == 0)
        transitions: list[float] = []
        by_step: dict[str, list[float]] = {"home": [], "categories": [], "identify": [], "ticket": []}
        tickets: list[float] = []
        rss_start = 0.0
        for n in range(args.sessions + args.warmup):
            if n == args.warmup:
                rss_start = _rss_mb()
            counted = n >= args.warmup
            steps = [touch(win.home.tiles["take_number"])]
            settle(lambda: controller.machine.view.screen == "categories" and controller.runner.pending == 0)
            steps.append(touch(find("A  ")))
            settle(lambda: controller.machine.view.screen == "identify")
            before = len(printed)
            t_skip = time.perf_counter()
            steps.append(touch(find(win.ui.tr("action.skip"))))
            settle(lambda n=before: len(printed) > n)
            ticket_ms = (printed[-1] - t_skip) * 1000
            settle(lambda: controller.machine.view.screen == "ticket" and controller.runner.pending == 0)
            steps.append(touch(find(win.ui.tr("action.done"))))
            settle(lambda: controller.machine.view.screen == "home")
            if counted:
                transitions += steps
                for name, ms in zip(by_step, steps, strict=True):
                    by_step[name].append(ms)
                tickets.append(ticket_ms)
        QApplication.processEvents()
        rss_end = _rss_mb()
        offline = sum(1 for t in controller.services.terminal_raw.outbox.records() if t.kind == "ticket"
                      and (controller.services.terminal_raw.outbox.body(t.key).get("source") == "offline"))
        controller.close()
        return {
            "sessions": args.sessions,
            "transition_p50_ms": round(median(transitions), 2),
            "transition_p95_ms": round(percentile(transitions, 95), 2),
            **{f"transition_from_{k}_p95_ms": round(percentile(v, 95), 2) for k, v in by_step.items()},
            "ticket_p50_ms": round(median(tickets), 2),
            "ticket_p95_ms": round(percentile(tickets, 95), 2),
            "rss_start_mb": round(rss_start, 1),
            "rss_growth_mb": round(rss_end - rss_start, 1),
            "offline_tickets": offline,
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count() or 0,
        }
    finally:
        server.stop()
