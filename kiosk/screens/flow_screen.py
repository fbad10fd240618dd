"""The screen that renders any flow view: a title, the page for ``view.screen``, and a footer.

Pages are small builder functions registered by name (one per flow view); they read the view's
plain data and call ``env.emit(action, value)`` when touched. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.screens.base import Screen, UiContext, label
from kiosk.screens.widgets import button


@dataclass
class PageEnv:
    ui: UiContext
    emit: Callable[[str, Any], None]
    services: Any = None
    title: str = ""
    prompt: str = ""
    show_home: bool = True
    cleanups: list[Callable[[], None]] = field(default_factory=list)


Builder = Callable[[View, PageEnv], QWidget]
PAGES: dict[str, Builder] = {}


def page(name: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        PAGES[name] = fn
        return fn

    return register


class FlowScreen(Screen):
    """Emits ``action(name, value)`` for every touch the current page hands back."""

    screen_id = "flow"
    action = Signal(str, object)

    def __init__(self, services: Any = None) -> None:
        super().__init__()
        self.services = services
        self.view: View | None = None
        self.page_widget: QWidget | None = None
        self._env: PageEnv | None = None
        self.title = label("Title", wrap=True)
        self.prompt = label("Prompt", wrap=True)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.home_btn = button("", role="secondary", on_click=lambda: self.action.emit("home", None))
        self.help_btn = button("", role="help", on_click=lambda: self.action.emit("help", None))
        footer = QHBoxLayout()
        footer.addWidget(self.home_btn)
        footer.addStretch(1)
        footer.addWidget(self.help_btn)
        self._lay = lay = QVBoxLayout(self)
        lay.setContentsMargins(56, 18, 56, 16)
        lay.setSpacing(10)
        lay.addWidget(self.title)
        lay.addWidget(self.prompt)
        lay.addLayout(self.body, 1)
        lay.addLayout(footer)
        self._ui = UiContext()

    def render_view(self, view: View, ui: UiContext) -> None:
        """Replace the page with one built for ``view``."""
        self._ui = ui
        self.view = view
        self._dispose()
        if ui.compact:
            self._lay.setContentsMargins(28, 6, 28, 6)
            self._lay.setSpacing(4)
        env = PageEnv(ui=ui, emit=self._emit, services=self.services)
        builder = PAGES.get(view.screen, PAGES["busy"])
        widget = builder(view, env)
        self._env = env
        self.page_widget = widget
        self.body.addWidget(widget, 1)
        widget.show()  # a layout shows new children only later, from the event loop
        self.title.setText(env.title)
        self.title.setVisible(bool(env.title))
        self.prompt.setText(env.prompt)
        self.prompt.setVisible(bool(env.prompt))
        self.home_btn.setText(ui.tr("action.home"))
        self.home_btn.setVisible(env.show_home)
        self.help_btn.setText(ui.tr("action.help"))

    def retranslate(self, ui: UiContext) -> None:
        if self.view is not None:
            self.render_view(self.view, ui)

    def clear(self) -> None:
        """Drop the page (and whatever it showed) when the visit ends."""
        self._dispose()
        self.view = None

    def _dispose(self) -> None:
        if self._env is not None:
            for fn in self._env.cleanups:
                fn()
            self._env = None
        if self.page_widget is not None:
            self.body.removeWidget(self.page_widget)
            self.page_widget.hide()
            self.page_widget.deleteLater()
            self.page_widget = None

    def _emit(self, action: str, value: Any = None) -> None:
        self.action.emit(action, value)
