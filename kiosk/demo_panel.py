"""The demo's device panel (issue 14.11): a small window beside the kiosk that plays the citizen's hands.

Each button is one tiny action on a device twin the running kiosk really uses (the GA 467 emulator, the
virtual social-security card behind pcscd, the simulated code scanner, the capture printer) or on the
demo's in-process hall server. Device calls may block (a card insertion waits for pcscd), so they run
on the kiosk's runner and the panel shows the outcome in its status line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# demo people on the emulated ID card reader (devices/twins/id_card/identities.py), one of them 70
PEOPLE: tuple[str, ...] = ("resident", "resident_photo", "resident_long_term", "resident_x", "hk_resident",
                           "foreigner_2023")
# codes a citizen may present, made for the chosen person by the demo's hall server when pressed
EXAMPLES: tuple[tuple[str, str], ...] = (("booking", "booking"), ("service code", "service_code"))


def person_label(key: str, *, today: date | None = None) -> str:
    """``张伟 (36)``: the demo card's name and age, as the panel lists it."""
    from devices.twins.id_card.identities import IDENTITIES

    fields = IDENTITIES[key].fields
    born, now = fields["birth"], today or date.today()
    age = now.year - int(born[:4]) - ((now.month, now.day) < (int(born[4:6]), int(born[6:8])))
    return f"{fields['name']} ({age})"


class Examples(Protocol):
    """Makes a real code for a demo person (hall.demo_examples.DemoExamples); raises with a ``reason``."""

    def booking(self, person: str) -> tuple[str, str]: ...  # (text to scan, what it is)

    def service_code(self, person: str) -> tuple[str, str]: ...


class ServerControl(Protocol):
    """The demo's hall server, stopped and started from the panel."""

    @property
    def running(self) -> bool: ...

    def stop(self) -> None: ...

    def start(self) -> None: ...


class DemoPanel(QWidget):
    """Buttons for the kiosk's twins; ``drivers`` are the running kiosk's, ``run(fn, done)`` runs off
    the GUI thread (the kiosk's runner), ``server`` may be None (no server control)."""

    def __init__(self, drivers: dict[str, Any], *, run: Callable[..., Any], server: ServerControl | None = None,
                 base_url: str = "", examples: Examples | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Demo devices")
        self.drivers, self._run, self.server, self.examples = drivers, run, server, examples
        self.status = QLabel("ready")
        self.status.setObjectName("DemoStatus")
        self.status.setWordWrap(True)
        self.person = QComboBox()
        for key in PEOPLE:
            self.person.addItem(person_label(key), key)
        self.code = QLineEdit()
        self.code.setPlaceholderText("code to scan")
        self.buttons: dict[str, QPushButton] = {}
        lay = QVBoxLayout(self)
        lay.addWidget(self._group("ID card", [self.person], [("id_insert", "Insert", self.insert_id),
                                                                      ("id_remove", "Remove", self.remove_id)]))
        lay.addWidget(self._group("Social-security card", [], [("ss_insert", "Insert", self.insert_ss),
                                                                        ("ss_pull", "Pull", self.pull_ss)]))
        presets = [(f"scan_{kind}", name, lambda _=False, k=kind: self.scan_example(k))
                   for name, kind in EXAMPLES] if examples is not None else []
        lay.addWidget(self._group("Scanner", [self.code], [("scan", "Scan", lambda: self.scan(self.code.text())),
                                                           *presets]))
        lay.addWidget(self._group("Printer", [], [("paper_pull", "Pull paper", self.pull_paper),
                                                  ("paper_refill", "Refill", self.refill_paper)]))
        if server is not None:
            lay.addWidget(self._group(f"Hall server {base_url}", [], [("server_stop", "Stop", self.stop_server),
                                                                      ("server_start", "Start", self.start_server)]))
        lay.addWidget(self.status)
        lay.addStretch(1)

    def _group(self, title: str, fields: list[QWidget],
               actions: list[tuple[str, str, Callable[..., None]]]) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        for i, w in enumerate(fields):
            grid.addWidget(w, i, 0)
        row = QHBoxLayout()
        for name, text, fn in actions:
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(lambda _=False, f=fn: f())
            self.buttons[name] = b
            row.addWidget(b)
        grid.addLayout(row, len(fields), 0)
        return box

    # -- one action each ---------------------------------------------------------------------------
    def insert_id(self) -> None:
        key = str(self.person.currentData())
        self._do("id_card", lambda d: d.place_card(key), f"ID card on the reader: {self.person.currentText()}")

    def remove_id(self) -> None:
        self._do("id_card", lambda d: d.remove_card(), "ID card removed")

    def insert_ss(self) -> None:
        self._do("ss_card", lambda d: d.insert_card(), "social-security card inserted")

    def pull_ss(self) -> None:
        self._do("ss_card", lambda d: d.remove_card(), "social-security card pulled")

    def scan(self, code: str) -> None:
        code = code.strip()
        if not code:
            self.status.setText("type a code to scan first")
            return
        self._do("code_scanner", lambda d: d.present_line(code), f"scanned {code[:40]}")

    def scan_example(self, kind: str) -> None:
        """A fresh code of ``kind`` for the chosen person, made by the server, then scanned."""
        examples, driver = self.examples, self.drivers.get("code_scanner")
        if examples is None or driver is None:
            self.status.setText("no code scanner in this demo" if driver is None else "no hall server to ask")
            return
        person = str(self.person.currentData())
        make = getattr(examples, kind)

        def run() -> str:
            text, what = make(person)
            driver.present_line(text)
            return f"scanned {kind.replace('_', ' ')} for {self.person.currentText()} ({what})"

        self.status.setText("…")
        self._run(run, self.status.setText,
                  lambda exc: self.status.setText(f"failed: {getattr(exc, 'reason', exc.__class__.__name__)}"))

    def pull_paper(self) -> None:
        self._do("printer", lambda d: d.simulate_paper_out(), "paper pulled: the printer is out of paper")

    def refill_paper(self) -> None:
        self._do("printer", lambda d: d.device.load_paper(), "paper refilled")

    def stop_server(self) -> None:
        server = self.server
        if server is not None:
            self._call(server.stop, "hall server stopped: the kiosk goes offline")

    def start_server(self) -> None:
        server = self.server
        if server is not None:
            self._call(server.start, "hall server started")

    # -- plumbing ----------------------------------------------------------------------------------
    def _do(self, kind: str, fn: Callable[[Any], Any], done: str) -> None:
        driver = self.drivers.get(kind)
        if driver is None:
            self.status.setText(f"no {kind} device in this demo")
            return
        self._call(lambda: fn(driver), done)

    def _call(self, fn: Callable[[], Any], done: str) -> None:
        self.status.setText("…")
        self._run(fn, lambda _r: self.status.setText(done),
                  lambda exc: self.status.setText(f"failed: {getattr(exc, 'code', exc.__class__.__name__)}"))
