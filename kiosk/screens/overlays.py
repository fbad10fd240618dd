"""Overlays over the whole window: the idle countdown and the attract loop on an unused kiosk."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.screens.base import UiContext, label
from kiosk.screens.widgets import button, text_label


class IdleOverlay(QWidget):
    """"Are you still there?" with the seconds left; a touch anywhere continues."""

    continued = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("IdleOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        panel = QWidget()
        panel.setObjectName("IdlePanel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.panel = panel
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(60, 48, 60, 48)
        inner.setSpacing(24)
        self.title = text_label("", "Title", align=Qt.AlignmentFlag.AlignCenter)
        self.message = text_label("", "Headline", align=Qt.AlignmentFlag.AlignCenter)
        self.button = button("", role="primary", on_click=self.continued.emit)
        inner.addWidget(self.title)
        inner.addWidget(self.message)
        inner.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(panel, 0, Qt.AlignmentFlag.AlignCenter)
        lay.addStretch(1)
        self.hide()

    def show_seconds(self, seconds: float, ui: UiContext) -> None:
        self.title.setText(ui.tr("idle.title"))
        self.message.setText(ui.tr("idle.message", seconds=int(seconds)))
        self.button.setText(ui.tr("action.continue"))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
            fit_panel(self.panel, parent)
        self.raise_()
        self.show()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.continued.emit()


def fit_panel(panel: QWidget, parent: QWidget) -> None:
    """A centred panel at a fixed size: its wrapped text gets the height its width needs (a centred
    widget is otherwise given its size hint, which knows nothing of wrapping)."""
    width = min(1000, parent.width() - 80)
    panel.setFixedWidth(width)
    for child in panel.findChildren(QWidget):
        child.ensurePolished()  # the style sheet's font sizes, before measuring
    lay = panel.layout()
    if lay is not None:
        panel.setFixedHeight(min(parent.height() - 40, lay.totalHeightForWidth(width)))


class ModalOverlay(QWidget):
    """A panel over the current screen (呼叫帮助, "leave now?"): the screen underneath stays as it was
    and is back exactly so when the panel closes. Emits ``chosen(action)`` for its buttons."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("IdleOverlay")  # the same dimmed backdrop
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        panel = QWidget()
        panel.setObjectName("IdlePanel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.panel = panel
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(60, 48, 60, 48)
        inner.setSpacing(24)
        self.message = text_label("", "Headline", align=Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.message)
        self._row = QHBoxLayout()
        self._row.setSpacing(24)
        inner.addLayout(self._row)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(panel, 0, Qt.AlignmentFlag.AlignCenter)
        lay.addStretch(1)
        self.shown_key = ""
        self.hide()

    def show_message(self, key: str, buttons: list[tuple[str, str]], ui: UiContext) -> None:
        """Show ``key``'s text with (action, label key) buttons; the first is the primary one."""
        self.shown_key = key
        self.message.setText(ui.tr(key))
        while self._row.count():
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._row.addStretch(1)
        for i, (action, label_key) in enumerate(buttons):
            self._row.addWidget(button(ui.tr(label_key), role="primary" if i == 0 else "secondary",
                                       on_click=partial(self.chosen.emit, action)))
        self._row.addStretch(1)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
            fit_panel(self.panel, parent)
        self.raise_()
        self.show()

    def close_panel(self) -> None:
        self.shown_key = ""
        self.hide()


class AttractOverlay(QWidget):
    """Shown on the home screen when nobody uses the kiosk: calm rotating lines; a touch dismisses."""

    dismissed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("AttractOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.big = label("AttractBig", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.small = label("AttractSmall", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.big)
        lay.addSpacing(30)
        lay.addWidget(self.small)
        lay.addStretch(1)
        self._lines: list[tuple[str, str]] = []
        self._i = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._next)
        self.hide()

    def start(self, ui: UiContext, hall: str) -> None:
        self._lines = [(ui.tr("attract.line1", hall=hall), ui.tr("attract.line2")),
                       (ui.tr("home.tile.take_number"), ui.tr("home.tile.take_number.sub")),
                       (ui.tr("home.tile.submit"), ui.tr("home.tile.submit.sub")),
                       (ui.tr("home.tile.help"), ui.tr("home.tile.help.sub"))]
        self._i = -1
        self._next()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self._timer.start(5000)

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    def _next(self) -> None:
        self._i = (self._i + 1) % len(self._lines)
        big, small = self._lines[self._i]
        self.big.setText(big)
        self.small.setText(small)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.stop()
        self.dismissed.emit()


class CornerHotspot(QWidget):
    """An invisible square in the top-left corner: holding it for ``hold_ms`` opens the technician PIN."""

    long_pressed = Signal()

    def __init__(self, parent: QWidget, *, size: int = 96, hold_ms: int = 3000) -> None:
        super().__init__(parent)
        self.setObjectName("CornerHotspot")
        self.setGeometry(0, 0, size, size)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.long_pressed.emit)
        self.raise_()
        self.show()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._timer.start()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._timer.stop()
