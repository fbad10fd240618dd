"""Device health as reported by every driver: ok / degraded / offline with a stable code."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Codes a driver reports between construction and its first real look at the device: not yet a verdict.
# ``devices diagnose`` waits (bounded) until a status leaves them.
STARTING_CODES = frozenset({"id_card.closed", "ss_card.stopped", "device.camera.closed", "device.scanner.closed"})


class Health(enum.StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """One reading of a device's health; messages in zh_CN and en for people."""

    kind: str
    driver: str
    health: Health
    code: str = "ok"
    message_zh: str = "正常"
    message_en: str = "OK"
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return self.health is Health.OK

    @property
    def settled(self) -> bool:
        """False while the driver has not yet looked at its device (opening, first poll pending)."""
        return self.code not in STARTING_CODES

    def heartbeat_row(self) -> dict[str, str]:
        """This status as a terminal's heartbeat sends it (the server's field limits, no time stamp)."""
        return {"kind": self.kind[:32], "driver": str(self.driver)[:64], "health": self.health.value,
                "code": str(self.code)[:64], "message_zh": str(self.message_zh)[:200],
                "message_en": str(self.message_en)[:200]}

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "driver": self.driver,
            "health": self.health.value,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "at": self.at.astimezone().isoformat(timespec="seconds"),  # local time, as technicians read it
        }
