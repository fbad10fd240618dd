"""Home: the seven services as large tiles, current queue lengths, and a calm welcome line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import pick
from kiosk.screens.base import Screen, UiContext, label
from kiosk.screens.icons import icon_pixmap
from kiosk.screens.widgets import LayoutButton

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


class Tile(LayoutButton):
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
        self._lay = lay = QVBoxLayout(self)
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
        size = (96 if t.elderly or t.compact else 120) if primary else \
            (36 if t.compact else 48 if t.elderly else 76)
        margin = 12 if t.compact else 18 if t.elderly else 28
        self._lay.setContentsMargins(8 if t.compact else margin + 4, margin, 8 if t.compact else margin + 4, margin)
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
        # in elderly English the big tile's two words need the room of its explanation
        self.sub.setVisible((primary and not (t.elderly and ui.lang != "zh_CN")) or not (t.elderly or t.compact))


class QueueStrip(QWidget):
    """Current waiting counts per category in a grid of fixed columns; long names wrap inside their
    cell, so a full strip (7+ lines, English names, elderly text) never widens the window."""

    MAX_LINES = 8

    def __init__(self, *, columns: int = 4) -> None:
        super().__init__()
        self.setObjectName("QueueStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.columns = columns
        self.title = label("QueueTitle")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(28, 12, 28, 12)
        self._grid.setHorizontalSpacing(28)
        self._grid.setVerticalSpacing(4)
        self._grid.addWidget(self.title, 0, 0, 1, columns)
        for c in range(columns):
            self._grid.setColumnStretch(c, 1)
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
        for item in self._items:
            self._grid.removeWidget(item)
            item.hide()
            item.deleteLater()
        self._items = []
        if self._lines:
            texts = [ui.tr("home.queue.item", code=q.code, count=q.waiting,
                           name=pick(ui.lang, q.name_zh, q.name_en)) for q in self._lines]
        else:
            texts = [ui.tr("home.queue.unavailable" if self._unavailable else "home.queue.loading")]
        for i, text in enumerate(texts[:self.MAX_LINES]):
            item = label("QueueItem", wrap=True)
            item.setText(text)
            self._grid.addWidget(item, 1 + i // self.columns, i % self.columns)
            self._items.append(item)

    def texts(self) -> list[str]:
        return [i.text() for i in self._items]


class HomeScreen(Screen):
    """Emits ``chosen(tile_id)`` when a tile is touched; the app decides what that starts."""

    screen_id = "home"
    chosen = Signal(str)

    def __init__(self, *, portrait: bool = False, compact: bool = False) -> None:
        super().__init__()
        self.welcome = label("Welcome", wrap=True)
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
        self.queue = QueueStrip(columns=2 if portrait else 4)
        self.footer = label("Footer", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        if compact:
            grid.setSpacing(14)
            lay.setContentsMargins(28, 12, 28, 10)
            lay.setSpacing(10)
        else:
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
