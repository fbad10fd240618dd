"""Background work with callbacks on the GUI thread: ``runner.op(fn).success(cb).failure(cb).run()``.

Blocking calls (HTTP, serial, printing, the outbox) run on a small thread pool; their outcome comes
back through a queued Qt signal, so every callback runs on the GUI thread, and never inside the
``submit`` call that started the work. A failure no callback handles is logged, never raised into
Qt; a broken callback is logged and the next one still runs; after ``shutdown()`` nothing new
starts and no callback runs (the window it would touch is going away).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def log_failure(exc: BaseException) -> None:
    """The failure callback of an op that names none: a warning with the error's code, no message."""
    log.warning("background call failed: %s", getattr(exc, "code", None) or exc.__class__.__name__)


class Op:
    """One background call, built by :meth:`Runner.op`; nothing happens until :meth:`run`."""

    def __init__(self, runner: Runner, fn: Callable[[], Any]) -> None:
        self._runner, self._fn = runner, fn
        self._success: Done = _ignore
        self._failure: Failed = log_failure

    def success(self, cb: Done) -> Op:
        """``cb(result)`` on the GUI thread when ``fn`` returned."""
        self._success = cb
        return self

    def failure(self, cb: Failed) -> Op:
        """``cb(exc)`` on the GUI thread when ``fn`` raised (default: logged)."""
        self._failure = cb
        return self

    def run(self) -> None:
        self._runner.submit(self._fn, self._success, self._failure)


class Runner(QObject):
    """A thread pool whose results come back on the GUI thread. Call it from the GUI thread only."""

    _finished = Signal(object)

    def __init__(self, *, workers: int = 2, name: str = "qt-op") -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        # Queued even when the work was done before the callback was attached: never re-entrant.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.pending = 0  # started and not yet delivered (tests wait for 0)
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def op(self, fn: Callable[[], Any]) -> Op:
        return Op(self, fn)

    def submit(self, fn: Callable[[], Any], done: Done, failed: Failed) -> None:
        """``fn()`` on the pool, then ``done(result)`` or ``failed(exc)`` on the GUI thread."""
        if self._closed:
            return
        self.pending += 1
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._emit((f, done, failed)))

    def fire(self, fn: Callable[[], Any]) -> None:
        """Fire and forget (voice prompts, status reads): a failure is logged, never shown."""
        self.submit(fn, _ignore, log_failure)

    def shutdown(self) -> None:
        """Start nothing more, drop work not yet started and every callback still to come."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _emit(self, item: tuple[Future[Any], Done, Failed]) -> None:
        try:
            self._finished.emit(item)
        except RuntimeError:  # the QObject is gone at exit: nothing left to tell
            pass

    def _deliver(self, item: tuple[Future[Any], Done, Failed]) -> None:
        future, done, failed = item
        self.pending -= 1
        if self._closed or future.cancelled():
            return
        exc = future.exception()
        try:
            if exc is not None:
                failed(exc)
            else:
                done(future.result())
        except Exception:  # a broken callback must not take the window down
            log.exception("callback failed")


def _ignore(_result: Any) -> None:
    return None
