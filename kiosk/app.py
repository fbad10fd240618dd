"""``python main.py kiosk``: start Qt, paint the home screen first, then bring up the rest.

Imports stay lazy: Qt and the home screen load before anything slow (devices, OpenCV, HTTP),
so the citizen sees the home screen quickly; services start after the first paint.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any


def process_start_epoch() -> float:
    """When this process was created (epoch seconds), from /proc; falls back to import time."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/stat", encoding="ascii") as f:
            btime = next(int(line.split()[1]) for line in f if line.startswith("btime"))
        return btime + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return _IMPORTED_AT


_IMPORTED_AT = time.time()


def offered_languages(*chosen: str | None) -> tuple[str, ...]:
    """The language buttons: 中文 and English everywhere, plus Tibetan or Uyghur where the hall's
    default (``kiosk.language``) or the requested language is one of them (bilingual halls)."""
    return ("zh_CN", "en", *dict.fromkeys(c for c in chosen if c in ("bo", "ug")))


def build_window(settings: Any, *, lang: str | None = None, elderly: bool | None = None,
                 orientation: str | None = None, size: tuple[int, int] | None = None,
                 accessible: bool | None = None) -> Any:
    """The kiosk window at ``size`` (default 1920×1080 landscape or 1080×1920 portrait); it never grows
    past that size, whatever its content asks for (tests/unit/kiosk/test_screen_fit.py proves the
    content fits)."""
    from kiosk.screens.window import KioskWindow

    k = settings.kiosk
    portrait = (orientation or k.orientation) == "portrait"
    if size is None:
        size = (1080, 1920) if portrait else (1920, 1080)
    win = KioskWindow(hall_zh=settings.hall.name_zh, hall_en=settings.hall.name_en,
                      timezone=settings.hall.timezone, lang=lang or k.language,
                      elderly=k.elderly_mode if elderly is None else elderly, portrait=portrait,
                      screen=size, langs=offered_languages(k.language, lang),
                      accessible=k.accessible_mode if accessible is None else accessible)
    win.resize(*size)
    return win


def use_onscreen_keyboard() -> None:
    """Free-text answers (企业名称 without a business licence, 新住所) are typed on Qt's on-screen keyboard,
    which PySide6 bundles with pinyin input: ``QT_IM_MODULE=qtvirtualkeyboard`` unless the environment
    chose an input method already, and a Chinese default locale so the keyboard opens in 简体中文 (its
    globe key switches to English). Must run before the QApplication is made."""
    if os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard") == "qtvirtualkeyboard":
        from PySide6.QtCore import QLocale

        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def run_kiosk(args: argparse.Namespace, settings: Any, *, on_started: Any = None) -> int:
    """Run the kiosk until quit; ``--exit-after-paint`` and ``--screenshot`` exit after the home paint.
    ``on_started(controller)`` runs on the GUI thread once the services are up (the demo's device panel);
    what it returns, if callable, runs at exit."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from hall.qtkit.launch import make_application, run_window

    use_onscreen_keyboard()
    app = make_application()
    screenshot = getattr(args, "screenshot", None)
    exit_after_paint = bool(getattr(args, "exit_after_paint", False))
    fullscreen = settings.kiosk.fullscreen and not (args.windowed or screenshot or exit_after_paint)
    screen = app.primaryScreen()
    size = None
    if fullscreen and screen is not None:
        geo = screen.geometry()  # full screen: the window is exactly the screen, never larger
        size = (geo.width(), geo.height()) if geo.width() >= 800 and geo.height() >= 600 else None
    win = build_window(settings, size=size)
    status = {"code": 0}
    state: dict[str, Any] = {}

    def first_paint() -> None:
        if exit_after_paint:
            print(f"home_painted_s={time.time() - process_start_epoch():.3f} painted_at={time.time():.6f}",
                  flush=True)
        if screenshot:
            if not win.grab().save(screenshot):
                print(f"kiosk: cannot write screenshot {screenshot}", file=sys.stderr)
                status["code"] = 1
        if exit_after_paint or screenshot:
            app.quit()
            return
        from kiosk.services import start_services

        try:
            state["controller"] = start_services(win, settings)
            if on_started is not None:
                state["started"] = on_started(state["controller"])
        except Exception as exc:  # noqa: BLE001 (the home screen stays up; the technician sees why)
            import logging

            logging.getLogger(__name__).error("kiosk services failed to start: %s", getattr(exc, "code", exc))

    class PaintWatch(QObject):
        done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                QTimer.singleShot(0, first_paint)
                QTimer.singleShot(0, lambda: win.home.removeEventFilter(self))  # one paint is all we need
            return False

    def close_services() -> None:
        if callable(state.get("started")):
            state["started"]()
        controller = state.get("controller")
        if controller is not None:
            controller.close()

    watch = PaintWatch()
    win.home.installEventFilter(watch)
    code = run_window(win, fullscreen=fullscreen, on_exit=[close_services])
    return status["code"] or code
