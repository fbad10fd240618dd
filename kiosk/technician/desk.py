"""Qt glue of the technician screen: PIN, device tests, outbox backlog, retry and export of dead
records. Blocking work (device tests, the outbox) runs on the kiosk's Runner, results come back
on the GUI thread; nothing personal is shown (masked IDs, record kinds and error codes only)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.flows.pin_lock import Attempt, LockFile, MemoryStore, PinLock
from kiosk.technician import screen_actions

# The technician PIN's audit trail: outcome, misses in a row, the lock; never the digits typed.
audit = logging.getLogger("kiosk.audit.technician")


class TechnicianDesk:
    def __init__(self, controller: Any) -> None:
        self.c = controller
        self.screen: Any = None
        self.active = False
        self.scan_test = False
        self._locked_alerted = -1  # misses count of the lock already reported as typed-while-locked

    @property
    def ui(self) -> Any:
        return self.c.window.ui

    @property
    def pin(self) -> str:
        settings = getattr(self.c.services, "settings", None)
        return str(getattr(getattr(settings, "kiosk", None), "technician_pin", "") or "")

    @property
    def enabled(self) -> bool:
        """Only with a PIN in the config (empty = the technician screen is disabled)."""
        return bool(self.pin)

    def open(self) -> None:
        services, pin = self.c.services, self.pin
        if not pin:
            return
        from kiosk.technician.screen import TechnicianScreen

        if self.screen is None:
            self.screen = TechnicianScreen(lock=self._lock(pin), version=services.version)
            self.screen.pin_attempt.connect(self.pin_attempted)
            self.screen.exit_requested.connect(self.c.close_technician)
            self.screen.test_requested.connect(self.run_test)
            self.screen.pin_ok.connect(self.refresh)
            self.screen.outbox_requested.connect(self.outbox_action)
            self.c.window.add_screen(self.screen)
        self.screen.passphrase_preset = bool(os.environ.get("HALL_EXPORT_PASSPHRASE"))
        self.active = True
        self.screen.ask_pin(self.ui)
        self.c.window.stack.setCurrentWidget(self.screen)

    def _lock(self, pin: str) -> PinLock:
        """The lockout state beside the outbox database, so a restart does not reset it."""
        settings = getattr(self.c.services, "settings", None)
        db_path = getattr(getattr(settings, "cache", None), "db_path", None)
        store = LockFile(Path(db_path).with_name("technician-lock.json")) if db_path else MemoryStore()
        return PinLock(pin=pin, store=store)

    def pin_attempted(self, attempt: Attempt) -> None:
        """Each attempt in the kiosk log and, unless it was the right PIN, to the dashboard as a
        ``technician_pin`` alert (queued in the outbox when offline) — attempts typed while locked once
        per lock, so mashing the keypad cannot flood the dashboard."""
        self.c.touched()
        level = logging.INFO if attempt.ok else logging.WARNING
        audit.log(level, "technician PIN attempt: %s, %d wrong in a row, locked %d s",
                  attempt.outcome, attempt.misses, round(attempt.wait_s))
        if attempt.ok or (attempt.outcome == "locked" and attempt.misses == self._locked_alerted):
            return
        if attempt.outcome == "locked":
            self._locked_alerted = attempt.misses
        from kiosk.i18n import tr

        locks = attempt.outcome == "wrong" and attempt.wait_s > 0
        key = f"alert.technician_pin.{attempt.outcome}{'_lock' if locks else ''}"
        values = {"misses": attempt.misses, "wait": round(attempt.wait_s)}
        detail = f"{tr('zh_CN', key, **values)} / {tr('en', key, **values)}"
        terminal = self.c.services.terminal
        self.c.runner.submit(lambda: terminal.help_call(reason="technician_pin", detail=detail), lambda _r: None,
                             lambda exc: audit.warning("technician PIN alert not recorded: %s",
                                                       getattr(exc, "code", exc.__class__.__name__)))

    def refresh(self) -> None:
        services = self.c.services
        if self.screen is None or services is None:
            return
        self.screen.set_statuses(services.devices.statuses(), self.ui)
        beat = {None: "-", True: "ok", False: "failed"}[self.c.last_heartbeat]
        self.screen.set_outbox({**services.backlog(), "heartbeat": beat}, list(services.errors.lines),
                               services.dead_records())
        self.screen.set_attention(services.held_records(), services.disk_fault())

    def device_event(self, kind: str, name: str, payload: Any) -> None:
        if self.scan_test and kind == "code_scanner" and name == "code_scanned":
            self.scan_test = False
            self.screen.show_result(kind, screen_actions.scan_summary(payload))

    def run_test(self, kind: str) -> None:
        self.c.touched()
        devices = self.c.services.devices
        if kind == "code_scanner":
            self.scan_test = True
            self.screen.show_result(kind, self.ui.tr("tech.scan_now"))
            return
        actions: dict[str, Callable[[], Any]] = {
            "id_card": lambda: screen_actions.test_id_card(devices),
            "ss_card": lambda: screen_actions.test_ss_card(devices),
            "printer": lambda: screen_actions.test_printer(devices),
            "camera": lambda: screen_actions.test_camera(devices),
            "doc_camera": lambda: screen_actions.test_doc_camera(devices),
            "voice": lambda: screen_actions.test_voice(devices, self.ui.tr("tech.voice_text")),
        }
        self.screen.show_result(kind, self.ui.tr("busy.default"))

        def done(result: Any) -> None:
            if isinstance(result, tuple):
                self.screen.show_result(kind, result[0], result[1])
            else:
                self.screen.show_result(kind, str(result))

        self.c.runner.submit(actions[kind], done, lambda exc: self.screen.show_result(kind, self._fault(exc)))

    def outbox_action(self, action: str, passphrase: str) -> None:
        """Dead records back in the queue, or sealed into a bundle for the back office."""
        self.c.touched()
        services = self.c.services
        self.screen.show_outbox_result(self.ui.tr("busy.default"))
        if action == "retry":
            self.c.runner.submit(services.retry_dead, self._retried, self._outbox_failed)
        else:
            self.c.runner.submit(lambda: services.export_dead(passphrase or None), self._exported,
                                 self._outbox_failed)

    def _retried(self, count: int) -> None:
        self.screen.show_outbox_result(self.ui.tr("tech.retried", count=count))
        self.refresh()

    def _exported(self, summary: dict[str, Any]) -> None:
        self.screen.show_outbox_result(self.ui.tr("tech.exported", count=summary["count"], path=summary["path"]))

    def _outbox_failed(self, exc: BaseException) -> None:
        if getattr(exc, "code", "") == "cache.passphrase":
            self.screen.show_outbox_result(self.ui.tr("tech.passphrase_short"))
        else:
            self.screen.show_outbox_result(self._fault(exc))

    def _fault(self, exc: BaseException) -> str:
        return f"{self.ui.tr('tech.fault')}: {getattr(exc, 'code', 'error')}"

    def close(self) -> None:
        if self.screen is not None:
            self.screen.clear()
        self.active = False
        self.scan_test = False
