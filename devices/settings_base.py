"""Base of every ``devices.<kind>`` settings table: a driver name checked against the registry.

Each kind's own table lives in ``devices/<kind>/settings.py`` so its driver options sit next to
its drivers; the suite's config package gathers them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from devices import registry
from devices.errors import DeviceConfigError, DriverImportFailed


class DeviceSettings(BaseModel):
    """Common to all kinds: which driver, whether the terminal has this device at all, and ``options``:
    a table of the driver's own settings, validated by the driver's ``Options`` model (plug-ins)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    kind: ClassVar[str] = ""

    driver: str
    enabled: bool = True
    # [devices.<kind>.options]: handed to the driver as ``options=<its Options model>``.
    driver_table: dict[str, Any] = Field(default_factory=dict, alias="options")

    @field_validator("driver")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        names = registry.available(cls.kind)
        if value not in names:
            raise ValueError(f"unknown driver {value!r}; expected one of {', '.join(sorted(names))}")
        return value

    @model_validator(mode="after")
    def _options_fit_the_driver(self) -> DeviceSettings:
        # Checked at start-up when the table is given; a driver whose module cannot load is reported
        # when it is opened (DriverImportFailed), so one broken plug-in does not stop the others' config.
        if self.driver_table:
            try:
                driver_options(self.kind, self.driver, self.driver_table)
            except DriverImportFailed:
                pass
            except DeviceConfigError as exc:
                raise ValueError(str(exc)) from None
        return self

    def options(self) -> dict[str, object]:
        """Keyword options for the driver's constructor (everything but driver/enabled), plus ``options``
        (the validated model) for a driver that declares an ``Options`` model.

        Raises DeviceConfigError when the table does not fit the driver's model.
        """
        kwargs: dict[str, object] = self.model_dump(exclude={"driver", "enabled", "driver_table"})
        model = driver_options(self.kind, self.driver, self.driver_table)
        if model is not None:
            kwargs["options"] = model
        return kwargs


def driver_options(kind: str, driver: str, table: dict[str, Any]) -> BaseModel | None:
    """``table`` validated by the ``Options`` model of the driver ``driver`` (None when it has none and the
    table is empty). Raises DeviceConfigError naming the key, DriverImportFailed / DriverNotFound."""
    factory = registry.resolve(kind, driver)
    model = getattr(factory, "Options", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        if table:
            raise DeviceConfigError(f"options: driver {driver!r} takes no options table; remove "
                                    f"[devices.{kind}.options] (its keys are in docs/devices/{kind}.md)")
        return None
    try:
        return model.model_validate(table)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        known = ", ".join(sorted(model.model_fields))
        expected = f"; expected one of {known}" if err["type"] == "extra_forbidden" else ""
        raise DeviceConfigError(f"options.{where}: {err['msg']}{expected}") from None
