"""Driver ``pcsc-emulator``: a virtual card behind the real pcscd, read by the real ``pcsc`` driver.

Starts its own pcscd (foreground child, SIGTERM on stop) when none is running, inserts a virtual
social-security card through vpcd and reads it with :class:`PcscSocialSecurityReader` — the same
wire path as a real reader. Without pcscd or vpcd the status is offline with a message that says
what to install, and reads raise DeviceOffline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from devices.errors import DeviceOffline
from devices.ss_card.pcsc_driver import PcscSocialSecurityReader
from devices.ss_card.pcsc_io import wait_reader_empty, wait_reader_present
from devices.ss_card.protocol import SsCardRecord
from devices.ss_card.psam import PsamKeys
from devices.status import DeviceStatus, Health
from devices.twins.ss_card.card_model import Fault, Holder, Issuer, VirtualSsCard
from devices.twins.ss_card.pcscd import PcscDaemon, missing_tools, pcscd_alive, vpcd_port
from devices.twins.ss_card.psam_model import VirtualPsam
from devices.twins.ss_card.vpcd import VpcdClient
from devices.worker import DeviceEvent

log = logging.getLogger(__name__)

VIRTUAL_CARD_READER = "Virtual PCD 00 00"
VIRTUAL_PSAM_READER = "Virtual PCD 00 01"


class EmulatedPcscReader:
    """The twin: options as ``[devices.ss_card]`` plus the virtual card inserted at start."""

    kind = "ss_card"
    driver_name = "pcsc-emulator"

    def __init__(
        self, *, reader: str = "", psam_reader: str = "", timeout_s: float = 2.0, poll_interval_s: float = 0.3,
        generation: str = "2.0", insert_on_start: bool = True, answer_style: str = "t0",
    ) -> None:
        self._psam_wanted = bool(psam_reader)
        self._reader = PcscSocialSecurityReader(
            reader=reader or VIRTUAL_CARD_READER,
            psam_reader=(psam_reader or VIRTUAL_PSAM_READER) if psam_reader else "",
            timeout_s=timeout_s, poll_interval_s=poll_interval_s, psam_keys=PsamKeys(),
        )
        self._reader.driver_name = self.driver_name  # status names the twin
        self._generation, self._answer_style = generation, answer_style
        self._insert_on_start = insert_on_start
        self._daemon: PcscDaemon | None = None
        self._card: VpcdClient | None = None
        self._psam: VpcdClient | None = None
        self._failure: DeviceOffline | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def open(self) -> None:
        """Bring up pcscd (if needed), the PSAM and the demo card. Failures land in status()."""
        try:
            self._ensure_pcscd()
        except DeviceOffline as exc:
            log.warning("pcsc-emulator unavailable: %s", exc)
            self._failure = exc
            return
        self._failure = None
        self._reader.open()
        try:
            if self._psam_wanted:
                self._psam = VpcdClient(VirtualPsam(), port=vpcd_port() + 1)
                self._psam.insert()
                wait_reader_present(VIRTUAL_PSAM_READER)
            if self._insert_on_start:
                self.insert_card(generation=self._generation, answer_style=self._answer_style)
        except DeviceOffline as exc:  # a pcscd without the vpcd driver
            log.warning("pcsc-emulator cannot insert its card: %s", exc)
            self._failure = exc

    def _ensure_pcscd(self) -> None:
        reason = missing_tools()
        if reason:
            raise DeviceOffline(f"the social-security card twin needs pcscd and vpcd: {reason}")
        if not pcscd_alive():
            daemon = PcscDaemon()
            daemon.start()  # raises DeviceOffline with pcscd's own words
            self._daemon = daemon

    def close(self) -> None:
        self._reader.close()  # release the PC/SC context before pcscd goes
        self.remove_card()
        if self._psam is not None:
            self._psam.remove()
            self._psam = None
        if self._daemon is not None:
            self._daemon.stop()
            self._daemon = None

    # -- the card slot, for the demo and the technician screen -------------------------------
    def insert_card(
        self, *, generation: str = "2.0", holder: Holder | None = None, issuer: Issuer | None = None,
        answer_style: str = "t0", fault: Fault | str = Fault.NONE,
    ) -> VirtualSsCard:
        """Put a virtual card into the slot (replacing one already there). Raises DeviceOffline."""
        if self._failure is not None:
            raise self._failure
        card = VirtualSsCard(generation=generation, holder=holder or Holder(), issuer=issuer or Issuer(),
                             answer_style=answer_style, fault=Fault(fault))
        self.remove_card()
        client = VpcdClient(card, port=vpcd_port())
        client.insert()
        self._card = client
        return card

    def remove_card(self) -> None:
        if self._card is not None:
            self._card.remove()
            self._card = None
            wait_reader_empty(VIRTUAL_CARD_READER)

    @property
    def card_inserted(self) -> bool:
        return self._card is not None and self._card.inserted

    # -- SocialSecurityCardReader --------------------------------------------------------------
    def status(self) -> DeviceStatus:
        if self._failure is not None:
            return DeviceStatus(self.kind, self.driver_name, Health.OFFLINE, "ss_card.twin_unavailable",
                                "社保卡模拟器不可用（缺少 pcscd 或 vpcd）", str(self._failure))
        return self._reader.status()

    def read_card(self, *, timeout_s: float | None = None) -> SsCardRecord:
        if self._failure is not None:
            raise self._failure
        return self._reader.read_card(timeout_s=timeout_s)

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._reader.subscribe(listener)

    def readers(self) -> list[str]:
        if self._failure is not None:
            raise self._failure
        return self._reader.readers()
