"""The kiosk window: top bar, banner and a stack of screens that share one UI context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.i18n import is_rtl
from kiosk.screens.base import Screen, UiContext, label
from kiosk.screens.chrome import Banner, TopBar
from kiosk.screens.flow_screen import FlowScreen
from kiosk.screens.home import HomeScreen
from kiosk.theme import FALLBACK_FAMILIES, FONT_FAMILY, stylesheet

WHEELCHAIR_TOP = 0.4  # the share of a portrait screen above a wheelchair user's reach: no controls there


class KioskWindow(QWidget):
    """Owns the widgets only; what happens on a touch is decided by the controller."""

    def __init__(self, *, hall_zh: str, hall_en: str, timezone: str, lang: str = "zh_CN",
                 elderly: bool = False, portrait: bool = False, services: Any = None,
                 screen: tuple[int, int] = (1920, 1080), langs: tuple[str, ...] = ("zh_CN", "en"),
                 accessible: bool = False) -> None:
        super().__init__()
        QFont.insertSubstitutions(FONT_FAMILY, list(FALLBACK_FAMILIES))  # bo and ug glyphs, not tofu
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.ui = UiContext(lang=lang, elderly=elderly, portrait=portrait, screen=screen, accessible=accessible)
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
        # wheelchair layout (accessible mode in portrait, issue 14.8): the upper 40 % only shows what is
        # being said, in large text; the page and the top bar's switches sit in the lower 60 %
        self.caption = label("A11yCaption", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.caption.setParent(self)
        self.caption.setFixedHeight(round(screen[1] * WHEELCHAIR_TOP) if self.ui.wheelchair else 0)
        self.caption.setVisible(self.ui.wheelchair)
        self.show_caption(self.ui.tr("a11y.intro"))
        if self.ui.wheelchair:
            order: tuple[QWidget, ...] = (self.caption, self.banner, self.stack, self.top)
        else:
            order = (self.top, self.banner, self.stack)
        for w in order:
            lay.addWidget(w, 1 if w is self.stack else 0)
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
            self.show_caption(self.ui.tr("a11y.intro"))
            return
        self.flow.render_view(view, self.ui)
        self.stack.setCurrentWidget(self.flow)
        # until the voice says more, the wheelchair layout's upper part shows what the page asks
        self.show_caption("\n".join(t for t in (self.flow.title.text(), self.flow.prompt.text()) if t))

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

    def show_caption(self, text: str) -> None:
        """What the voice is saying, large, in the wheelchair layout's upper part (no-op elsewhere)."""
        if self.ui.wheelchair:
            self.caption.setText(text)

    def apply_ui(self) -> None:
        """Re-style and re-translate everything (language or mode changed)."""
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(self.ui.lang)
                                else Qt.LayoutDirection.LeftToRight)  # Uyghur reads right to left
        self.setStyleSheet(stylesheet(self.ui.theme))
        self.setWindowTitle(self.ui.tr("app.title"))
        self.top.retranslate(self.ui)
        for screen in self.screens.values():
            screen.retranslate(self.ui)
        if self.stack.currentWidget() is self.home:
            self.show_caption(self.ui.tr("a11y.intro"))
