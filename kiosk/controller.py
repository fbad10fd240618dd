"""Qt glue: touches and device events go to the flow machine; its views come back to the window.

Everything here runs on the GUI thread; blocking work goes to the :class:`~hall.qtkit.ops.Runner`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from hall.qtkit.bridge import DeviceHub
from hall.qtkit.ops import Runner
from kiosk.flows.base import Work
from kiosk.flows.machine import KioskMachine
from kiosk.screens.home import QueueLine
from kiosk.screens.overlays import AttractOverlay, CornerHotspot, IdleOverlay, ModalOverlay
from kiosk.technician.desk import TechnicianDesk

log = logging.getLogger(__name__)

ATTRACT_AFTER_S = 45.0
HOME_REFRESH_MS = 15000
HEARTBEAT_MS = 15000  # the dashboard shows a terminal offline after 90 s without one


class KioskController(QObject):
    def __init__(self, window: Any, machine: KioskMachine, *, runner: Runner, hub: DeviceHub,
                 services: Any = None) -> None:
        super().__init__()
        self.window, self.machine, self.runner, self.hub, self.services = window, machine, runner, hub, services
        self.rendered: list[Callable[[str], None]] = []  # observers (benchmarks, technician log)
        self.idle_overlay = IdleOverlay(window)
        self.attract = AttractOverlay(window)
        self.modal = ModalOverlay(window)
        self.modal.chosen.connect(lambda action: self.act(action, None))
        self.online = True
        self.closed_text = ""
        self._last_touch = time.monotonic()
        self._shown: Any = None
        self.hotspot = CornerHotspot(window)
        self.hotspot.long_pressed.connect(self.open_technician)
        self.desk = TechnicianDesk(self)
        window.home.chosen.connect(self.choose)
        window.flow.action.connect(self.act)
        window.top.language_chosen.connect(self.set_language)
        window.top.elderly_toggled.connect(self.set_elderly)
        self.idle_overlay.continued.connect(lambda: self.act("continue", None))
        self.attract.dismissed.connect(self._touched)
        hub.device.connect(self.device_event)
        hub.online.connect(self.set_online)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self.tick)
        self._tick.start(1000)
        self._refresh = QTimer(self)
        self._refresh.timeout.connect(self.refresh_home)
        self._refresh.start(HOME_REFRESH_MS)
        self._beat = QTimer(self)
        self._beat.timeout.connect(self.heartbeat)
        self._beat.start(HEARTBEAT_MS)
        self._beat_busy = False
        self.last_heartbeat: bool | None = None  # whether the last one arrived (technician screen)
        self.access: Any = None  # accessible mode's keypad driver (kiosk.screens.accessible), when on
        if window.ui.accessible:
            from kiosk.screens.accessible import AccessibleKeys

            self.access = AccessibleKeys(window, say=self.say, set_volume=self._set_volume,
                                         panel=self._panel, prompt=self._prompt,
                                         active=lambda: not self.tech_active)
            self.access.page_shown()

    def devices_ready(self) -> None:
        self._refresh_devices()
        if self.access is not None:  # the voice is open now: say the page the citizen is on again
            self.access.announce_again()
        self.heartbeat()  # the dashboard sees the kiosk and its devices as soon as they are open

    def heartbeat(self) -> None:
        """Device statuses (read here, they never block), version and backlog to the dashboard,
        sent off the GUI thread; a beat still on its way is not doubled."""
        if self.services is None or self._beat_busy:
            return
        from kiosk.services import heartbeat_devices

        devices = heartbeat_devices(self.services.devices.statuses())
        self._beat_busy = True
        self.runner.submit(lambda: self.services.heartbeat(devices), self._beat_done, self._beat_failed)

    def _beat_done(self, arrived: Any) -> None:
        self._beat_busy = False
        self.last_heartbeat = bool(arrived)

    def _beat_failed(self, _exc: BaseException) -> None:
        self._beat_busy = False
        self.last_heartbeat = False

    def _refresh_devices(self) -> None:
        if self.services is not None:
            self.services.devices.refresh(self.machine.ctx.devices)

    # -- inputs ------------------------------------------------------------------------------------
    def choose(self, flow: str) -> None:
        self._touched()
        self._follow(self.machine.choose(flow))

    def act(self, action: str, value: Any) -> None:
        self._touched()
        self._follow(self.machine.input(action, value))

    def device_event(self, kind: str, name: str, payload: Any) -> None:
        if self.tech_active:
            self.desk.device_event(kind, name, payload)
            return  # nothing reaches a citizen flow while a technician works
        if kind == "printer" or name == "status_changed":
            if self.services is not None:
                self.services.note_event(kind, name, payload)
            return
        if name in ("card_placed", "code_scanned"):
            self._touched()  # a citizen at the kiosk: the attract loop steps aside
        self._follow(self.machine.device_event(kind, name, payload))

    def set_language(self, lang: str) -> None:
        self._touched()
        self.machine.set_language(lang)
        self.window.set_language(lang)
        self._banner()
        self._render(force=True)

    def set_elderly(self, on: bool) -> None:
        self._touched()
        self.machine.touch()
        self.machine.set_elderly(on)
        self.window.set_elderly(on)
        self._render(force=True)

    def set_online(self, online: bool) -> None:
        self.online = online
        self._banner()

    # -- steps -------------------------------------------------------------------------------------
    def _follow(self, work: Work | None) -> None:
        self._render()
        if work is None:
            return
        gen = self.machine.generation
        self.runner.submit(work.run,
                           lambda result: self._follow(self.machine.complete(work, gen, result=result)),
                           lambda exc: self._follow(self.machine.complete(work, gen, error=exc)))

    def _render(self, *, force: bool = False) -> None:
        """Show the machine's view; the same view is not rebuilt (a page keeps its state, e.g. the
        face preview), unless language or mode changed."""
        m, w = self.machine, self.window
        if w.ui.lang != m.ctx.lang:
            w.set_language(m.ctx.lang)
            force = True
        if w.ui.elderly != m.ctx.elderly:
            w.set_elderly(m.ctx.elderly)
            force = True
        if force or m.view is not self._shown:
            self._shown = m.view
            w.show_view(m.view)
            if self.access is not None:
                self.access.renders += 1
        self._overlay(force=force)
        if m.countdown is None:
            self.idle_overlay.hide()
        if self.access is not None:  # after the event loop has shown the new page's (or panel's) buttons
            QTimer.singleShot(0, self.access.page_shown)
        self._speak()
        for observer in self.rendered:
            observer(m.view.screen)

    def _overlay(self, *, force: bool = False) -> None:
        """呼叫帮助 or "leave now?" over the screen, as the machine says."""
        m, ui = self.machine, self.window.ui
        if m.overlay == "help":
            key = {"busy": "busy.calling", "called": "help.called", "queued": "help.queued",
                   "failed": "help.failed"}[m.help_state or "busy"]
            buttons = [] if m.help_state == "busy" else [("close_help", "action.back_to_screen")]
        elif m.overlay == "confirm_home":
            key, buttons = "confirm.home", [("keep_working", "action.keep_working"), ("leave", "action.leave")]
        else:
            self.modal.close_panel()
            return
        if force or key != self.modal.shown_key or not self.modal.isVisible():
            self.modal.show_message(key, buttons, ui)
        self.hotspot.raise_()

    def _speak(self) -> None:
        while self.machine.spoken:
            text = self.machine.spoken.pop(0)
            if self.access is None or text != self._prompt():  # accessible mode says the prompt itself
                self.say(text)

    def say(self, text: str) -> None:
        """Queue ``text`` on the voice device (off the GUI thread); the wheelchair layout shows it too."""
        self.window.show_caption(text)
        voice = getattr(self.services, "voice", None)
        if voice is not None and text:
            self.runner.fire(partial(voice.say, text))

    # -- accessible mode (issue 14.8) ---------------------------------------------------------------
    def _set_volume(self, level: int) -> None:
        voice = getattr(self.services, "voice", None)
        if voice is not None:
            voice.set_volume(level)

    def _panel(self) -> Any:
        """The panel over the page that takes the keys first (呼叫帮助, "leave now?", idle countdown)."""
        for overlay in (self.modal, self.idle_overlay):
            if overlay.isVisible():
                return overlay
        return None

    def _prompt(self) -> str:
        """The spoken prompt of what is shown: a panel's message, the page's prompt, home's key guide."""
        from kiosk.i18n import has, tr

        panel, lang, view = self._panel(), self.machine.ctx.lang, self.machine.view
        if panel is self.modal:
            return str(self.modal.message.text())
        if panel is not None:
            return " ".join(lab.text() for lab in panel.findChildren(QLabel) if lab.isVisible() and lab.text())
        if view.screen == "home":
            return tr(lang, "a11y.intro")
        if view.prompt and has(lang, view.prompt):
            return tr(lang, view.prompt, **view.prompt_values)
        flow = self.window.flow
        return " ".join(t for t in (flow.title.text(), flow.prompt.text()) if t)

    # -- timers ------------------------------------------------------------------------------------
    def _touched(self) -> None:
        self._last_touch = time.monotonic()
        if self.attract.isVisible():
            self.attract.stop()

    def tick(self) -> None:
        self._refresh_devices()
        if self.tech_active:
            self.desk.refresh()
            if time.monotonic() - self._last_touch > max(120.0, self.machine.idle.timeout_s):
                self.close_technician()
            return
        before = self.machine.view
        self.machine.tick()
        if self.machine.view is not before:
            self.idle_overlay.hide()
            self._render()
            return
        if self.machine.countdown is not None:
            self.idle_overlay.show_seconds(self.machine.countdown, self.window.ui)
            if self.access is not None:  # "still there?" is said once, when it appears
                QTimer.singleShot(0, self.access.page_shown)
        else:
            self.idle_overlay.hide()
        at_home = self.machine.view.screen == "home"
        if at_home and time.monotonic() - self._last_touch > ATTRACT_AFTER_S and not self.attract.isVisible():
            self.attract.start(self.window.ui, self.window.top.hall_name_for(self.window.ui.lang))

    def refresh_home(self) -> None:
        """Queue lengths and opening hours for the home screen, fetched off the GUI thread."""
        hall = self.machine.ctx.hall
        self.runner.submit(lambda: (hall.opening(), hall.categories()), self._home_data,
                           lambda _exc: self.window.home.set_queue(None, unavailable=True))

    def _home_data(self, result: Any) -> None:
        opening, categories = result
        self.window.home.set_queue([QueueLine(c.code, c.name_zh, c.name_en, c.waiting) for c in categories])
        self.closed_text = "" if opening.open else opening.opens_at or "-"
        self._banner()

    def _banner(self) -> None:
        ui = self.window.ui
        if not self.online:
            # honest: offline numbers need the lines this kiosk has kept; without them, say so
            known = getattr(self.machine.ctx.hall, "has_offline_data", lambda: True)()
            self.window.banner.show_text(ui.tr("banner.offline" if known else "banner.offline_no_data"))
        elif self.closed_text:
            self.window.banner.show_text(ui.tr("banner.closed", opens=self.closed_text))
        else:
            self.window.banner.show_text(None)

    # -- technician screen (kiosk.technician.desk) -----------------------------------------------
    @property
    def tech(self) -> Any:
        return self.desk.screen

    @property
    def tech_active(self) -> bool:
        return self.desk.active

    def touched(self) -> None:
        self._touched()

    def open_technician(self) -> None:
        if not self.desk.enabled:
            return  # no PIN configured: the technician screen is disabled
        self._touched()
        self.machine.go_home("technician")  # a citizen's session never survives into the technician screen
        self.idle_overlay.hide()
        self.desk.open()
        if self.access is not None:
            self.access.suspend()
        self.hotspot.raise_()

    def close_technician(self) -> None:
        self.desk.close()
        self.machine.go_home("technician")
        self._render(force=True)

    def close(self) -> None:
        """Stop timers, stop listening, close devices and the outbox (the window may stay)."""
        self._tick.stop()
        self._refresh.stop()
        self._beat.stop()
        if self.access is not None:
            self.access.close()
        self.hub.device.disconnect(self.device_event)
        self.runner.shutdown()
        if self.services is not None:
            self.services.close()
