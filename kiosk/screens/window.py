"""The kiosk window: top bar, banner and a stack of screens that share one UI context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.i18n import is_rtl
from kiosk.screens.base import Screen, UiContext
from kiosk.screens.chrome import Banner, TopBar
from kiosk.screens.flow_screen import FlowScreen
from kiosk.screens.home import HomeScreen
from kiosk.theme import FALLBACK_FAMILIES, FONT_FAMILY, stylesheet


class KioskWindow(QWidget):
    """Owns the widgets only; what happens on a touch is decided by the controller."""

    def __init__(self, *, hall_zh: str, hall_en: str, timezone: str, lang: str = "zh_CN",
                 elderly: bool = False, portrait: bool = False, services: Any = None,
                 screen: tuple[int, int] = (1920, 1080), langs: tuple[str, ...] = ("zh_CN", "en")) -> None:
        super().__init__()
        QFont.insertSubstitutions(FONT_FAMILY, list(FALLBACK_FAMILIES))  # bo and ug glyphs, not tofu
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.ui = UiContext(lang=lang, elderly=elderly, portrait=portrait, screen=screen)
        self.portrait = portrait
        self.top = TopBar(hall_zh=hall_zh, hall_en=hall_en, timezone=timezone, portrait=portrait, langs=langs)
        self.banner = Banner()
        self.stack = QStackedWidget()
        self.stack.setObjectName("ScreenStack")
        self.screens: dict[str, Screen] = {}
        self.home = HomeScreen(portrait=portrait, compact=self.ui.compact)
        self.add_screen(self.home)
        self._flow_screen: FlowScreen | None = None
        self._services = services
        lay = QVBoxLayout(self)
        # the screen's size is the window's size: content never pushes it larger (a live queue strip
        # once made it 2,475 px wide); test_screen_fit proves the content fits instead
        lay.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMaximumSize(*screen)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.top)
        lay.addWidget(self.banner)
        lay.addWidget(self.stack, 1)
        self.top.language_chosen.connect(self.set_language)
        self.top.elderly_toggled.connect(self.set_elderly)
        self.apply_ui()

    @property
    def flow(self) -> FlowScreen:
        """The screen for every flow view, built on first use so the home screen paints sooner."""
        if self._flow_screen is None:
            import kiosk.screens.pages  # noqa: F401  (registers every page builder)

            self._flow_screen = FlowScreen(self._services)
            self.add_screen(self._flow_screen)
        return self._flow_screen

    def show_view(self, view: View) -> None:
        """Render a flow view (``home`` shows the home screen and drops the last page)."""
        if view.screen == "home":
            if self._flow_screen is not None:
                self._flow_screen.clear()
            self.stack.setCurrentWidget(self.home)
            return
        self.flow.render_view(view, self.ui)
        self.stack.setCurrentWidget(self.flow)

    def add_screen(self, screen: Screen) -> None:
        self.screens[screen.screen_id] = screen
        self.stack.addWidget(screen)

    def show_screen(self, screen_id: str) -> Screen:
        screen = self.screens[screen_id]
        self.stack.setCurrentWidget(screen)
        return screen

    def current_screen(self) -> Screen:
        screen = self.stack.currentWidget()
        assert isinstance(screen, Screen)  # the stack holds only screens
        return screen

    def set_language(self, lang: str) -> None:
        if lang != self.ui.lang:
            self.ui.lang = lang
            self.apply_ui()
        else:
            self.top.retranslate(self.ui)  # keep the toggle buttons in step

    def set_elderly(self, on: bool) -> None:
        if on != self.ui.elderly:
            self.ui.elderly = on
            self.apply_ui()

    def apply_ui(self) -> None:
        """Re-style and re-translate everything (language or mode changed)."""
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(self.ui.lang)
                                else Qt.LayoutDirection.LeftToRight)  # Uyghur reads right to left
        self.setStyleSheet(stylesheet(self.ui.theme))
        self.setWindowTitle(self.ui.tr("app.title"))
        self.top.retranslate(self.ui)
        for screen in self.screens.values():
            screen.retranslate(self.ui)
