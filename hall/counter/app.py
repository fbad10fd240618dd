"""``python main.py counter --window N``: the clerk's counter terminal."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
WINDOWED = (1600, 960)  # without a screen to measure (no display yet)


def clerk_token(settings: Any) -> str:
    """``counter.token``, else the first line of ``counter.token_file``; '' means: ask at the login screen."""
    c = settings.counter
    if c.token:
        return str(c.token)
    if c.token_file is None:
        return ""
    try:
        return Path(c.token_file).read_text(encoding="utf-8").strip().splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError):
        log.error("counter.token_file cannot be read; the clerk logs in by hand")
        return ""


def build_counter(settings: Any, *, window: int) -> Any:
    import tempfile

    from hall.counter.notice import NoticePrinter
    from hall.counter.window import CounterWindow
    from hall.qtkit.screen_fit import available_size

    c = settings.counter
    notices = NoticePrinter(printer=settings.devices.printer, hall_name=settings.hall.name_zh, output=c.notice_output,
                            pdf_dir=Path(c.notice_dir or Path(tempfile.gettempdir()) / "hall-notices"))
    win = CounterWindow(server_url=settings.hall.server_url, window=window, clerk=c.clerk_name, notices=notices,
                        timezone=settings.hall.timezone)
    # The screen's usable part (less the taskbar), whatever it is: 1366×768, 1280×1024, 1920×1080…
    # (docs/counter-display.md); the window is shown full screen or maximised on it.
    win.fit_screen(available_size() or WINDOWED)
    return win


def run_counter(args: argparse.Namespace, settings: Any) -> int:
    from hall.qtkit.launch import make_application, run_window

    if not 1 <= args.window <= 9999:
        log.error("--window must be 1..9999")
        return 2
    make_application()
    win = build_counter(settings, window=args.window)
    token = clerk_token(settings)
    if token:
        win.do_login(token, settings.counter.clerk_name)
    windowed = getattr(args, "windowed", False)
    return run_window(win, fullscreen=not windowed, maximized=windowed)
