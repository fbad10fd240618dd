"""Run one terminal window as a program: the QApplication, full screen or not, a clean quit, an exit code.

SIGINT (Ctrl+C) and SIGTERM (systemd stop) end the event loop normally, so the window's runner,
events socket and outbox are closed on the way out and the exit code is 0. Python handles a
signal only when it runs some bytecode, which it never does while Qt waits for events; a short
timer gives it that chance.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import cast

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from hall.qtkit.plaintext import install_plain_text
from hall.qtkit.window import TerminalWindow

log = logging.getLogger(__name__)

FONT = "Noto Sans CJK SC"  # covers Chinese; fontconfig substitutes a sans-serif where it is missing
QUIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SIGNAL_POLL_MS = 200


def make_application() -> QApplication:
    """The process's QApplication (made on the first call) with the hall's CJK font; every label plain text."""
    app = cast(QApplication, QApplication.instance() or QApplication([sys.argv[0]]))
    font = QFont(FONT)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    install_plain_text(app)  # citizen text is never rendered as markup (hall.qtkit.plaintext)
    return app


def show_window(window: QWidget, *, fullscreen: bool, maximized: bool = False) -> None:
    """Full screen, maximised, or as a window at the size it was built with."""
    if fullscreen:
        window.showFullScreen()
    elif maximized:
        window.showMaximized()
    else:
        window.show()


@contextmanager
def quit_on_signals(app: QApplication) -> Iterator[None]:
    """Inside, SIGINT and SIGTERM make ``app`` leave its event loop; the old handlers are put back after."""
    requested: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        requested.append(signum)  # no Qt call inside a signal handler: the timer acts on it

    def poll() -> None:
        if requested:
            log.info("%s received: quitting", signal.Signals(requested[0]).name)
            app.quit()

    previous = {sig: signal.signal(sig, on_signal) for sig in QUIT_SIGNALS}
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(SIGNAL_POLL_MS)
    try:
        yield
    finally:
        timer.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_window(window: QWidget, *, fullscreen: bool, on_exit: Sequence[Callable[[], None]] = (),
               maximized: bool = False) -> int:
    """Show ``window`` and run the event loop until the window closes, the app quits or a quit signal comes.

    Then a :class:`TerminalWindow` is shut down and each ``on_exit`` callable runs in order (what the
    window does not own: the kiosk's services, the pad's outbox); one that fails is logged and the
    rest still run. Returns the event loop's exit code.
    """
    app = make_application()
    try:
        with quit_on_signals(app):
            show_window(window, fullscreen=fullscreen, maximized=maximized)
            return int(app.exec())
    finally:
        closers = [window.shutdown] if isinstance(window, TerminalWindow) else []
        for close in (*closers, *on_exit):
            try:
                close()
            except Exception:  # exiting anyway: the others must still close
                log.exception("closing at exit failed")
