"""``[devices.printer]`` options."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from devices.settings_base import DeviceSettings


class PrinterSettings(DeviceSettings):
    kind: ClassVar[str] = "printer"

    driver: str = "capture"
    # usb:VID:PID, serial:/dev/ttyS0[:baud], tcp:HOST[:PORT], file:/dev/usb/lp0
    connection: str = ""
    paper_mm: Literal[58, 80] = 80
    # "native" QR command or "image" fallback for printers without GS ( k.
    qr_mode: Literal["native", "image"] = "native"
    # capture driver: where captured jobs are written (empty = keep in memory only).
    capture_dir: str = ""
    # every read/write on the connection gives up after this long
    timeout_s: float = Field(default=5.0, gt=0, le=60)
    # idle status polling (DLE EOT) that raises paper_out etc. events; 0 = only around jobs
    status_poll_s: float = Field(default=2.0, ge=0, le=60)
