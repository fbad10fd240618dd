"""Touch widgets shared by the pages: buttons, keypads, signature pad, QR images."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.screens.base import UiContext


class LayoutButton(QPushButton):
    """A button whose content is a layout (icon, wrapped labels): it asks for the room that content
    needs, so a layout never squeezes its text below its height (a plain QPushButton knows only its
    own text)."""

    def minimumSizeHint(self) -> QSize:
        # the height a width needs comes from heightForWidth; a wrapped label's own minimum is the
        # height of its text wrapped at its narrowest, far more than any layout gives it
        lay = self.layout()
        hint = super().minimumSizeHint()
        return hint if lay is None else hint.expandedTo(QSize(lay.totalMinimumSize().width(), 0))

    def sizeHint(self) -> QSize:
        lay = self.layout()
        hint = super().sizeHint()
        return hint if lay is None else hint.expandedTo(lay.totalSizeHint())

    def hasHeightForWidth(self) -> bool:
        lay = self.layout()
        return lay is not None and lay.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        lay = self.layout()
        return super().heightForWidth(width) if lay is None else max(
            lay.totalHeightForWidth(width), super().minimumSizeHint().height())


def button(text: str, *, role: str = "secondary", on_click: Callable[[], None] | None = None,
           checkable: bool = False, checked: bool = False, expand: bool = False) -> QPushButton:
    """A touch button; ``role`` is primary / secondary / choice / danger / key (styled by the theme)."""
    b = LayoutButton(text)
    b.setObjectName(f"Btn_{role}")
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    if checkable:
        b.setCheckable(True)
        b.setChecked(checked)
    if expand:
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    if on_click is not None:
        b.clicked.connect(lambda _=False: on_click())
    return b


def wrap_button(text: str, *, role: str = "choice", on_click: Callable[[], None] | None = None,
                checkable: bool = False, checked: bool = False) -> QPushButton:
    """A touch button whose (long, translated) text wraps instead of widening the screen."""
    b = button("", role=role, on_click=on_click, checkable=checkable, checked=checked, expand=True)
    b.setProperty("wrapped", True)
    lab = QLabel(text)
    lab.setObjectName("ChoiceText")
    lab.setWordWrap(True)
    lab.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    lay = QVBoxLayout(b)
    lay.setContentsMargins(20, 8, 20, 8)
    lay.addWidget(lab)
    b.setAccessibleName(text)
    # Qt style sheets ignore an ancestor's :checked, so the label carries the state itself
    # (a rule "QPushButton:checked #ChoiceText" matched every label: white text on white).
    _mark(lab, "on", checked)
    b.toggled.connect(lambda on: _mark(lab, "on", on))
    return b


def _mark(widget: QWidget, name: str, value: bool) -> None:
    """Set a style property and re-apply the style sheet to it."""
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def mark_full(b: QPushButton, full: bool) -> None:
    """A choice that cannot be taken now (a full or closed line): greyed, text included."""
    b.setProperty("full", full)
    lab = b.findChild(QLabel, "ChoiceText")
    if lab is not None:
        _mark(lab, "full", full)


def text_label(text: str, object_name: str = "Body", *, wrap: bool = True,
               align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
    lab = QLabel(text)
    lab.setObjectName(object_name)
    lab.setWordWrap(wrap)
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return lab


def card(*, object_name: str = "Card") -> tuple[QWidget, QVBoxLayout]:
    w = QWidget()
    w.setObjectName(object_name)
    w.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    lay = QVBoxLayout(w)
    lay.setContentsMargins(32, 24, 32, 24)
    lay.setSpacing(12)
    return w, lay


def qr_pixmap(data: str, size: int) -> QPixmap:
    """A QR code at ``size`` px: one grey image scaled up crisply (the matrix usually comes ready
    from the flow's background work, see :mod:`kiosk.flows.qr`)."""
    from kiosk.flows.qr import modules

    matrix = modules(data)
    n = len(matrix)
    pixels = bytes(0 if on else 255 for row in matrix for on in row)
    img = QImage(pixels, n, n, n, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(img.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                        Qt.TransformationMode.FastTransformation))


def image_pixmap(data: bytes, width: int, height: int) -> QPixmap:
    img = QImage.fromData(data)
    if img.isNull():
        px = QPixmap(width, height)
        px.fill(QColor("#DDE3EC"))
        return px
    return QPixmap.fromImage(img).scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation)


class TypedValue:
    """What a pad's keys do to the value it shows: ⌫ takes the last character off, a key the pad
    ``accepts`` is added up to ``max_len``; the pad redraws with ``_show``."""

    value: str
    max_len: int

    def accepts(self, key: str) -> bool:
        return True

    def _show(self) -> None:
        raise NotImplementedError

    def press(self, key: str) -> None:
        if key == "⌫":
            self.value = self.value[:-1]
        elif self.accepts(key) and len(self.value) < self.max_len:
            self.value += key
        self._show()

    def type_text(self, text: str) -> None:
        for ch in text:
            self.press(ch.upper())

    def clear(self) -> None:
        self.value = ""
        self._show()


class Keypad(TypedValue, QWidget):
    """Digits (and optionally X) with delete/clear: no free typing anywhere on the kiosk.

    The typed value lives only in this widget and in the flow it is handed to; it is masked on
    screen except for its last four characters.
    """

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, ui: UiContext, *, max_len: int = 18, allow_x: bool = True, mask: bool = True,
                 submit_text: str | None = None, cancellable: bool = False, initial: str = "") -> None:
        super().__init__()
        self.value = initial[:max_len]
        self.max_len, self.hide_digits = max_len, mask
        self.display = text_label("", "KeypadDisplay", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        grid.setSpacing(6 if ui.compact else 10)
        # three keys a row (a phone's pad); four on a short screen, so the pad is one row lower
        cols = 4 if ui.compact or (ui.elderly and not ui.portrait) else 3
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X" if allow_x else "", "0", "⌫"]
        if cols == 4:
            keys = ["1", "2", "3", "⌫", "4", "5", "6", "0", "7", "8", "9", "X" if allow_x else ""]
        for i, key in enumerate(keys):
            if not key:
                continue
            text = ui.tr("action.keypad_delete") if key == "⌫" else key
            b = button(text, role="key", on_click=partial(self.press, key), expand=True)
            grid.addWidget(b, i // cols, i % cols)
        self.clear_btn = button(ui.tr("action.keypad_clear"), role="secondary", on_click=self.clear, expand=True)
        self.ok_btn = button(submit_text or ui.tr("action.keypad_submit"), role="primary", expand=True,
                             on_click=lambda: self.submitted.emit(self.value))
        last = len(keys) // cols
        grid.addWidget(self.clear_btn, last, 0)
        if cancellable:
            grid.addWidget(button(ui.tr("action.keypad_cancel"), role="secondary", expand=True,
                                  on_click=self.cancelled.emit), last, 1)
            grid.addWidget(self.ok_btn, last, 2, 1, cols - 2)
        else:
            grid.addWidget(self.ok_btn, last, 1, 1, cols - 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6 if ui.compact else 10)
        lay.addWidget(self.display)
        lay.addLayout(grid, 1)
        self._show()

    def _show(self) -> None:
        v = self.value
        shown = ("•" * max(0, len(v) - 4) + v[-4:]) if self.hide_digits else v
        self.display.setText(" ".join(shown[i:i + 4] for i in range(0, len(shown), 4)) or "—")


class LetterPad(QWidget):
    """Letters and digits for catalogue search (pinyin initials, item codes); emits the query."""

    changed = Signal(str)

    def __init__(self, ui: UiContext, query: str = "") -> None:
        super().__init__()
        self.query = query
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        rows = ["1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM"]
        for r, row in enumerate(rows):
            for c, ch in enumerate(row):
                grid.addWidget(button(ch, role="key", on_click=partial(self._press, ch), expand=True), r, c)
        grid.addWidget(button(ui.tr("action.keypad_delete"), role="key", expand=True,
                              on_click=lambda: self._press("⌫")), 3, 7, 1, 3)

    def _press(self, key: str) -> None:
        self.query = self.query[:-1] if key == "⌫" else (self.query + key.lower())[:32]
        self.changed.emit(self.query)


class SignaturePad(QWidget):
    """A touch signature box; ``png()`` gives the strokes as a PNG (empty bytes when unsigned)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("SignaturePad")
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.strokes: list[list[QPointF]] = []

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.strokes.append([event.position()])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.strokes:
            self.strokes[-1].append(event.position())
            self.update()

    def clear(self) -> None:
        self.strokes.clear()
        self.update()

    def draw_stroke(self, points: list[tuple[float, float]]) -> None:
        """Programmatic strokes (tests, demos) take the same path as touches."""
        self.strokes.append([QPointF(x, y) for x, y in points])
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QPen(QColor("#9AA8BC"), 2, Qt.PenStyle.DashLine))
        p.drawRect(self.rect().adjusted(1, 1, -2, -2))
        self._paint_strokes(p)
        p.end()

    def _paint_strokes(self, p: QPainter) -> None:
        p.setPen(QPen(QColor("#111111"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                      Qt.PenJoinStyle.RoundJoin))
        for stroke in self.strokes:
            if len(stroke) == 1:
                p.drawPoint(stroke[0])
                continue
            path = QPainterPath(stroke[0])
            for pt in stroke[1:]:
                path.lineTo(pt)
            p.drawPath(path)

    def png(self) -> bytes:
        if not any(len(s) > 1 for s in self.strokes):
            return b""
        img = QImage(self.size(), QImage.Format.Format_ARGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_strokes(p)
        p.end()
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(buf, "PNG")  # type: ignore[call-overload]  # the stub wants bytes; the binding takes only str
        return bytes(data.data())
