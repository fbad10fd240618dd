"""Load settings from TOML plus ``--set`` overrides; every failure becomes one :class:`ConfigError`
line naming the key path and what was expected."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.settings import Settings
from devices import registry

DEFAULT_CONFIG = Path(__file__).with_name("default.toml")


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line a technician can act on."""

    code = "config.invalid"


def load_settings(path: str | Path | None = None, overrides: Iterable[str] = (), *,
                  device_kinds: Iterable[str] = registry.KINDS) -> Settings:
    """Read ``path`` (default ``config/default.toml``), apply ``a.b.c=value`` overrides, validate.

    Outside demo mode the production guard refuses the demo secrets and, for the ``device_kinds`` the
    calling program opens (every kind by default), a twin driver unless ``devices.allow_twins = true``.
    Raises ConfigError with a one-line, key-specific message.
    """
    file = Path(path) if path else DEFAULT_CONFIG
    data = _read_toml(file)
    for item in overrides:
        _apply_override(data, item)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{file}: {_describe(exc)}") from None
    _refuse_demo_secrets(settings, file)
    _refuse_twins(settings, file, device_kinds)
    return settings


# Secrets published in this repository (config/default.toml): fine for a demo, never for a hall.
_DEMO_SECRETS = {("kiosk", "technician_pin"): "246810"}


def _refuse_demo_secrets(settings: Settings, file: Path) -> None:
    if settings.server.demo_mode:
        return
    for (table, key), value in _DEMO_SECRETS.items():
        if getattr(getattr(settings, table), key) == value:
            raise ConfigError(f"{file}: {table}.{key}: the demo value shipped with the suite is refused unless "
                              f"server.demo_mode = true; set one of your own (or empty to disable)")


def _refuse_twins(settings: Settings, file: Path, kinds: Iterable[str]) -> None:
    """A twin (emulator, simulator) behind a real hall's screen would hand citizens made-up cards and
    print nothing: outside demo mode only a test bench that says so (``devices.allow_twins``) runs one."""
    if settings.server.demo_mode or settings.devices.allow_twins:
        return
    for kind in kinds:
        conf = getattr(settings.devices, kind)
        if conf.enabled and registry.is_twin(kind, conf.driver):
            real = ", ".join(sorted(registry.PRODUCT_DRIVERS.get(kind, {}))) or "a plug-in driver"
            raise ConfigError(f"{file}: devices.{kind}.driver: {conf.driver!r} is a twin (emulated device), refused "
                              f"unless server.demo_mode = true or devices.allow_twins = true (test benches); "
                              f"choose a real driver ({real}) or set devices.{kind}.enabled = false")


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.__class__.__name__})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except RecursionError:
        # tomllib recurses once per nesting level: thousands of "[" must not escape as a traceback
        raise ConfigError(f"{file}: not valid TOML: arrays or tables nested too deeply") from None


def _parse_value(raw: str) -> Any:
    """A TOML literal when it is one (``5``, ``true``, ``"x"``, ``[1, 2]``), else the plain string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return raw


def _apply_override(data: dict[str, Any], item: str) -> None:
    key, sep, raw = item.partition("=")
    parts = key.strip().split(".")
    if not sep or not all(parts):
        raise ConfigError(f"--set {item!r}: expected the form a.b.c=value")
    node = data
    for depth, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            path = ".".join(parts[: depth + 1])
            raise ConfigError(f"--set {key}: {path} is a value, not a table")
        node = child
    value = _parse_value(raw.strip())
    if isinstance(value, int | float) and _is_text_setting(parts):
        value = raw.strip()  # a PIN or a camera index given bare: the setting is text, keep it as typed
    node[parts[-1]] = value


def _is_text_setting(parts: list[str]) -> bool:
    """True when ``a.b.c`` names a setting whose type is text (str or a path)."""
    model: Any = Settings
    for part in parts[:-1]:
        field = model.model_fields.get(part)
        if field is None or not hasattr(field.annotation, "model_fields"):
            return False
        model = field.annotation
    field = model.model_fields.get(parts[-1])
    if field is None:
        return False
    return field.annotation in (str, Path, Path | None, str | None)


def _describe(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    path = ".".join(_key_text(p) for p in err["loc"]) or "(top level)"
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        expected = _known_keys(err["loc"][:-1])
        return f"{path}: unknown key; expected one of {', '.join(expected)}"
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
        if msg.startswith("options"):  # a driver's own options table: name the key inside it
            path, _, msg = f"{path}.{msg}".partition(": ")
    got = err.get("input")
    shown = "" if isinstance(got, Mapping) or got is None else f" (got {got!r})"
    more = len(exc.errors()) - 1
    return f"{path}: {msg}{shown}" + (f" [+{more} more]" if more > 0 else "")


def _key_text(part: Any) -> str:
    """A key as the technician would type it; odd keys (blanks, dots, newlines) quoted so the message
    stays one line."""
    text = str(part)
    return text if text and text.isprintable() and " " not in text and "." not in text else json.dumps(text)


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Settings
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None or not hasattr(field.annotation, "model_fields"):
            return []
        model = field.annotation
    return sorted(field.alias or name for name, field in model.model_fields.items())
