"""Callbacks from other threads re-emitted as signals on the GUI thread.

The hall events client calls its listeners on its socket thread, device drivers on their own
threads, the outbox on its sync worker; widgets may only be touched on the GUI thread. A bridge is
a QObject living on the GUI thread: its listener methods may be called from any thread and its
signals reach slots of GUI objects queued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class EventBridge(QObject):
    """``on_event``/``on_state`` are the listeners of a :class:`hall.client.events.EventsClient`."""

    received = Signal(dict)
    online = Signal(bool)

    def on_event(self, event: dict[str, Any]) -> None:
        _emit(self.received, event)

    def on_state(self, online: bool) -> None:
        _emit(self.online, bool(online))


class DeviceHub(EventBridge):
    """Also the listener of each device: ``device(kind, name, payload)`` for every device event."""

    device = Signal(str, str, object)

    def listener(self, kind: str) -> Callable[[Any], None]:
        """A listener for the device of ``kind``; its events carry ``name`` and ``payload``."""

        def on_device_event(ev: Any) -> None:
            _emit(self.device, kind, str(getattr(ev, "name", "")), getattr(ev, "payload", None))

        return on_device_event


def _emit(signal: SignalInstance, *values: Any) -> None:
    try:
        signal.emit(*values)
    except RuntimeError:  # the bridge is gone (window closed at exit) and a thread spoke late
        pass
