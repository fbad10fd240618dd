"""Qt side of background work for the counter, evaluation pad and display (Anki's op/success/failure).

HTTP runs on a small thread pool and events arrive on the events client's thread; both come back
to the GUI thread through queued signals, so widgets are only touched there. A failure that no
callback handles is logged, never raised into Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class Op:
    """One background call: ``runner.op(fn).success(cb).failure(cb).run()``."""

    def __init__(self, runner: Runner, fn: Callable[[], Any]) -> None:
        self._runner, self._fn = runner, fn
        self._success: Callable[[Any], None] = lambda _r: None
        self._failure: Callable[[BaseException], None] = _log_failure

    def success(self, cb: Callable[[Any], None]) -> Op:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op:
        self._failure = cb
        return self

    def run(self) -> None:
        self._runner.submit(self._fn, self._success, self._failure)


class Runner(QObject):
    """``submit(fn, done, failed)``: ``fn`` on the pool, then ``done``/``failed`` on the GUI thread."""

    _finished = Signal(object)

    def __init__(self, *, workers: int = 2, name: str = "hall-op") -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._finished.connect(self._deliver)
        self.pending = 0
        self._closed = False

    def op(self, fn: Callable[[], Any]) -> Op:
        return Op(self, fn)

    def submit(self, fn: Callable[[], Any], done: Callable[[Any], None],
               failed: Callable[[BaseException], None]) -> None:
        if self._closed:
            return
        self.pending += 1
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._emit((f, done, failed)))

    def _emit(self, item: tuple[Future[Any], Callable[[Any], None], Callable[[BaseException], None]]) -> None:
        try:
            self._finished.emit(item)
        except RuntimeError:  # the QObject is gone at shutdown: nothing left to tell
            pass

    def _deliver(self, item: tuple[Future[Any], Callable[[Any], None], Callable[[BaseException], None]]) -> None:
        future, done, failed = item
        self.pending -= 1
        if future.cancelled():
            return
        exc = future.exception()
        try:
            if exc is not None:
                failed(exc)
            else:
                done(future.result())
        except Exception:  # a broken callback must not take the window down
            log.exception("callback failed")

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


class EventBridge(QObject):
    """Re-emits the events client's callbacks (any thread) as signals on the GUI thread."""

    received = Signal(dict)
    online = Signal(bool)

    def on_event(self, event: dict[str, Any]) -> None:
        self._safe(self.received, event)

    def on_state(self, online: bool) -> None:
        self._safe(self.online, online)

    @staticmethod
    def _safe(signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            pass


def _log_failure(exc: BaseException) -> None:
    log.warning("background call failed: %s", exc.__class__.__name__)
