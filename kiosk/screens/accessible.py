"""Accessible mode on screen (issue 14.8): keypad keys and the screen's edges drive the shown page.

The logic (focus, keys, volume, what is said) is :class:`kiosk.flows.keypad.KeypadNavigator`; this
module only lists the visible controls of the page (or of the panel over it), carries out the
navigator's outcomes by clicking the very buttons a finger would, rings the focused control for a
citizen with low vision, and hands every text to ``say`` (the controller queues it on the voice device).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.flows.keypad import KeypadNavigator

EDGE_PX = 28  # the strips along the screen's edges that act as keys (thin: they sit over the page)
CORNER_PX = 120  # the top-left corner stays free: the technician's long-press hotspot lives there

QT_KEYS: dict[int, str] = {
    Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right",
    Qt.Key.Key_Enter: "enter", Qt.Key.Key_Return: "enter", Qt.Key.Key_Plus: "plus",
    Qt.Key.Key_Minus: "minus", Qt.Key.Key_Asterisk: "star", Qt.Key.Key_Backspace: "backspace",
    Qt.Key.Key_Delete: "backspace", Qt.Key.Key_Period: "backspace",
    **{getattr(Qt.Key, f"Key_{d}"): f"digit:{d}" for d in "0123456789"},
}


def key_name(event: QKeyEvent) -> str:
    """The navigator's name for a key of a USB numeric keypad (or a keyboard), "" for other keys."""
    return QT_KEYS.get(event.key(), "")


class EdgeStrip(QWidget):
    """A thin strip along one edge of the screen; a touch on it is the key it stands for."""

    touched = Signal(str)

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName("A11yEdge")
        self.name = name

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit(self.name)
        event.accept()


class FocusRing(QWidget):
    """A thick frame drawn over the focused control; touches pass through it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("A11yFocus")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.hide()


class AccessibleKeys(QObject):
    """Keys of the numeric keypad and touches of the edges for ``window``; ``panel()`` names the panel
    shown over the page (or None) and ``prompt()`` the page's spoken prompt."""

    def __init__(self, window: Any, *, say: Callable[[str], None], set_volume: Callable[[int], None],
                 panel: Callable[[], QWidget | None], prompt: Callable[[], str],
                 active: Callable[[], bool] = lambda: True) -> None:
        super().__init__(window)
        self.active = active  # False while the technician screen is open: its keys are the technician's
        self.window, self.say, self.set_volume = window, say, set_volume
        self.panel, self.prompt = panel, prompt
        self.nav = KeypadNavigator(lang=window.ui.lang)
        self.controls: list[QAbstractButton] = []
        self.ring = FocusRing(window)
        self.edges = {name: EdgeStrip(window, name) for name in ("edge_left", "edge_right", "edge_top", "edge_bottom")}
        for edge in self.edges.values():
            edge.touched.connect(self.key)
        self._page_id: tuple[int, int, str] | None = None
        self.renders = 0  # counted by the controller each time a new view is rendered: a new page
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.place_edges()

    def announce_again(self) -> None:
        """Say the current page as if it were new (the voice device has just opened)."""
        self._page_id = None
        self.page_shown()

    def suspend(self) -> None:
        """The technician screen opened: no ring, no edge strips (they would take its touches)."""
        self.ring.hide()
        for edge in self.edges.values():
            edge.hide()
        self._page_id = None  # back from it, the page is announced again

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- inputs --------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self._ours(obj)
                and self.active()):
            name = key_name(event)
            if name:
                self.key(name)
                return True
        elif event.type() == QEvent.Type.Resize and obj is self.window:
            self.place_edges()
        return False

    def key(self, name: str) -> None:
        """One key (or edge) of the citizen; a page that changed under us is announced first."""
        if not self.active():
            return
        self.page_shown()
        out = self.nav.key(name)
        if out.volume is not None:
            self.set_volume(out.volume)
        if out.press is not None and out.press < len(self.controls):
            self.controls[out.press].click()
            return
        pad = self._keypad()
        if pad is not None and (out.type_digit or out.delete):
            before = len(pad.value)
            pad.press(out.type_digit or "⌫")
            typed = out.type_digit if len(pad.value) > before else ""
            self.say(self.nav.typed(len(pad.value), digit=typed))
            return
        self._ring()
        if out.say:
            self.say(out.say)

    # -- the page ------------------------------------------------------------------------------
    def page_shown(self, *, speak: bool = True) -> None:
        """After every render: a new page (or panel) is announced from its first control; the same
        page keeps the focus on its control."""
        if not self.active():
            self.suspend()
            return
        self.nav.lang = self.window.ui.lang
        root = self._root()
        self.controls = self._controls(root)
        labels = [label_of(b) for b in self.controls]
        panel = root is not self.window.stack
        # a panel is new when its message or its buttons change (呼叫帮助: busy, then called with 返回)
        page_id = (self.renders, id(root) if panel else 0, "\n".join([self.prompt(), *labels]) if panel else "")
        if page_id != self._page_id:
            self._page_id = page_id
            said = self.nav.page(labels, prompt=self.prompt(), typing=self._keypad() is not None)
            if speak:
                self.say(said)
        else:
            self.nav.refresh(labels)
        self._ring()
        self.place_edges()

    def _root(self) -> QWidget:
        panel = self.panel()
        return panel if panel is not None and panel.isVisible() else self.window.stack

    def _controls(self, root: QWidget) -> list[QAbstractButton]:
        from kiosk.screens.form_widgets import CodePad

        pad = self._keypad()  # the keys the USB keypad types itself are not focused one by one
        keys = set(pad.findChildren(QAbstractButton)) - {pad.clear_btn, pad.ok_btn} if pad is not None else set()
        if isinstance(pad, CodePad):  # a credit code's letters are chosen on screen
            keys = {b for b in keys if b.text().isdigit() or b is pad.delete_btn}
        shown = [b for b in root.findChildren(QAbstractButton)
                 if b.isVisibleTo(self.window) and b.isEnabled() and label_of(b) and b not in keys]
        shown.sort(key=lambda b: _reading_order(b, self.window))
        if root is self.window.stack:  # the page's own choices first, the language and mode switches last
            top = self.window.top
            shown += [b for b in (top.btn_zh, top.btn_en, top.btn_elderly) if b.isVisibleTo(self.window)]
        return shown

    def _keypad(self) -> Any:
        from kiosk.screens.form_widgets import CodePad
        from kiosk.screens.widgets import Keypad

        if self.panel() is not None and self.panel().isVisible():  # type: ignore[union-attr]
            return None
        page = self.window.stack.currentWidget()  # a credit code's digits come from the keypad too
        pads = [p for kind in (Keypad, CodePad) for p in page.findChildren(kind) if p.isVisibleTo(self.window)]
        return pads[0] if pads else None

    def _ring(self) -> None:
        if not self.controls:
            self.ring.hide()
            return
        b = self.controls[min(self.nav.index, len(self.controls) - 1)]
        box = QRect(b.mapTo(self.window, QPoint(0, 0)), b.size()).adjusted(-6, -6, 6, 6)
        self.ring.setGeometry(box.intersected(self.window.rect()))
        self.ring.show()
        self.ring.raise_()

    def place_edges(self) -> None:
        w, h = self.window.width(), self.window.height()
        geo = {"edge_left": QRect(0, CORNER_PX, EDGE_PX, h - CORNER_PX),
               "edge_right": QRect(w - EDGE_PX, 0, EDGE_PX, h),
               "edge_top": QRect(CORNER_PX, 0, w - CORNER_PX - EDGE_PX, EDGE_PX),
               "edge_bottom": QRect(EDGE_PX, h - EDGE_PX, w - 2 * EDGE_PX, EDGE_PX)}
        for name, edge in self.edges.items():
            edge.setGeometry(geo[name])
            edge.show()
            edge.raise_()

    def _ours(self, obj: QObject) -> bool:
        return obj is self.window or (isinstance(obj, QWidget) and self.window.isAncestorOf(obj))


def label_of(b: QAbstractButton) -> str:
    """What a control is called aloud: its text, the name a wrapped button carries, or the labels
    inside it (a home tile: title, then subtitle)."""
    text = b.accessibleName() or b.text()  # a named control (a date stepper's "−") says its name
    if not text:
        text = " ".join(lab.text() for lab in b.findChildren(QLabel) if lab.text() and not lab.isHidden())
    return " ".join(text.split())


def _reading_order(b: QWidget, window: QWidget) -> tuple[int, int]:
    at = b.mapTo(window, QPoint(0, 0))
    return (at.y() // 40, at.x())  # rows within 40 px read left to right
