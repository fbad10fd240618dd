"""The base of the hall's terminal windows (counter, calling display, evaluation pad).

What each of them does the same way: a :class:`Runner` for its HTTP and outbox calls, the hall
events socket bridged to the GUI thread, and an orderly close — closing the window (or the
launcher, at exit) stops the socket, the pool and whatever the window itself holds, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget

from hall.qtkit.bridge import EventBridge
from hall.qtkit.ops import Runner

if TYPE_CHECKING:
    from hall.client.events import EventsClient


class TerminalWindow(QWidget):
    """Subclasses override :meth:`on_event`, :meth:`on_online` and :meth:`release`."""

    def __init__(self, *, runner_name: str, workers: int = 2) -> None:
        super().__init__()
        self.runner = Runner(workers=workers, name=runner_name)
        self.bridge = EventBridge()
        self.bridge.received.connect(self.on_event)
        self.bridge.online.connect(self.on_online)
        self.events: EventsClient | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def listen(self, server_url: str, token: str, *, name: str) -> None:
        """Connect (or reconnect with another token) to the events socket on its own thread."""
        if self._closed:
            return
        from hall.client.events import EventsClient  # not at import: the kiosk's launch path stays light

        if self.events is not None:
            self.events.stop()
        self.events = EventsClient(server_url, token, on_event=self.bridge.on_event,
                                   on_state=self.bridge.on_state, name=name)
        self.events.start()

    def on_event(self, event: dict[str, Any]) -> None:
        """A server event, on the GUI thread."""

    def on_online(self, online: bool) -> None:
        """The events socket connected (after the server's hello: re-read state now) or was lost."""

    def release(self) -> None:
        """Stop the window's own timers and close its own clients (called once, by shutdown)."""

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the events socket and the runner, then :meth:`release`; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self.events is not None:
            self.events.stop()
        self.runner.shutdown()
        self.release()
