"""Two one-line constructors the terminal windows share: a widget with its style-sheet name, a wired timer.

PySide6 accepts Qt properties and signals as constructor keywords (``QLabel("", objectName="x")``,
``QTimer(timeout=fn)``), but its type stubs do not describe them, so mypy cannot check such calls;
these helpers say the same in calls it can check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """``obj`` with its object name set (the style sheets and tests find widgets by it)."""
    obj.setObjectName(name)
    return obj


def timer(parent: QObject, *, interval_ms: int, on_timeout: Callable[[], object], single_shot: bool = False) -> QTimer:
    """A stopped timer owned by ``parent`` that calls ``on_timeout`` on the GUI thread."""
    t = QTimer(parent)
    t.setInterval(interval_ms)
    t.setSingleShot(single_shot)
    t.timeout.connect(on_timeout)
    return t
