"""``python main.py evaluator --window N``: the evaluation pad facing the citizen at a counter."""

from __future__ import annotations

import argparse
import logging
from typing import Any

log = logging.getLogger(__name__)


def build_evaluator(settings: Any, *, window: int, terminal: Any) -> Any:
    from hall.display.app import terminal_token
    from hall.evaluator.window import EvaluatorWindow

    win = EvaluatorWindow(server_url=settings.hall.server_url, token=terminal_token(settings), window=window,
                          terminal=terminal, clerk=settings.counter.clerk_name,
                          rating_timeout_s=settings.counter.rating_timeout_s)
    win.resize(1280, 800)
    return win


def run_evaluator(args: argparse.Namespace, settings: Any) -> int:
    from hall.qtkit.launch import make_application, run_window
    from offline_cache.errors import CacheError
    from offline_cache.factory import open_terminal

    try:
        terminal = open_terminal(settings)
    except CacheError as exc:
        log.error("the evaluation pad needs its outbox (%s): check [cache] in the settings", exc.code)
        return 1
    make_application()
    win = build_evaluator(settings, window=args.window, terminal=terminal)
    win.start()
    return run_window(win, fullscreen=not getattr(args, "windowed", False), on_exit=[terminal.close])
