"""The kiosk under test: real Qt screens offscreen, real device twins, a real hall server process.

``kiosk`` builds the window and wires it exactly as ``python main.py kiosk`` does, but hands in
the twins so a test can place cards, present QR codes, run the printer out of paper, etc.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from config import load_settings
from kiosk.app import build_window
from kiosk.services import start_services
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import citizen_budget_under_load, qt_wait_until


@dataclass
class KioskRig:
    window: Any
    controller: Any
    drivers: dict[str, Any]
    qtbot: Any
    server: HallServer | None

    # -- looking -------------------------------------------------------------------------------
    @property
    def hall(self) -> HallServer:
        """The hall server this kiosk talks to; a test of a kiosk made without one fails here."""
        assert self.server is not None, "this kiosk was made without a hall server"
        return self.server

    @property
    def machine(self) -> Any:
        return self.controller.machine

    @property
    def screen(self) -> str:
        return str(self.machine.view.screen)

    def texts(self) -> list[str]:
        stack = self.window.stack.currentWidget()
        widgets = stack.findChildren(QLabel) + stack.findChildren(QAbstractButton)
        return [w.text() for w in widgets if w.isVisibleTo(self.window) and w.text()]

    def button(self, text: str) -> QAbstractButton:
        stack = self.window.stack.currentWidget()
        modal = self.controller.modal  # a panel over the screen (呼叫帮助, "leave now?") takes touches first
        buttons = modal.findChildren(QAbstractButton) if modal.isVisible() else stack.findChildren(QAbstractButton)
        for b in buttons:
            label = b.text() or b.accessibleName()  # wrapped buttons carry their text in a child label
            if b.isVisibleTo(self.window) and label.startswith(text):
                return b
        raise AssertionError(f"no button {text!r} among {self.texts()}")

    # -- doing ---------------------------------------------------------------------------------
    def tap(self, widget_or_text: Any) -> None:
        """Click a widget, or the visible button whose text starts with the given text — once it is on
        screen (a busy machine may paint the new screen a moment after the flow reached it)."""
        if isinstance(widget_or_text, str):
            text = widget_or_text
            found: list[QAbstractButton] = []

            def on_screen() -> bool:
                found.append(self.button(text))  # AssertionError (not yet) until it is there
                return True

            qt_wait_until(self.qtbot, on_screen, timeout=5000, what=f"the button {text!r} on screen")
            widget_or_text = found[-1]
        self.qtbot.mouseClick(widget_or_text, Qt.MouseButton.LeftButton)

    def tile(self, tile_id: str) -> None:
        self.qtbot.mouseClick(self.window.home.tiles[tile_id], Qt.MouseButton.LeftButton)

    def wait_screen(self, screen: str, timeout_ms: int = 10000) -> None:
        qt_wait_until(self.qtbot, lambda: self.screen == screen and self.controller.runner.pending == 0,
                                  timeout=timeout_ms)

    def wait_for(self, cond: Callable[[], bool], timeout_ms: int = 10000) -> None:
        qt_wait_until(self.qtbot, cond, timeout=timeout_ms)


def kiosk_settings(tmp_path: Path, server: HallServer | None, **overrides: str) -> Any:
    url = server.url if server else "http://127.0.0.1:9"
    token = server.tokens.get("terminal", "") if server else ""
    sets = [f'hall.server_url="{url}"', f'terminal.token="{token}"', "kiosk.fullscreen=false",
            f'cache.db_path="{tmp_path / "outbox.db"}"', f'cache.attachments_dir="{tmp_path / "files"}"',
            f'cache.key_file="{tmp_path / "outbox.key"}"', 'kiosk.technician_pin="246810"',
            *(f"{k}={v}" for k, v in overrides.items())]
    return citizen_budget_under_load(load_settings(None, sets))


def twins(tmp_path: Path, *, ss_card: bool = False, poll_s: float = 0.05) -> dict[str, Any]:
    """The real twins: GA 467 emulator on a pty, capture printer, file cameras, simulated scanner, espeak
    writing WAV files."""
    from devices.twins.camera.file_camera import SAMPLES_DIR, FileCamera
    from devices.twins.code_scanner.simulated import SimulatedCodeScanner
    from devices.twins.doc_camera.file_doc_camera import FileDocCamera
    from devices.twins.id_card.emulated import EmulatedGa467Reader
    from devices.twins.printer.capture import CapturePrinter
    from devices.voice.espeak import EspeakVoice

    drivers: dict[str, Any] = {
        "id_card": EmulatedGa467Reader(card=None, poll_interval_s=poll_s),
        "code_scanner": SimulatedCodeScanner(debounce_s=0.0),
        "camera": FileCamera(source=str(SAMPLES_DIR / "face_centred.jpg"), fps=15.0),
        "doc_camera": FileDocCamera(),
        "printer": CapturePrinter(status_poll_s=0),
        # espeak says any prompt (the clip twins only know calling phrases); WAVs land in tmp_path
        "voice": EspeakVoice(output_dir=str(tmp_path / "voice"), repeat=1),
    }
    if ss_card:
        from devices.twins.ss_card.emulated import EmulatedPcscReader

        drivers["ss_card"] = EmulatedPcscReader(insert_on_start=False, poll_interval_s=0.1)
    return drivers


@pytest.fixture
def make_kiosk(qtbot: Any, tmp_path: Path, cjk_fonts: list[str]) -> Iterator[Callable[..., KioskRig]]:
    rigs: list[KioskRig] = []

    def make(server: HallServer | None, *, drivers: dict[str, Any] | None = None, elderly: bool = False,
             **overrides: str) -> KioskRig:
        settings = kiosk_settings(tmp_path, server, **overrides)
        window = build_window(settings, elderly=elderly)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        drivers = twins(tmp_path) if drivers is None else drivers
        controller = start_services(window, settings, drivers=drivers)
        rig = KioskRig(window, controller, drivers, qtbot, server)
        rigs.append(rig)
        qt_wait_until(qtbot, lambda: controller.runner.pending == 0, timeout=15000)
        return rig

    yield make
    for rig in rigs:
        rig.controller.close()
    for rig in rigs:  # work already running ends (its callbacks are dropped) before the next test starts
        rig.controller.runner._pool.shutdown(wait=True)
    QApplication.processEvents()


@pytest.fixture
def kiosk(make_kiosk: Callable[..., KioskRig], hall_server_shared: HallServer) -> KioskRig:
    """A kiosk on the module's shared server (tests must not depend on an empty queue)."""
    return make_kiosk(hall_server_shared)
