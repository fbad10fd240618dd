"""The counter's 今日预约 tab: today's slots of the lines this window serves, who is booked in each
(booking code, masked ID, checked in or not), read every minute, on F10 and on the 刷新 button.

The reads run on a runner of their own, so a slow or dead server never holds up the clerk's calls; a
failed read keeps the last list under a "not up to date" hint (hall.counter.bookings decides the texts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from hall.counter.bookings import REFRESH_S, BookingsBoard, changes_bookings
from hall.qtkit.ops import Runner
from hall.qtkit.widgets import named, timer

if TYPE_CHECKING:  # the window this is mixed into; at run time the mixin is a plain class
    from PySide6.QtWidgets import QTabWidget
    from PySide6.QtWidgets import QWidget as _Window
else:
    _Window = object

COLUMNS = ("时段", "预约号 / 已约", "证件号", "状态", "事项")
CHECKED_IN = QColor("#2e7d32")
FULL = QColor("#a33b00")


class BookingsPanel(QFrame):
    """Renders a :class:`BookingsBoard`; ``refresh_button`` asks for a new read."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("bookingsPanel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.hint = named(QLabel(""), "bookingsHint")
        self.hint.setWordWrap(True)
        self.refresh_button = named(QPushButton("刷新（F10）"), "bookingsRefresh")
        self.refresh_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top.addWidget(self.hint, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(top)
        self.tree = named(QTreeWidget(), "bookingsTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        lay.addWidget(self.tree, 1)

    def show_board(self, board: BookingsBoard) -> None:
        level, text = board.hint()
        self.hint.setText(text)
        self.hint.setProperty("level", level)
        self.hint.style().polish(self.hint)
        # A refresh every minute must not throw the clerk back to the top: keep where they scrolled to,
        # and open the first list at the slot under way.
        bar = self.tree.verticalScrollBar()
        first, keep = self.tree.topLevelItemCount() == 0, bar.value()
        self.tree.clear()
        parent: QTreeWidgetItem | None = None
        for row in board.rows():
            item = QTreeWidgetItem(list(row.cells))
            if row.booking is None:
                font = item.font(0)
                font.setBold(True)
                for col in range(len(COLUMNS)):
                    item.setFont(col, font)
                if row.full:
                    item.setForeground(1, QBrush(FULL))
                self.tree.addTopLevelItem(item)
                parent = item
            elif parent is not None:
                if row.booking.checked_in:
                    item.setForeground(3, QBrush(CHECKED_IN))
                parent.addChild(item)
        self.tree.expandAll()
        upcoming = board.upcoming()
        if not first:
            bar.setValue(keep)
        elif upcoming is not None and (target := self.tree.topLevelItem(upcoming)) is not None:
            self.tree.scrollToItem(target, QAbstractItemView.ScrollHint.PositionAtTop)

    def texts(self) -> list[list[str]]:
        """What the tree shows, row by row (slots and the bookings under them), for tests and support."""
        out: list[list[str]] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            out.append([top.text(c) for c in range(len(COLUMNS))])
            for j in range(top.childCount()):
                child = top.child(j)
                if child is not None:
                    out.append([child.text(c) for c in range(len(COLUMNS))])
        return out


class BookingsMixin(_Window):
    """Needs ``service``, ``state``, ``tabs`` (the ticket panel first) from the window; call
    :meth:`setup_bookings` once the tab exists and :meth:`stop_bookings` on release."""

    service: Any
    state: Any
    if TYPE_CHECKING:
        tabs: QTabWidget

    def setup_bookings(self, *, timezone: str) -> BookingsPanel:
        self.board = BookingsBoard(timezone=timezone)
        self.bookings_panel = BookingsPanel()
        self.bookings_panel.refresh_button.clicked.connect(self.refresh_bookings)
        self.bookings_runner = Runner(workers=1, name="counter-bookings")
        self._bookings_loading = False
        self._bookings_timer = timer(self, interval_ms=REFRESH_S * 1000, on_timeout=self.refresh_bookings)
        self.bookings_panel.show_board(self.board)
        return self.bookings_panel

    def do_bookings(self) -> None:
        """F10: to the bookings and read them again; pressed there, back to the current ticket."""
        if self.tabs.currentWidget() is self.bookings_panel:
            self.tabs.setCurrentIndex(0)
            return
        self.tabs.setCurrentWidget(self.bookings_panel)
        self.refresh_bookings()

    def start_bookings(self) -> None:
        self._bookings_timer.start()
        self.refresh_bookings()

    def refresh_bookings(self) -> None:
        """Read today's bookings of the window's lines (one read at a time; none while signed out)."""
        if not self.state.logged_in or self._bookings_loading or self.bookings_runner.closed:
            return
        day, lines = self.board.today(), list(self.state.categories)
        self._bookings_loading = True
        self.bookings_runner.op(lambda: self.service.bookings_by_slot(lines, day)).success(
            lambda rows: self._bookings_loaded(day, rows)).failure(self._bookings_failed).run()

    def bookings_event(self, event: dict[str, Any]) -> None:
        """A check-in at a line of this window: read again, so 已签到 shows without waiting a minute."""
        if changes_bookings(event, list(self.state.categories)):
            self.refresh_bookings()

    def _bookings_loaded(self, day: Any, rows: dict[str, Any]) -> None:
        self._bookings_loading = False
        self.board.loaded(day, rows)
        self._show_bookings()

    def _bookings_failed(self, _exc: BaseException) -> None:
        self._bookings_loading = False
        self.bookings_stale()

    def bookings_stale(self) -> None:
        """The server is away (or the read failed): the last list stays, marked as not up to date."""
        self.board.failed()
        self._show_bookings()

    def _show_bookings(self) -> None:
        self.bookings_panel.show_board(self.board)
        self.tabs.setTabText(self.tabs.indexOf(self.bookings_panel), self.board.summary())

    def stop_bookings(self) -> None:
        self._bookings_timer.stop()

    def release_bookings(self) -> None:
        self._bookings_timer.stop()
        self.bookings_runner.shutdown()
