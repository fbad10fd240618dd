"""``python main.py display``: the calling display, full-screen unless ``--windowed``."""

from __future__ import annotations

import argparse
import logging
from typing import Any

log = logging.getLogger(__name__)


def terminal_token(settings: Any) -> str:
    """The display's token: ``terminal.token`` or the first line of ``terminal.token_file`` ('' if unreadable)."""
    from offline_cache.errors import CacheError
    from offline_cache.factory import read_token

    try:
        return read_token(settings)
    except CacheError:
        log.error("terminal.token_file cannot be read; the display will show the reconnect banner")
        return ""


def open_voice(settings: Any, faults: list[str] | None = None) -> Any | None:
    """The configured voice device, opened; None (logged, its code added to ``faults``) when disabled or
    broken: calls still show, and the heartbeat tells the manager the hall is silent."""
    from devices import registry
    from devices.errors import DeviceError

    voice_settings = settings.devices.voice
    if not voice_settings.enabled:
        return None
    try:
        voice = registry.open_device("voice", voice_settings.driver, **voice_settings.options())
        voice.open()
    except DeviceError as exc:
        log.error("voice device unavailable (%s): calls are shown but not announced", exc.code)
        if faults is not None:
            faults.append(exc.code)
        return None
    return voice


def build_display(settings: Any, *, voice: Any | None = None, token: str | None = None,
                  orientation: str | None = None, voice_fault: str | None = None) -> Any:
    """The display window (not yet started), sized 1920×1080 or 1080×1920."""
    from hall.display.window import DisplayWindow

    d = settings.display
    portrait = (orientation or d.orientation) == "portrait"
    win = DisplayWindow(server_url=settings.hall.server_url, token=terminal_token(settings) if token is None else token,
                        voice=voice, hall_zh=settings.hall.name_zh, hall_en=settings.hall.name_en, notice=d.notice,
                        english=d.english, portrait=portrait, repeat=settings.devices.voice.repeat, latest=d.latest,
                        history=d.history, blink_s=d.blink_s, show_names=d.show_names,
                        timezone=settings.hall.timezone, terminal_id=f"display-{settings.terminal.id}"[:32],
                        media_dir=d.media_dir, media_image_s=d.media_image_s, voice_fault=voice_fault)
    win.resize(1080, 1920) if portrait else win.resize(1920, 1080)
    return win


def run_display(args: argparse.Namespace, settings: Any) -> int:
    from hall.qtkit.launch import make_application, run_window

    make_application()
    faults: list[str] = []
    win = build_display(settings, voice=open_voice(settings, faults), voice_fault=faults[0] if faults else None)
    win.start()
    return run_window(win, fullscreen=not getattr(args, "windowed", False))
