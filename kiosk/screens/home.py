"""Home: the seven services as large tiles, current queue lengths, and a calm welcome line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.base import Screen, UiContext, label
from kiosk.screens.icons import icon_pixmap

# tile id -> icon; the order is the order on screen (取号 first and largest).
TILES: tuple[tuple[str, str], ...] = (
    ("take_number", "ticket"),
    ("checkin", "calendar"),
    ("submit", "document"),
    ("query", "search"),
    ("rate", "star"),
    ("fallback", "bubble"),
    ("help", "bell"),
)


@dataclass(frozen=True, slots=True)
class QueueLine:
    """What the home screen shows about one category's queue."""

    code: str
    name_zh: str
    name_en: str
    waiting: int


class Tile(QPushButton):
    """A big touch target: icon, title and one line of explanation."""

    def __init__(self, tile_id: str, icon: str, *, primary: bool = False) -> None:
        super().__init__()
        self.tile_id = tile_id
        self.icon_name = icon
        self.setObjectName("Tile")
        self.setProperty("primary", primary)
        self.setProperty("help", tile_id == "help")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.icon_label = QLabel()
        self.icon_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.title = label("TileTitle", wrap=True, passthrough=True)
        self.sub = label("TileSub", wrap=True, passthrough=True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 28, 32, 28)
        lay.setSpacing(10)
        lay.addWidget(self.icon_label)
        lay.addStretch(1)
        lay.addWidget(self.title)
        lay.addWidget(self.sub)

    def retranslate(self, ui: UiContext) -> None:
        t = ui.theme
        primary = bool(self.property("primary"))
        # elderly mode enlarges the words, not the pictures: the title is what must be read
        size = 120 if primary else (64 if t.elderly else 76)
        if primary:
            fg, bg = t.primary, t.on_primary
        elif self.tile_id == "help":
            fg, bg = t.on_primary, t.accent
        else:
            fg, bg = t.on_primary, t.primary
        self.icon_label.setPixmap(icon_pixmap(self.icon_name, size, fg=fg, bg=bg,
                                              ratio=self.devicePixelRatioF()))
        self.title.setText(ui.tr(f"home.tile.{self.tile_id}"))
        self.sub.setText(ui.tr(f"home.tile.{self.tile_id}.sub"))
        # one message per tile for seniors: the explanation line goes, except on the big tile
        self.sub.setVisible(primary or not t.elderly)


class QueueStrip(QWidget):
    """Current waiting counts per category; shows a neutral line while loading or unavailable."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("QueueStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = label("QueueTitle")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(28, 16, 28, 16)
        self._row.setSpacing(36)
        self._row.addWidget(self.title)
        self._items: list[QLabel] = []
        self._lines: Sequence[QueueLine] | None = None
        self._unavailable = False
        self._ui = UiContext()

    def set_lines(self, lines: Sequence[QueueLine] | None, *, unavailable: bool = False) -> None:
        self._lines, self._unavailable = lines, unavailable
        self.retranslate(self._ui)

    def retranslate(self, ui: UiContext) -> None:
        self._ui = ui
        self.title.setText(ui.tr("home.queue.title"))
        while self._row.count() > 1:  # the title stays; items and the trailing stretch go
            self._row.takeAt(1)
        for item in self._items:
            item.hide()
            item.deleteLater()
        self._items = []
        if self._lines:
            texts = [ui.tr("home.queue.item", code=q.code, count=q.waiting,
                           name=q.name_zh if ui.lang == "zh_CN" else q.name_en) for q in self._lines]
        else:
            texts = [ui.tr("home.queue.unavailable" if self._unavailable else "home.queue.loading")]
        for text in texts[:6]:
            item = label("QueueItem")
            item.setText(text)
            self._row.addWidget(item)
            self._items.append(item)
        self._row.addStretch(1)

    def texts(self) -> list[str]:
        return [i.text() for i in self._items]


class HomeScreen(Screen):
    """Emits ``chosen(tile_id)`` when a tile is touched; the app decides what that starts."""

    screen_id = "home"
    chosen = Signal(str)

    def __init__(self, *, portrait: bool = False) -> None:
        super().__init__()
        self.welcome = label("Welcome")
        self.tiles = {tid: Tile(tid, icon, primary=tid == "take_number") for tid, icon in TILES}
        for tile in self.tiles.values():
            tile.clicked.connect(lambda _=False, t=tile.tile_id: self.chosen.emit(t))
        grid = QGridLayout()
        grid.setSpacing(24)
        others = [t for tid, t in self.tiles.items() if tid != "take_number"]
        if portrait:
            grid.addWidget(self.tiles["take_number"], 0, 0, 1, 2)
            for i, tile in enumerate(others):
                grid.addWidget(tile, 1 + i // 2, i % 2)
            grid.setRowStretch(0, 5)
            for r in range(1, 4):
                grid.setRowStretch(r, 4)
        else:
            grid.addWidget(self.tiles["take_number"], 0, 0, 2, 1)
            for i, tile in enumerate(others):
                grid.addWidget(tile, i // 3, 1 + i % 3)
            grid.setColumnStretch(0, 5)
            for c in range(1, 4):
                grid.setColumnStretch(c, 4)
        self.queue = QueueStrip()
        self.footer = label("Footer", align=Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 28, 48, 20)
        lay.setSpacing(22)
        lay.addWidget(self.welcome)
        lay.addLayout(grid, 1)
        lay.addWidget(self.queue)
        lay.addWidget(self.footer)

    def retranslate(self, ui: UiContext) -> None:
        self.welcome.setText(ui.tr("home.welcome"))
        for tile in self.tiles.values():
            tile.retranslate(ui)
        self.queue.retranslate(ui)
        self.footer.setText(ui.tr("home.footer"))

    def set_queue(self, lines: Sequence[QueueLine] | None, *, unavailable: bool = False) -> None:
        self.queue.set_lines(lines, unavailable=unavailable)
