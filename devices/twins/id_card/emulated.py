"""``ga467-emulator``: the real :class:`Ga467Reader` talking to a :class:`Ga467Emulator` over a pty.

Nothing is short-circuited: the driver opens the pty's slave by path with pyserial and the emulator
answers GA 467 frames on the master, in the same process (used by the demo and the kiosk's tests).
"""

from __future__ import annotations

import os
import tty
import weakref

from devices.errors import DeviceConfigError
from devices.id_card.ga467_driver import Ga467Reader
from devices.twins.id_card.emulator import Ga467Emulator
from devices.twins.id_card.identities import IDENTITIES


def _close_fds(*fds: int) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


class EmulatedGa467Reader(Ga467Reader):
    """A GA 467 reader whose card is emulated; ``emulator`` places and removes cards."""

    driver_name = "ga467-emulator"

    def __init__(self, *, port: str = "", baudrate: int = 115200, timeout_s: float = 1.0,
                 poll_interval_s: float = 0.3, photo_decoder: str = "", read_fingerprint: bool = False,
                 card: str | None = "resident", paced: bool = False) -> None:
        if port:
            raise DeviceConfigError(
                "devices.id_card.port must stay empty with driver 'ga467-emulator' (it opens its own pty); "
                "set driver = 'ga467' to use a real port")
        if card is not None and card not in IDENTITIES:
            raise DeviceConfigError(f"unknown emulated card {card!r}; expected one of {', '.join(IDENTITIES)}")
        master, slave = os.openpty()
        # Raw mode on both ends: the line discipline would otherwise eat or rewrite 0x0D, 0x11, 0x13 …
        tty.setraw(master)
        tty.setraw(slave)
        # Holding the slave open keeps the pty alive while the driver closes and reopens it.
        self._fds = (master, slave)
        self._finalizer = weakref.finalize(self, _close_fds, master, slave)
        self.emulator = Ga467Emulator(fd=master, baudrate=baudrate, paced=paced, card=card)
        self.emulator.start()
        super().__init__(port=os.ttyname(slave), baudrate=baudrate, timeout_s=timeout_s,
                         poll_interval_s=poll_interval_s, photo_decoder=photo_decoder,
                         read_fingerprint=read_fingerprint)

    def place_card(self, card: str = "resident") -> None:
        """Put one of the fictitious cards (``identities.IDENTITIES``) on the emulated reader."""
        if card not in IDENTITIES:
            raise DeviceConfigError(f"unknown emulated card {card!r}; expected one of {', '.join(IDENTITIES)}")
        self.emulator.place_card(card)

    def remove_card(self) -> None:
        self.emulator.remove_card()

    def open(self) -> None:
        self.emulator.start()
        super().open()

    def close(self) -> None:
        super().close()
        self.emulator.stop()

    def release(self) -> None:
        """Close and release the pty; the reader cannot be opened again."""
        self.close()
        self._finalizer()
