"""``python -m kiosk.screenshots``: render kiosk screens offscreen into docs/screenshots/*.png.

The README's home screenshot (docs/screenshots/home_zh.png) comes from here, never drawn by hand.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def render_home(out_dir: Path) -> list[Path]:
    """Home in both languages, elderly mode, and portrait, with the live-sized queue strip of the fit test."""
    from config import load_settings
    from hall.qtkit.launch import make_application
    from kiosk.app import build_window
    from kiosk.screens.home import QueueLine
    from kiosk.screenshot_views import live_queue

    app = make_application()
    settings = load_settings()
    variants: list[tuple[str, dict[str, Any]]] = [
        ("home_zh.png", {"lang": "zh_CN"}),
        ("home_en.png", {"lang": "en"}),
        ("home_zh_elderly.png", {"lang": "zh_CN", "elderly": True}),
        ("home_en_elderly.png", {"lang": "en", "elderly": True}),
        ("home_zh_portrait.png", {"lang": "zh_CN", "orientation": "portrait"}),
    ]
    written = []
    for name, opts in variants:
        win = build_window(settings, **opts)
        win.home.set_queue([QueueLine(*q) for q in live_queue()])  # as a hall's morning shows it, not "loading"
        win.show()
        app.processEvents()
        path = out_dir / name
        if not win.grab().save(str(path)):
            raise OSError(f"cannot write {path}")
        written.append(path)
        win.close()
        win.deleteLater()
    app.processEvents()
    return written


GALLERY_WIDTH = {"landscape": 640, "portrait": 360}  # modest PNGs: the gallery is for looking, not zooming
GALLERY_LANGS = ("zh_CN", "en", "bo", "ug")  # the same tables as tests/unit/kiosk/test_screen_fit.py
GALLERY_MODES: dict[str, dict[str, Any]] = {"standard": {}, "elderly": {"elderly": True},
                                            "accessible": {"accessible": True}}


def _save_small(image: Any, path: Path) -> None:
    """A 64-colour PNG without dithering: flat kiosk colours stay exact, a picture is ~12 kB."""
    import io

    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise OSError(f"cannot encode {path}")
    small = Image.open(io.BytesIO(bytes(data.data()))).convert("RGB").quantize(colors=64, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def each_screen(win: Any) -> Iterator[str]:
    """Show every screen in ``win`` in turn — home with the live queue strip, every sample view, the
    panels over a screen (呼叫帮助, "leave now?") — and yield each one's name once it is laid out.
    The fit test and the gallery both walk this, so the gallery shows exactly what was tested."""
    from PySide6.QtWidgets import QApplication

    from kiosk.flows.base import View
    from kiosk.screens.home import QueueLine
    from kiosk.screens.overlays import IdleOverlay, ModalOverlay
    from kiosk.screenshot_views import OVERLAYS, live_queue, sample_views

    win.home.set_queue([QueueLine(*q) for q in live_queue()])
    views = dict(sample_views())
    for name, view in [("home", View("home")), *views.items()]:
        win.show_view(view)
        QApplication.processEvents()  # posted layout requests run, as they would before the next paint
        yield name
    panel = ModalOverlay(win)
    for name, under, key, buttons in OVERLAYS:
        win.show_view(views[under])
        panel.show_message(key, list(buttons), win.ui)
        QApplication.processEvents()
        yield name
        panel.close_panel()
    panel.deleteLater()
    idle = IdleOverlay(win)  # "are you still there?" over a form half filled
    idle.show_seconds(8, win.ui)
    QApplication.processEvents()
    yield "idle_countdown"
    idle.hide()
    idle.deleteLater()


class DoesNotFit(RuntimeError):
    """A screen that does not fit is never put in the gallery (the fit test says why)."""


def render_gallery(out_dir: Path, langs: tuple[str, ...] = GALLERY_LANGS) -> list[Path]:
    """Every screen × screen size × language × mode, as ``test_screen_fit`` renders them (live queue
    strip, all the hall's lines, long names), into ``gallery/<screen>/<lang>-<mode>/<screen name>.png``."""
    from PySide6.QtCore import Qt

    from config import load_settings
    from hall.qtkit.launch import make_application
    from kiosk.app import build_window
    from kiosk.screen_fit import SCREENS, fit_problems

    app = make_application()
    settings = load_settings()
    written = []
    for screen in SCREENS:
        for lang in langs:
            for mode, opts in GALLERY_MODES.items():
                folder = out_dir / "gallery" / screen.folder / f"{lang}-{mode}"
                folder.mkdir(parents=True, exist_ok=True)
                win = build_window(settings, lang=lang, orientation=screen.orientation,
                                   size=(screen.width, screen.height), **opts)
                win.show()
                for name in each_screen(win):
                    problems = fit_problems(win, (screen.width, screen.height))
                    if problems:
                        raise DoesNotFit(f"{screen.folder} {lang}-{mode} {name}: {problems[0]}")
                    image = win.grab().toImage().scaledToWidth(GALLERY_WIDTH[screen.orientation],
                                                               Qt.TransformationMode.SmoothTransformation)
                    path = folder / f"{name}.png"
                    _save_small(image, path)
                    written.append(path)
                win.close()
                win.deleteLater()
                app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default docs/screenshots)")
    parser.add_argument("--home-only", action="store_true", help="only the home screens (README)")
    parser.add_argument("--lang", action="append", choices=GALLERY_LANGS,
                        help="only these languages' gallery (repeat; default all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    (args.out / "gallery").mkdir(parents=True, exist_ok=True)
    try:
        langs = tuple(args.lang or GALLERY_LANGS)
        paths = render_home(args.out) + ([] if args.home_only else render_gallery(args.out, langs))
    except DoesNotFit as exc:
        print(f"kiosk.screenshots: a screen does not fit, no gallery written for it: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
