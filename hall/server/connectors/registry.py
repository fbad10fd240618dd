"""Connector registry: ``[connectors.<kind>] driver = "…"`` picks an outside-system connector by name.

Built like the device drivers' registry (:mod:`devices.registry`): a plain table kind → name →
``"module:Class"``, imported only when chosen, extended by the entry-point group
``hall_suite.connectors`` (entry names ``"<kind>.<name>"``). An unknown name and a module that fails to
import are different errors, both naming the valid choices. A connector class is called with the
:class:`ConnectorContext` and the kind's ``options`` table as keyword arguments.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from config.plugins import targets_by_kind
from hall.server.connectors.elicense import ELicenseLibrary
from hall.server.core.security import Keyring
from hall.server.domain.notifications import Notifier

ENTRY_POINT_GROUP = "hall_suite.connectors"
KINDS: tuple[str, ...] = ("sms", "wechat", "elicense")

BUILTIN: dict[str, dict[str, str]] = {
    "sms": {"log": "hall.server.connectors.notify:LoggingNotifier"},
    "wechat": {"log": "hall.server.connectors.notify:LoggingNotifier"},
    "elicense": {"file": "hall.server.connectors.elicense:FileELicenseLibrary"},
}
DEFAULTS: dict[str, str] = {"sms": "log", "wechat": "log", "elicense": "file"}


class ConnectorError(Exception):
    code = "connector.error"


class ConnectorNotFound(ConnectorError):
    code = "connector.not_found"


class ConnectorImportFailed(ConnectorError):
    code = "connector.import_failed"


@dataclass(frozen=True)
class ConnectorContext:
    """What every connector may need from the server: its keys (to hash ID numbers), its data folder."""

    keyring: Keyring
    data_dir: Path
    demo_mode: bool = False


@dataclass(frozen=True)
class Choice:
    driver: str
    options: Mapping[str, Any] = field(default_factory=dict)


@cache
def _plugins() -> dict[str, dict[str, str]]:
    return targets_by_kind(ENTRY_POINT_GROUP, KINDS)


def available(kind: str) -> dict[str, str]:
    if kind not in KINDS:
        raise ConnectorNotFound(f"unknown connector kind {kind!r}; expected one of {', '.join(KINDS)}")
    return {**BUILTIN.get(kind, {}), **_plugins().get(kind, {})}


def build(kind: str, choice: Choice, context: ConnectorContext) -> Any:
    """The connector ``choice`` names for ``kind``. Raises ConnectorNotFound / ConnectorImportFailed."""
    drivers = available(kind)
    target = drivers.get(choice.driver)
    if target is None:
        raise ConnectorNotFound(f"connectors.{kind}.driver: unknown driver {choice.driver!r}; "
                                f"expected one of {', '.join(sorted(drivers))}")
    module_name, _, attr = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, OSError) as exc:
        raise ConnectorImportFailed(f"connectors.{kind}.driver={choice.driver!r} could not be loaded "
                                    f"({exc.__class__.__name__}); choose another of {', '.join(sorted(drivers))}"
                                    ) from exc
    try:
        return factory(context=context, **dict(choice.options))
    except TypeError as exc:
        raise ConnectorError(f"connectors.{kind}.options: {exc}") from exc


@dataclass(frozen=True)
class Connectors:
    """The hall's outside systems, one connector per kind."""

    sms: Notifier
    wechat: Notifier
    elicense: ELicenseLibrary

    def notifier(self, channel: str) -> Notifier:
        return self.wechat if channel == "wechat" else self.sms


def build_all(choices: Mapping[str, Choice], context: ConnectorContext) -> Connectors:
    picked = {kind: choices.get(kind, Choice(DEFAULTS[kind])) for kind in KINDS}
    return Connectors(**{kind: build(kind, choice, context) for kind, choice in picked.items()})
