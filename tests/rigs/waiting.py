"""Waiting in tests: wait for the event, with budgets that grow with the machine's load.

Every test that waits for something (a predicate, a Qt state, a file, a log line, a port, a process)
waits through this module; no test calls ``time.sleep`` or names a bare timeout of its own.

A test states the budget an idle machine needs, with a margin (``timeout_s=8``). The budget is
multiplied by :func:`scale`: ``HALL_TEST_WAIT_SCALE`` when set, otherwise the load average per core
(never below 1, at most ``MAX_SCALE``). The scale is read again while waiting, so a machine that gets
busy half-way extends the wait instead of failing it. A wait ends as soon as its event happens: a
fast machine never waits longer than the event takes.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SCALE_ENV = "HALL_TEST_WAIT_SCALE"
MAX_SCALE = 12.0
_FIRST_POLL_S = 0.005
_MAX_POLL_S = 0.1


class WaitTimeout(AssertionError):
    """The awaited event did not happen within the (scaled) budget; a failed assertion to pytest."""


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def scale() -> float:
    """How much longer than on an idle machine waits may take: env override, else load per core."""
    configured = os.environ.get(SCALE_ENV, "").strip()
    if configured:
        try:
            value = float(configured)
        except ValueError:
            raise ValueError(f"{SCALE_ENV} must be a number like 1 or 2.5, not {configured!r}") from None
        if value <= 0:
            raise ValueError(f"{SCALE_ENV} must be greater than 0, not {configured!r}")
        return value
    try:
        one, five, _ = os.getloadavg()
    except OSError:  # no load average on this platform
        return 1.0
    return min(MAX_SCALE, max(1.0, max(one, five) / _cores()))


def budget(seconds: float) -> float:
    """``seconds`` (what an idle machine needs) scaled to the machine's current load."""
    return seconds * scale()


def budget_ms(milliseconds: float) -> int:
    """:func:`budget` for APIs that count milliseconds (Playwright, Qt)."""
    return int(milliseconds * scale())


def _what(predicate: Callable[..., Any], what: str | None) -> str:
    if what:
        return what
    name = getattr(predicate, "__qualname__", repr(predicate))
    code = getattr(predicate, "__code__", None)
    where = f" ({Path(code.co_filename).name}:{code.co_firstlineno})" if code is not None else ""
    return f"{name}{where}"


def _timeout(what: str, elapsed: float, timeout_s: float, cause: BaseException | None = None) -> WaitTimeout:
    error = WaitTimeout(f"{what} did not happen within {elapsed:.1f} s "
                        f"(budget {timeout_s:g} s × load scale {scale():.1f}; {SCALE_ENV} overrides the scale)")
    error.__cause__ = cause
    return error


def wait_until(predicate: Callable[[], T], *, timeout_s: float = 10.0, what: str | None = None,
               interval_s: float = _FIRST_POLL_S, max_interval_s: float = _MAX_POLL_S) -> T:
    """Call ``predicate`` until it returns something truthy and return that.

    Polls quickly at first, then less often (up to ``max_interval_s``). An ``AssertionError`` raised
    by the predicate counts as "not yet". Raises :class:`WaitTimeout` past the scaled budget.
    """
    start = time.monotonic()
    delay = interval_s
    while True:
        last: AssertionError | None = None
        try:
            value = predicate()
        except AssertionError as exc:
            value, last = None, exc
        if value:
            return value
        elapsed = time.monotonic() - start
        allowed = budget(timeout_s)
        if elapsed >= allowed:
            raise _timeout(_what(predicate, what), elapsed, timeout_s, last)
        time.sleep(min(delay, allowed - elapsed))
        delay = min(delay * 1.5, max(interval_s, max_interval_s))


async def async_wait_until(predicate: Callable[[], T | Awaitable[T]], *, timeout_s: float = 10.0,
                           what: str | None = None, interval_s: float = _FIRST_POLL_S) -> T:
    """:func:`wait_until` for a running event loop (the predicate may be a coroutine function)."""
    start = time.monotonic()
    delay = interval_s
    while True:
        value = predicate()
        if asyncio.iscoroutine(value) or isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        elapsed = time.monotonic() - start
        allowed = budget(timeout_s)
        if elapsed >= allowed:
            raise _timeout(_what(predicate, what), elapsed, timeout_s)
        await asyncio.sleep(min(delay, allowed - elapsed))
        delay = min(delay * 1.5, max(interval_s, _MAX_POLL_S))


async def within(awaitable: Awaitable[T], timeout_s: float) -> T:
    """``await`` one event (a socket message, a task) within the scaled budget."""
    return await asyncio.wait_for(awaitable, budget(timeout_s))


def qt_wait_until(qtbot: Any, condition: Callable[[], bool | None], *, timeout: int = 5000,
                  what: str | None = None) -> None:
    """``qtbot.waitUntil`` with a scaled budget (``timeout`` in ms, as pytest-qt counts it).

    Qt events are processed between checks, so signals and queued callbacks land. Like pytest-qt, a
    condition returning None passes unless it raised ``AssertionError``.
    """
    __tracebackhide__ = True
    start = time.monotonic()
    while True:
        last: AssertionError | None = None
        try:
            result = condition()
        except AssertionError as exc:
            last = exc
        else:
            if result is None or result:
                return
        elapsed = time.monotonic() - start
        if elapsed * 1000 >= budget_ms(timeout):
            raise _timeout(_what(condition, what), elapsed, timeout / 1000, last)
        qtbot.wait(10)


def wait_for_file(path: Path, *, timeout_s: float = 10.0) -> Path:
    """Wait until ``path`` exists."""
    wait_until(path.exists, timeout_s=timeout_s, what=f"file {path}")
    return path


def wait_for_text(path: Path, text: str, *, timeout_s: float = 10.0) -> str:
    """Wait until the file at ``path`` (a log) contains ``text``; return the whole file."""

    def seen() -> str:
        try:
            content = path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return content if text in content else ""

    return wait_until(seen, timeout_s=timeout_s, what=f"{text!r} in {path.name}", max_interval_s=0.05)


def wait_for_port(port: int, *, host: str = "127.0.0.1", timeout_s: float = 10.0) -> None:
    """Wait until something accepts TCP connections on ``host:port``."""

    def accepting() -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False

    wait_until(accepting, timeout_s=timeout_s, what=f"a listener on {host}:{port}")


def wait_for_exit(process: Any, *, timeout_s: float = 10.0) -> int:
    """Wait for a ``subprocess.Popen`` (or ``multiprocessing.Process``) to end; return its exit code."""
    if hasattr(process, "returncode") and hasattr(process, "poll"):
        return int(process.wait(budget(timeout_s)))
    process.join(budget(timeout_s))
    if process.is_alive():
        raise _timeout(f"exit of process {process.pid}", budget(timeout_s), timeout_s)
    return int(process.exitcode)


def pass_time(seconds: float, *, reason: str) -> None:
    """Let real time pass where the behaviour under test is about time itself (a cache that lives one
    second, an outage that must last a while, "nothing happens for N poll rounds"). Not a wait for an
    event: use it only when no event exists, and say why in ``reason``."""
    if not reason:
        raise ValueError("pass_time needs the reason why no event can be awaited")
    time.sleep(seconds)


def poll_pause(seconds: float = 0.01) -> None:
    """The pause between two rounds of a loop that drives the system (a client sending, a writer
    writing) rather than waiting for it."""
    time.sleep(seconds)


async def async_pause(seconds: float = 0.01) -> None:
    """:func:`poll_pause` inside an event loop."""
    await asyncio.sleep(seconds)


def qt_pass_time(qtbot: Any, milliseconds: int, *, reason: str) -> None:
    """:func:`pass_time` with Qt events processed meanwhile (an input that lasts, like a short press)."""
    if not reason:
        raise ValueError("qt_pass_time needs the reason why no event can be awaited")
    qtbot.wait(milliseconds)


def citizen_budget_under_load(settings: Any) -> Any:
    """Terminal settings whose ``cache.ticket_budget_s`` (how long a citizen waits for the server's
    answer before the terminal hands out an offline ticket; at most 1 s in a hall) is scaled with load.

    On a loaded test machine the server's answer can take longer than in a hall, and the terminal would
    hand out an offline ticket where the test expects the server's answer or refusal (seen with two
    suites at once). A server that is down still fails at once (the connection is refused), and the
    rigs that make a server slow on purpose scale their delay by the same factor. ``model_copy`` keeps
    the rest of the validated settings and skips the 1 s hall limit on purpose.
    """
    cache = settings.cache.model_copy(update={"ticket_budget_s": budget(settings.cache.ticket_budget_s)})
    return settings.model_copy(update={"cache": cache})


def scale_http_defaults() -> None:
    """httpx's own default timeout (5 s; what a test's ``httpx.post(...)`` without ``timeout=`` gets)
    scaled with load, in the test process only. Product clients name their timeouts and keep them."""
    import httpx
    from httpx import _api

    timeout = httpx.Timeout(budget(5.0))
    functions = [getattr(_api, name) for name in ("request", "get", "post", "put", "patch", "delete", "head",
                                                   "options", "stream")]
    for function in [*functions, httpx.Client.__init__, httpx.AsyncClient.__init__]:
        defaults = function.__kwdefaults__
        if defaults and isinstance(defaults.get("timeout"), httpx.Timeout):
            defaults["timeout"] = timeout
