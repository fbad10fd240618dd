"""One logging set-up for every program: structured lines, every record passed through redaction, a
message that keeps repeating written once per window (a kiosk runs for months on a small disk)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from config.privacy import redact

_FMT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


class RedactingFilter(logging.Filter):
    """Renders the message (and any traceback) once, masks ID numbers, and freezes the result."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        return True


_MAX_KEYS = 2000  # distinct repeating messages remembered; the oldest is forgotten first


class RepeatLimiter(logging.Filter):
    """The same message from the same place passes once per ``window_s``; the copies held back are
    counted, and the next one let through says how many (``… [N more like this in 60 s]``).

    "The same" is logger, level, wording and arguments — except float arguments (a retry delay), so a
    change of state (``status: ok`` after ``status: offline``) is always written at once. One verdict per
    record, kept on it, so every handler agrees. ``window_s`` 0 lets everything through.
    """

    def __init__(self, *, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window_s, self._clock = window_s, clock
        self._seen: dict[tuple[object, ...], list[float]] = {}  # key -> [first passed at, held back]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        verdict = getattr(record, "_hall_repeat", None)
        if verdict is None:
            verdict = self._decide(record)
            record._hall_repeat = verdict
        return bool(verdict)

    def _decide(self, record: logging.LogRecord) -> bool:
        if self.window_s <= 0:
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        key = (record.name, record.levelno, str(record.msg),
               *(repr(a) for a in args if not isinstance(a, float)))
        now = self._clock()
        with self._lock:
            entry = self._seen.get(key)
            if entry is not None and now - entry[0] < self.window_s:
                entry[1] += 1
                return False
            held = int(entry[1]) if entry is not None else 0
            self._seen.pop(key, None)
            self._seen[key] = [now, 0]
            if len(self._seen) > _MAX_KEYS:
                del self._seen[next(iter(self._seen))]
        if held:
            record.msg = f"{record.msg} [{held} more like this in {self.window_s:g} s]"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "msg": record.getMessage(),
        }
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(*, level: str = "INFO", file: Path | None = None, json_lines: bool = False,
                  repeat_window_s: float = 60.0) -> None:
    """Install the suite's handlers on the root logger (idempotent); ``repeat_window_s`` as in
    :class:`RepeatLimiter`."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_hall_suite", False):
            root.removeHandler(handler)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(file, maxBytes=10_000_000, backupCount=5))
    formatter: logging.Formatter = JsonFormatter() if json_lines else logging.Formatter(_FMT)
    limiter = RepeatLimiter(window_s=repeat_window_s)  # one for all handlers: they see the same records
    for handler in handlers:
        handler.addFilter(limiter)  # before redaction: it keys on the wording before the arguments
        handler.addFilter(RedactingFilter())
        handler.setFormatter(formatter)
        handler._hall_suite = True  # type: ignore[attr-defined]  # marks ours, so a second set-up replaces them
        root.addHandler(handler)
    root.setLevel(level)
