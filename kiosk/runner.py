"""Background work with callbacks on the GUI thread (Anki's ``op().success().failure()`` idea).

Blocking calls (HTTP, serial, printing) run on a small thread pool; their outcome comes back as a
queued Qt signal, so every callback runs on the GUI thread. Device events cross the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class Runner(QObject):
    """``submit(fn, done, failed)``: ``fn`` off the GUI thread, then ``done(result)`` or ``failed(exc)`` on it."""

    _finished = Signal(object)

    def __init__(self, *, workers: int = 4) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-work")
        self._finished.connect(self._deliver)
        self.pending = 0
        self.closed = False

    def submit(self, fn: Callable[[], Any], done: Callable[[Any], None],
               failed: Callable[[BaseException], None]) -> None:
        if self.closed:
            return  # the kiosk is shutting down: nothing new starts
        self.pending += 1
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit((f, done, failed)))

    def fire(self, fn: Callable[[], Any]) -> None:
        """Fire and forget (voice prompts, status reads): failures are logged, never shown."""
        self.submit(fn, lambda _r: None, lambda exc: log.warning("background job failed: %s",
                                                                  exc.__class__.__name__))

    def _deliver(self, item: tuple[Future[Any], Callable[[Any], None], Callable[[BaseException], None]]) -> None:
        future, done, failed = item
        self.pending -= 1
        exc = future.exception()
        try:
            if exc is not None:
                failed(exc)
            else:
                done(future.result())
        except Exception:  # a broken callback must not take the kiosk down
            log.exception("callback failed")

    def shutdown(self) -> None:
        self.closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


class DeviceHub(QObject):
    """Device listeners run on device threads; this re-emits their events on the GUI thread."""

    event = Signal(str, str, object)
    online_changed = Signal(bool)

    def listener(self, kind: str) -> Callable[[Any], None]:
        def on_event(ev: Any) -> None:
            self.event.emit(kind, str(getattr(ev, "name", "")), getattr(ev, "payload", None))

        return on_event
