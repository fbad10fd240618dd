"""What every screen shares: the UI context (language, mode, theme) and the Screen base class."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.i18n import tr
from kiosk.theme import Theme, theme_for


@dataclass(slots=True)
class UiContext:
    """The citizen's current choices of language and mode; screens read it when they render."""

    lang: str = "zh_CN"
    elderly: bool = False
    portrait: bool = False  # 1080×1920: pages stack their parts vertically
    screen: tuple[int, int] = (1920, 1080)  # the window's (= the screen's) size
    accessible: bool = False  # 无障碍: keypad and edges drive the page, every focus is spoken (14.8)

    @property
    def wheelchair(self) -> bool:
        """Accessible mode in portrait: every control in the lower 60 % of the screen."""
        return self.accessible and self.portrait

    @property
    def compact(self) -> bool:
        """A short screen (1366×768), or the lower 60 % of a portrait one: smaller text and margins,
        same touch targets."""
        return self.screen[1] < 900 or self.wheelchair

    @property
    def theme(self) -> Theme:
        return theme_for(elderly=self.elderly, compact=self.compact, lang=self.lang)

    def tr(self, key: str, /, **values: object) -> str:
        return tr(self.lang, key, **values)


class Screen(QWidget):
    """A page of the kiosk. ``retranslate`` re-reads every text from the tables."""

    screen_id = "screen"

    def retranslate(self, ui: UiContext) -> None:
        raise NotImplementedError


def label(object_name: str, *, wrap: bool = False, passthrough: bool = False,
          align: Qt.AlignmentFlag | None = None) -> QLabel:
    """A QLabel styled by ``object_name``; ``passthrough`` lets touches reach the button under it."""
    lab = QLabel()
    lab.setObjectName(object_name)
    lab.setWordWrap(wrap)
    if passthrough:
        lab.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    if align is not None:
        lab.setAlignment(align)
    return lab
