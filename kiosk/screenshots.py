"""``python -m kiosk.screenshots``: render kiosk screens offscreen into docs/screenshots/*.png.

The README's home screenshot (docs/screenshots/home_zh.png) comes from here, never drawn by hand.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def render_home(out_dir: Path) -> list[Path]:
    """Home in both languages, elderly mode, and portrait."""
    from config import load_settings
    from hall.qtkit.launch import make_application
    from kiosk.app import build_window

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


def render_gallery(out_dir: Path, *, width: int = 960) -> list[Path]:
    """Every screen in Chinese, English and elderly mode (Chinese), scaled to ``width`` px."""
    from PySide6.QtCore import Qt

    from config import load_settings
    from hall.qtkit.launch import make_application
    from kiosk.app import build_window
    from kiosk.screenshot_views import sample_views

    app = make_application()
    settings = load_settings()
    written = []
    variants: list[tuple[str, dict[str, Any]]] = [
        ("zh", {"lang": "zh_CN"}), ("en", {"lang": "en"}), ("zh_elderly", {"lang": "zh_CN", "elderly": True})]
    for suffix, opts in variants:
        win = build_window(settings, **opts)
        win.show()
        for name, view in sample_views():
            win.show_view(view)
            app.processEvents()
            path = out_dir / "gallery" / f"{name}_{suffix}.png"
            image = win.grab().scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
            if not image.save(str(path)):
                raise OSError(f"cannot write {path}")
            written.append(path)
        win.close()
        win.deleteLater()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default docs/screenshots)")
    parser.add_argument("--home-only", action="store_true", help="only the home screens (README)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    (args.out / "gallery").mkdir(parents=True, exist_ok=True)
    paths = render_home(args.out) + ([] if args.home_only else render_gallery(args.out))
    for path in paths:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
