"""The frame around every screen: top bar (hall name, clock, language, elderly mode) and banner."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.screens.base import UiContext, label

LANG_NAME_KEY = {"zh_CN": "lang.zh", "en": "lang.en", "bo": "lang.bo", "ug": "lang.ug"}


def chrome_button(*, checkable: bool = False) -> QPushButton:
    b = QPushButton()
    b.setObjectName("ChromeButton")
    b.setCheckable(checkable)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class TopBar(QWidget):
    """Always visible: the citizen can switch language or elderly mode on any screen."""

    language_chosen = Signal(str)
    elderly_toggled = Signal(bool)

    def __init__(self, *, hall_zh: str, hall_en: str, timezone: str, portrait: bool = False,
                 langs: tuple[str, ...] = ("zh_CN", "en")) -> None:
        super().__init__()
        self.setObjectName("TopBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._hall = {"zh_CN": hall_zh, "en": hall_en}
        self._tz = ZoneInfo(timezone)
        self._ui = UiContext()
        self.hall_name = label("HallName", wrap=True)
        self.hall_sub = label("HallNameSub")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.hall_name)
        names.addWidget(self.hall_sub)
        self.clock = label("Clock", align=Qt.AlignmentFlag.AlignRight)
        self.clock_date = label("ClockDate", align=Qt.AlignmentFlag.AlignRight)
        clock = QVBoxLayout()
        clock.setSpacing(0)
        clock.addWidget(self.clock)
        clock.addWidget(self.clock_date)
        # one button per language the hall offers, each named in its own script (中文, English, བོད་ཡིག…)
        self.lang_buttons = {lang: chrome_button(checkable=True) for lang in langs}
        for lang, button in self.lang_buttons.items():
            button.clicked.connect(lambda _=False, lang=lang: self.language_chosen.emit(lang))
        self.btn_zh = self.lang_buttons["zh_CN"]
        self.btn_en = self.lang_buttons["en"]
        self.btn_elderly = chrome_button(checkable=True)
        self.btn_elderly.clicked.connect(lambda on: self.elderly_toggled.emit(bool(on)))
        self._outer = outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 10, 40, 10)
        outer.setSpacing(10)
        first = QHBoxLayout()
        first.setSpacing(16)
        first.addLayout(names, 1)
        first.addLayout(clock)
        outer.addLayout(first)
        # portrait is narrow: the switches get their own row so elderly text never overflows
        row = first
        if portrait:
            row = QHBoxLayout()
            row.addStretch(1)
            outer.addLayout(row)
        else:
            row.addSpacing(24)
        for button in self.lang_buttons.values():
            row.addWidget(button)
        row.addSpacing(8)
        row.addWidget(self.btn_elderly)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)

    def retranslate(self, ui: UiContext) -> None:
        self._ui = ui
        if ui.compact:
            self._outer.setContentsMargins(28, 4, 28, 4)
        self.hall_name.setText(self.hall_name_for(ui.lang))
        self.hall_sub.setText(ui.tr("app.title"))  # in the screen's language only (issue 14.7)
        self.hall_sub.setVisible(not ui.elderly)
        for lang, button in self.lang_buttons.items():
            button.setText(ui.tr(LANG_NAME_KEY[lang]))
            button.setChecked(ui.lang == lang)
        self.btn_elderly.setText(ui.tr("elderly.on"))
        self.btn_elderly.setChecked(ui.elderly)
        self._tick()

    def hall_name_for(self, lang: str) -> str:
        """The hall's name in ``lang``; bo and ug halls show the Chinese name (settings hold zh and en)."""
        return self._hall.get(lang, self._hall["zh_CN"])

    def _tick(self) -> None:
        now = datetime.now(self._tz)
        self.clock.setText(now.strftime("%H:%M"))
        self.clock_date.setText(self._ui.tr(
            "clock.date", year=now.year, month=now.month, day=now.day, iso=now.date().isoformat(),
            weekday=self._ui.tr(f"weekday.{now.weekday()}")))


class Banner(QWidget):
    """A one-line notice under the top bar (offline, closed); hidden when there is nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.text = label("Banner", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text)
        self.hide()

    def show_text(self, text: str | None) -> None:
        if text:
            self.text.setText(text)
            self.show()
        else:
            self.text.clear()
            self.hide()
