"""The technician screen: PIN, then device statuses, a test per device, outbox, recent errors.

Reached by a long press on the top-left corner. It shows no personal data: card tests print a
masked ID, scan tests only the code type and length, and everything is cleared on exit.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.flows.pin_lock import Attempt, PinLock
from kiosk.screens.base import Screen, UiContext, label
from kiosk.screens.widgets import Keypad, button, card, text_label

KINDS = ("id_card", "ss_card", "code_scanner", "camera", "doc_camera", "printer", "voice")


class TechnicianScreen(Screen):
    screen_id = "technician"
    exit_requested = Signal()
    test_requested = Signal(str)
    pin_ok = Signal()
    # every PIN attempt (kiosk.flows.pin_lock.Attempt), for the audit log and the dashboard alert
    pin_attempt = Signal(object)
    # ("retry", "") or ("export", passphrase): the technician's actions on dead outbox records
    outbox_requested = Signal(str, str)

    def __init__(self, *, lock: PinLock, version: str) -> None:
        super().__init__()
        self.lock, self.version = lock, version
        self._ui = UiContext()
        self.stack = QStackedWidget()
        self.pin_page = QWidget()
        self.panel = QWidget()
        self.pass_page = QWidget()
        self.stack.addWidget(self.pin_page)
        self.stack.addWidget(self.panel)
        self.stack.addWidget(self.pass_page)
        self.title = label("Title")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 24, 48, 24)
        lay.addWidget(self.title)
        lay.addWidget(self.stack, 1)
        self.results: dict[str, QLabel] = {}
        self.test_buttons: dict[str, Any] = {}
        self.status_labels: dict[str, QLabel] = {}
        self.preview = QLabel()
        self.outbox = text_label("", "Body")
        self.errors = text_label("", "Muted")
        self.dead = text_label("", "Muted")
        self.held = text_label("", "Muted")  # offline numbers the server found taken: a person must look
        self.disk = text_label("", "Notice")  # the outbox's full-disk fault
        self.outbox_result = text_label("", "Notice")
        self.outbox_buttons: dict[str, Any] = {}
        self.keypad: Keypad | None = None
        self.pass_pad: Keypad | None = None
        self.passphrase_preset = False  # HALL_EXPORT_PASSPHRASE is set: export needs no typing

    # -- PIN -----------------------------------------------------------------------------------
    def ask_pin(self, ui: UiContext) -> None:
        self._ui = ui
        self.clear()
        self.title.setText(ui.tr("tech.pin"))
        old = self.pin_page.layout()
        if old is not None:
            QWidget().setLayout(old)  # reparent the old layout away so it is deleted
        lay = QVBoxLayout(self.pin_page)
        self.keypad = Keypad(ui, max_len=12, allow_x=False)
        self.keypad.setMaximumWidth(700)
        self.keypad.submitted.connect(self._check_pin)
        lay.addWidget(self.keypad, 1, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(button(ui.tr("tech.exit"), on_click=self.exit_requested.emit), 0, Qt.AlignmentFlag.AlignHCenter)
        self.stack.setCurrentWidget(self.pin_page)
        wait = self.lock.wait_s()
        if wait > 0:
            self.title.setText(self._locked_text(wait))

    def _locked_text(self, wait_s: float) -> str:
        return self._ui.tr("tech.pin_locked", wait=_duration(wait_s, self._ui.lang))

    def _check_pin(self, value: str) -> None:
        """The lock decides (kiosk/flows/pin_lock.py); the typed PIN is cleared and never kept."""
        if self.keypad is not None:
            self.keypad.clear()
        attempt: Attempt = self.lock.attempt(value)
        self.pin_attempt.emit(attempt)
        if attempt.ok:
            self.show_panel(self._ui)
            self.pin_ok.emit()
            return
        self.title.setText(self._locked_text(attempt.wait_s) if attempt.wait_s > 0 else self._ui.tr("tech.pin_wrong"))

    # -- panel ---------------------------------------------------------------------------------
    def show_panel(self, ui: UiContext) -> None:
        self.title.setText(ui.tr("tech.title"))
        old = self.panel.layout()
        if old is not None:
            QWidget().setLayout(old)
        row = QHBoxLayout(self.panel)
        box, col = card()
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for r, kind in enumerate(KINDS):
            grid.addWidget(text_label(ui.tr(f"tech.kind.{kind}"), "Section", wrap=False), r, 0)
            self.status_labels[kind] = text_label("", "Body")
            grid.addWidget(self.status_labels[kind], r, 1)
            self.test_buttons[kind] = button(ui.tr(f"tech.test.{kind}"),
                                             on_click=partial(self.test_requested.emit, kind))
            grid.addWidget(self.test_buttons[kind], r, 2)
            self.results[kind] = text_label("", "Muted")
            grid.addWidget(self.results[kind], r, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        col.addLayout(grid)
        row.addWidget(box, 3)
        side, scol = card()
        scol.addWidget(text_label(ui.tr("tech.outbox"), "Section"))
        scol.addWidget(self.outbox)
        scol.addWidget(self.dead)
        scol.addWidget(self.held)
        scol.addWidget(self.disk)
        acts = QHBoxLayout()
        for action in ("retry", "export"):
            self.outbox_buttons[action] = button(ui.tr(f"tech.{action}_dead"),
                                                 on_click=partial(self._outbox, action))
            acts.addWidget(self.outbox_buttons[action])
        scol.addLayout(acts)
        scol.addWidget(self.outbox_result)
        scol.addWidget(text_label(ui.tr("tech.errors"), "Section"))
        scol.addWidget(self.errors, 1)
        scol.addWidget(self.preview)
        scol.addWidget(text_label(ui.tr("tech.version", version=self.version), "Muted"))
        scol.addWidget(button(ui.tr("tech.exit"), role="primary", on_click=self.exit_requested.emit))
        row.addWidget(side, 2)
        self.stack.setCurrentWidget(self.panel)

    def _outbox(self, action: str) -> None:
        if action == "export" and not self.passphrase_preset:
            self.ask_passphrase(self._ui)
            return
        self.outbox_requested.emit(action, "")

    def ask_passphrase(self, ui: UiContext) -> None:
        """The bundle's passphrase on the keypad (digits, at least 12); it never reaches a log."""
        old = self.pass_page.layout()
        if old is not None:
            QWidget().setLayout(old)
        lay = QVBoxLayout(self.pass_page)
        lay.addWidget(text_label(ui.tr("tech.passphrase"), "Headline"))
        self.pass_pad = Keypad(ui, max_len=32, allow_x=False, submit_text=ui.tr("tech.export_dead"),
                               cancellable=True)
        self.pass_pad.setMaximumWidth(700)
        self.pass_pad.submitted.connect(self._passphrase_given)
        self.pass_pad.cancelled.connect(lambda: self.stack.setCurrentWidget(self.panel))
        lay.addWidget(self.pass_pad, 1, Qt.AlignmentFlag.AlignHCenter)
        self.stack.setCurrentWidget(self.pass_page)

    def _passphrase_given(self, value: str) -> None:
        if self.pass_pad is not None:
            self.pass_pad.clear()
        self.stack.setCurrentWidget(self.panel)
        self.outbox_requested.emit("export", value)

    def show_outbox_result(self, text: str) -> None:
        self.outbox_result.setText(text)

    def set_statuses(self, statuses: dict[str, Any], ui: UiContext) -> None:
        for kind, st in statuses.items():
            if kind in self.status_labels:
                msg = st.message_zh if ui.lang == "zh_CN" else st.message_en
                self.status_labels[kind].setText(f"{st.health.value} · {st.code} · {msg}")

    def set_outbox(self, backlog: dict[str, Any], errors: list[str], dead: list[str] | None = None) -> None:
        self.outbox.setText("\n".join(f"{k}: {v}" for k, v in backlog.items()) or "-")
        self.errors.setText("\n".join(errors[-8:]) or "-")
        if dead is not None:
            self.dead.setText("\n".join(dead[:8]) or self._ui.tr("tech.dead_none"))

    def set_attention(self, held: list[str], disk_fault: str | None) -> None:
        """Held records (the server's 409 ``ticket.offline_number_taken``: kept, retried slowly, never
        dead) and the full-disk fault; first lines only, so the panel keeps its size."""
        self.held.setText(self._ui.tr("tech.held", count=len(held)) + ("\n" + "\n".join(held[:5]) if held else ""))
        self.disk.setText(self._ui.tr("tech.disk_full", code=disk_fault) if disk_fault else "")

    def show_result(self, kind: str, text: str, image: Any = None) -> None:
        if kind in self.results:
            self.results[kind].setText(text)
        if image is not None:
            h, w = image.shape[:2]
            rgb = image[:, :, ::-1].copy()
            img = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
            self.preview.setPixmap(QPixmap.fromImage(img).scaledToWidth(320))

    def retranslate(self, ui: UiContext) -> None:
        self._ui = ui

    def clear(self) -> None:
        """Forget every result and preview (called on exit)."""
        for lab in self.results.values():
            lab.clear()
        self.preview.clear()
        self.errors.clear()
        self.dead.clear()
        self.held.clear()
        self.disk.clear()
        self.outbox_result.clear()
        for pad in (self.keypad, self.pass_pad):
            if pad is not None:
                pad.clear()


def _duration(seconds: float, lang: str) -> str:
    """A wait in the screen's language (``tech.unit.*``: seconds below 2 min, then minutes), rounded up."""
    from kiosk.i18n import tr

    s = max(1, int(-(-seconds // 1)))
    value, unit = (s, "s") if s < 120 else ((s + 59) // 60, "min")
    return tr(lang, f"tech.unit.{unit}", n=value)
