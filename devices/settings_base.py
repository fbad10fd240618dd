"""Base of every ``devices.<kind>`` settings table: a driver name checked against the registry.

Each kind's own table lives in ``devices/<kind>/settings.py`` so its driver options sit next to
its drivers; the suite's config package gathers them.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, field_validator

from devices import registry


class DeviceSettings(BaseModel):
    """Common to all kinds: which driver, and whether the terminal has this device at all."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str] = ""

    driver: str
    enabled: bool = True

    @field_validator("driver")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        names = registry.available(cls.kind)
        if value not in names:
            raise ValueError(f"unknown driver {value!r}; expected one of {', '.join(sorted(names))}")
        return value

    def options(self) -> dict[str, object]:
        """Keyword options for the driver's constructor (everything but driver/enabled)."""
        return self.model_dump(exclude={"driver", "enabled"})
