"""Events from other threads reach the window on the GUI thread; closing a window stops it all, once."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject

from hall.qtkit.bridge import DeviceHub
from hall.qtkit.window import TerminalWindow
from tests.rigs.waiting import budget, qt_wait_until


class Recorder(TerminalWindow):
    def __init__(self) -> None:
        super().__init__(runner_name="test-window", workers=1)
        self.events_seen: list[tuple[str, threading.Thread]] = []
        self.states: list[tuple[bool, threading.Thread]] = []
        self.released = 0

    def on_event(self, event: dict[str, Any]) -> None:
        self.events_seen.append((event["type"], threading.current_thread()))

    def on_online(self, online: bool) -> None:
        self.states.append((online, threading.current_thread()))

    def release(self) -> None:
        self.released += 1


def _from_another_thread(fn: Any, *args: Any) -> None:
    t = threading.Thread(target=fn, args=args, name="socket-stand-in")
    t.start()
    t.join(budget(10))


def test_events_and_online_state_arrive_on_the_gui_thread(qtbot: Any) -> None:
    win = Recorder()
    qtbot.addWidget(win)
    _from_another_thread(win.bridge.on_state, True)
    _from_another_thread(win.bridge.on_event, {"type": "ticket.called"})
    _from_another_thread(win.bridge.on_state, False)
    qt_wait_until(qtbot, lambda: len(win.events_seen) == 1 and len(win.states) == 2)
    assert [s for s, _ in win.states] == [True, False]
    assert win.events_seen[0][0] == "ticket.called"
    threads = [t for _, t in win.events_seen] + [t for _, t in win.states]
    assert set(threads) == {threading.main_thread()}


def test_closing_stops_the_events_socket_and_the_runner_once(qtbot: Any) -> None:
    win = Recorder()
    qtbot.addWidget(win)
    win.listen("http://127.0.0.1:9", "no-token", name="qtkit-test")  # nothing listens there: it keeps retrying
    assert any(t.name == "events-qtkit-test" for t in threading.enumerate())
    win.show()
    win.close()
    win.shutdown()
    assert win.closed and win.runner.closed and win.released == 1
    assert not any(t.name == "events-qtkit-test" for t in threading.enumerate())
    win.listen("http://127.0.0.1:9", "no-token", name="qtkit-test")  # a late reconnect after close: ignored
    assert not any(t.name == "events-qtkit-test" for t in threading.enumerate())


def test_device_events_and_the_outbox_state_reach_the_gui_thread(qtbot: Any) -> None:
    class Event:
        name, payload = "card_placed", {"masked": "110101********1234"}

    class Controller(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[tuple[Any, ...]] = []

        def device_event(self, kind: str, name: str, payload: Any) -> None:
            self.seen.append((kind, name, payload, threading.current_thread()))

        def set_online(self, online: bool) -> None:
            self.seen.append((online, threading.current_thread()))

    hub, controller = DeviceHub(), Controller()
    hub.device.connect(controller.device_event)
    hub.online.connect(controller.set_online)
    _from_another_thread(hub.listener("id_card"), Event())
    _from_another_thread(hub.on_state, 0)
    qt_wait_until(qtbot, lambda: len(controller.seen) == 2)
    assert controller.seen[0] == ("id_card", "card_placed", {"masked": "110101********1234"},
                                  threading.main_thread())
    assert controller.seen[1] == (False, threading.main_thread())
