"""``pcsc_virtual_reader``: real pcscd with the vpcd driver and a virtual card the test controls.

pcscd runs in the foreground as a child we own, once per test module (the machine is shared);
every test gets a fresh card. When we may use mount namespaces (root), the session's pcscd is
private: its socket lives in a session directory (``PCSCLITE_CSOCK_NAME``, which libpcsclite reads
once per process, so it is set here at plugin import) and vpcd listens on a free port pair
(``HALL_VPCD_PORT``). Otherwise the system paths are used and a file lock keeps sessions apart.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from devices.errors import DeviceOffline
from devices.ss_card.pcsc_io import wait_reader_empty, wait_reader_present
from devices.twins.ss_card.card_model import Fault, Holder, Issuer, VirtualSsCard
from devices.twins.ss_card.pcscd import (
    DEFAULT_SOCKET,
    PcscDaemon,
    can_isolate,
    missing_tools,
    pcscd_alive,
    socket_path,
    vpcd_port,
)
from devices.twins.ss_card.psam_model import VirtualPsam
from devices.twins.ss_card.vpcd import VirtualCard, VpcdClient
from tests.rigs import free_port, ports_free, rig_missing

CARD_READER = "Virtual PCD 00 00"
PSAM_READER = "Virtual PCD 00 01"


def _free_port_pair() -> int:
    """Two free ports for vpcd (card slot, PSAM slot), below the kernel's ephemeral range: by the time
    this module's pcscd starts, a port from that range could be some test's outgoing connection and
    pcscd would come up with no readers (seen in CI)."""
    return free_port(2)


def _pair_free(port: int) -> bool:
    """Can vpcd bind ``port`` (card slot) and ``port + 1`` (PSAM slot)?"""
    return ports_free(port, 2)


def _private_session() -> None:
    if os.environ.get("PCSCLITE_CSOCK_NAME") or missing_tools() or not can_isolate():
        return
    run_dir = tempfile.mkdtemp(prefix="hall-pcscd-run-")
    os.environ["PCSCLITE_CSOCK_NAME"] = os.path.join(run_dir, "pcscd.comm")
    os.environ["HALL_VPCD_PORT"] = str(_free_port_pair())
    atexit.register(shutil.rmtree, run_dir, True)


_private_session()


@dataclass
class VirtualReaderRig:
    """Controls for the test: insert/remove a virtual card (and PSAM), restart pcscd."""

    daemon: PcscDaemon
    reader_name: str = CARD_READER
    psam_reader_name: str = PSAM_READER
    card: VirtualSsCard | None = None
    _clients: dict[int, VpcdClient] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.daemon.port

    def insert(self, card: VirtualCard | None = None, *, generation: str = "2.0",
               holder: Holder | None = None, issuer: Issuer | None = None, answer_style: str = "t0",
               fault: Fault | str = Fault.NONE) -> Any:
        """Insert ``card`` (or a VirtualSsCard built from the options) into the card slot."""
        if card is None:
            card = VirtualSsCard(generation=generation, holder=holder or Holder(), issuer=issuer or Issuer(),
                                 answer_style=answer_style, fault=Fault(fault))
        self.remove()
        client = VpcdClient(card, port=self.port)
        client.insert()
        self._clients[self.port] = client
        if isinstance(card, VirtualSsCard):
            self.card = card
        return card

    def remove(self) -> None:
        client = self._clients.pop(self.port, None)
        if client is not None:
            client.remove()
            wait_reader_empty(self.reader_name)

    def insert_psam(self, psam: VirtualPsam | None = None) -> VirtualPsam:
        psam = psam or VirtualPsam()
        self.remove_psam()
        client = VpcdClient(psam, port=self.port + 1)
        client.insert()
        self._clients[self.port + 1] = client
        wait_reader_present(self.psam_reader_name)  # a PSAM sits in its slot before any card comes
        return psam

    def remove_psam(self) -> None:
        client = self._clients.pop(self.port + 1, None)
        if client is not None:
            client.remove()
            wait_reader_empty(self.psam_reader_name)

    def remove_all(self) -> None:
        self.remove()
        self.remove_psam()

    def stop_pcscd(self) -> None:
        self.remove_all()
        self.daemon.stop()

    def start_pcscd(self) -> None:
        self.daemon.start()

    def restart_pcscd(self) -> None:
        self.stop_pcscd()
        self.start_pcscd()


def _start_daemon(*, retry_taken_ports: bool) -> PcscDaemon:
    daemon = PcscDaemon(port=vpcd_port())
    try:
        daemon.start()
    except DeviceOffline:
        if not retry_taken_ports or _pair_free(daemon.port):
            raise
        # our private pair was taken since the session chose it (another session's rig): once more
        os.environ["HALL_VPCD_PORT"] = str(_free_port_pair())
        daemon = PcscDaemon(port=vpcd_port())
        daemon.start()
    return daemon


@pytest.fixture(scope="module")
def _pcscd_daemon() -> Iterator[PcscDaemon]:
    reason = missing_tools()
    if reason:
        rig_missing(reason)
    lock_fh = None
    if socket_path() == DEFAULT_SOCKET:
        # shared system paths: one session at a time may own pcscd and the vpcd ports
        lock_fh = open("/tmp/hall-suite-pcscd.lock", "w")  # held for the whole module
        fcntl.flock(lock_fh, fcntl.LOCK_EX)
        if pcscd_alive():
            lock_fh.close()
            rig_missing("another pcscd is running on the system socket; stop it to run the PC/SC rig")
    try:
        daemon = _start_daemon(retry_taken_ports=lock_fh is None)
    except DeviceOffline as exc:
        if lock_fh:
            lock_fh.close()
        rig_missing(f"pcscd would not start: {exc}")
    yield daemon
    daemon.stop()
    if lock_fh:
        lock_fh.close()


@pytest.fixture
def pcsc_virtual_reader(_pcscd_daemon: PcscDaemon) -> Iterator[VirtualReaderRig]:
    if not _pcscd_daemon.running:  # a test stopped it and failed before starting it again
        _pcscd_daemon.start()
    rig = VirtualReaderRig(_pcscd_daemon)
    yield rig
    rig.remove_all()
