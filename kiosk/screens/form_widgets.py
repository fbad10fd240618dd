"""Touch inputs of the application form beyond the numeric keypad: the credit code pad, the date
steppers and the free-text box (typed on Qt's on-screen pinyin keyboard, see docs/kiosk.md)."""

from __future__ import annotations

import calendar
from datetime import date
from functools import partial

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.flows.form import CREDIT_CHARS
from kiosk.screens.base import UiContext
from kiosk.screens.widgets import TypedValue, button, text_label

KEYBOARD_PX = 600  # the on-screen keyboard's height on a 1920-wide screen, when it does not say
LABEL_ROOM_PX = 60  # the field's label stays in view above the box
LAYOUT_MS = 100


class CodePad(TypedValue, QWidget):
    """The 18 characters of a unified social credit code: digits and the 26 letters less I, O, S, V, Z
    (GB 32100 never uses them, so they are not offered), with delete, clear and a submit key."""

    submitted = Signal(str)

    def __init__(self, ui: UiContext, *, submit_text: str, initial: str = "", max_len: int = 18) -> None:
        super().__init__()
        self.value, self.max_len = initial.upper()[:max_len], max_len
        self.display = text_label("", "KeypadDisplay", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        grid.setSpacing(6 if ui.compact else 8)
        # nine a row: 27 characters on three rows, the last four with delete, clear and submit on a fourth,
        # so the pad is no taller than the numeric keypad
        cols = 9
        for i, key in enumerate(CREDIT_CHARS):
            grid.addWidget(button(key, role="key", on_click=partial(self.press, key), expand=True), i // cols, i % cols)
        last, used = divmod(len(CREDIT_CHARS), cols)
        self.delete_btn = button(ui.tr("action.keypad_delete"), role="key", expand=True,
                                 on_click=partial(self.press, "⌫"))
        grid.addWidget(self.delete_btn, last, used, 1, 2)
        self.ok_btn = button(submit_text, role="primary", expand=True, on_click=lambda: self.submitted.emit(self.value))
        grid.addWidget(self.ok_btn, last, used + 2, 1, cols - used - 2)
        for c in range(cols):
            grid.setColumnStretch(c, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6 if ui.compact else 10)
        top = QHBoxLayout()  # clear sits next to what it clears
        top.addWidget(self.display, 1)
        self.clear_btn = button(ui.tr("action.keypad_clear"), role="secondary", on_click=self.clear)
        top.addWidget(self.clear_btn)
        lay.addLayout(top)
        lay.addLayout(grid, 1)
        self._show()

    def accepts(self, key: str) -> bool:
        return key in CREDIT_CHARS

    def _show(self) -> None:
        v = self.value  # a company's code is public (on its licence): shown in full, in groups of six
        self.display.setText(" ".join(v[i:i + 6] for i in range(0, len(v), 6)) or "—")


class DatePicker(QWidget):
    """A date set with large − / + steppers for year, month and day (no typing); the day follows the
    month's length. Emits ``YYYY-MM-DD`` with its submit key."""

    submitted = Signal(str)

    def __init__(self, ui: UiContext, *, submit_text: str, initial: str = "", today: str = "") -> None:
        super().__init__()
        self.day = _parse(initial) or _parse(today) or date.today()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6 if ui.compact else 10)
        self.display = text_label("", "KeypadDisplay", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.ui = ui
        self.steppers: list[tuple[QPushButton, str, str]] = []
        for r, part in enumerate(("year", "month", "day")):
            for c, (sign, way, by) in enumerate((("−", "earlier", -1), ("+", "later", 1))):
                b = button(sign, role="key", expand=True, on_click=partial(self.step, part, by))
                grid.addWidget(b, r, 2 * c)
                self.steppers.append((b, part, way))
            grid.addWidget(text_label(ui.tr(f"form.date.{part}"), "Headline", align=Qt.AlignmentFlag.AlignCenter),
                           r, 1)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        lay.addLayout(grid, 1)
        self.ok_btn = button(submit_text, role="primary", expand=True,
                             on_click=lambda: self.submitted.emit(self.day.isoformat()))
        lay.addWidget(self.ok_btn)
        self._show()

    def step(self, part: str, by: int) -> None:
        y, m, d = self.day.year, self.day.month, self.day.day
        if part == "year":
            y = min(9999, max(1, y + by))
        elif part == "month":
            m = (m - 1 + by) % 12 + 1
        else:
            d = (d - 1 + by) % calendar.monthrange(y, m)[1] + 1
        self.day = date(y, m, min(d, calendar.monthrange(y, m)[1]))
        self._show()

    def _show(self) -> None:
        self.display.setText(self.day.isoformat())
        for b, part, way in self.steppers:  # read aloud in accessible mode: which part, which way, the date now
            b.setAccessibleName(f"{self.ui.tr(f'form.date.{part}')} {self.ui.tr(f'form.date.{way}')} "
                                f"{self.day.isoformat()}")


def _parse(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class TextEntry(QWidget):
    """A free-text box with its confirm key. With ``QT_IM_MODULE=qtvirtualkeyboard`` (the kiosk launcher
    sets it) touching the box raises Qt's on-screen keyboard with pinyin input."""

    submitted = Signal(str)

    def __init__(self, ui: UiContext, *, submit_text: str, initial: str = "", max_len: int = 100) -> None:
        super().__init__()
        self.edit = QLineEdit(initial)
        self.edit.setObjectName("TextEntry")
        self.edit.setMaxLength(max_len)
        self.edit.setMinimumHeight(ui.theme.touch_px)
        self.edit.returnPressed.connect(lambda: self.submitted.emit(self.edit.text()))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        self.ok_btn = button(submit_text, role="primary", on_click=lambda: self.submitted.emit(self.edit.text()))
        row.addWidget(self.ok_btn)
        QGuiApplication.inputMethod().visibleChanged.connect(self._keyboard_changed)  # dropped with this widget

    def _area(self) -> QScrollArea | None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent

    def _keyboard_changed(self) -> None:
        """The on-screen keyboard covers the lower part of the screen: while it shows, the form gets room
        below its last field and the box being typed into moves to the top of the form, above the keys."""
        keyboard, area = QGuiApplication.inputMethod(), self._area()
        inner = area.widget() if area is not None else None
        lay = inner.layout() if inner is not None else None
        if lay is None:
            return
        if not keyboard.isVisible():
            lay.setContentsMargins(0, 0, 0, 0)
        elif self.edit.hasFocus():
            lay.setContentsMargins(0, 0, 0, int(keyboard.keyboardRectangle().height()) or KEYBOARD_PX)
            QTimer.singleShot(LAYOUT_MS, self._scroll_up)  # once the room below is laid out

    def _scroll_up(self) -> None:
        area = self._area()
        inner = area.widget() if area is not None else None
        if area is not None and inner is not None:
            top = self.mapTo(inner, QPoint(0, 0)).y()
            area.verticalScrollBar().setValue(max(0, top - LABEL_ROOM_PX))
