"""Connector registry: ``[connectors.<kind>] driver = "…"`` picks an outside-system connector by name.

Built like the device drivers' registry (:mod:`devices.registry`): a plain table kind → name →
``"module:Class"``, imported only when chosen, extended by the entry-point group
``hall_suite.connectors`` (entry names ``"<kind>.<name>"``). An unknown name and a module that fails to
import are different errors, both naming the valid choices. A connector class is called with the
:class:`ConnectorContext` and the kind's ``options`` table as keyword arguments.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.plugins import targets_by_kind
from hall.server.connectors.elicense import ELicenseLibrary
from hall.server.connectors.platform import NoPlatform, Platform
from hall.server.core.security import Keyring
from hall.server.domain.notifications import Notifier

if TYPE_CHECKING:
    from hall.server.core.context import HallContext

ENTRY_POINT_GROUP = "hall_suite.connectors"
KINDS: tuple[str, ...] = ("sms", "wechat", "elicense", "platform")

BUILTIN: dict[str, dict[str, str]] = {
    "sms": {"log": "hall.server.connectors.notify:LoggingNotifier",
            "none": "hall.server.connectors.notify:NoNotifier",
            "smpp": "hall.server.connectors.sms.smpp:make",
            "http": "hall.server.connectors.sms.webhook:make",
            "twin": "hall.server.connectors.twins.inprocess:sms"},
    "wechat": {"log": "hall.server.connectors.notify:LoggingNotifier",
               "none": "hall.server.connectors.notify:NoNotifier"},
    "elicense": {"file": "hall.server.connectors.elicense:FileELicenseLibrary",
                 "none": "hall.server.connectors.elicense:NoELicenseLibrary",
                 "http": "hall.server.connectors.elicense_http:HttpELicenseLibrary",
                 "twin": "hall.server.connectors.twins.inprocess:elicense"},
    "platform": {"log": "hall.server.connectors.platform:LoggingPlatform",
                 "none": "hall.server.connectors.platform:NoPlatform",
                 "http": "hall.server.connectors.platform:make",
                 "twin": "hall.server.connectors.twins.inprocess:platform"},
}
DEFAULTS: dict[str, str] = {"sms": "log", "wechat": "log", "elicense": "file", "platform": "log"}
# Stand-ins for demos and test benches: refused outside demo mode unless connectors.allow_twins = true.
TWINS: frozenset[str] = frozenset({"log", "file", "twin"})


class ConnectorError(Exception):
    code = "connector.error"


class ConnectorNotFound(ConnectorError):
    code = "connector.not_found"


class ConnectorImportFailed(ConnectorError):
    code = "connector.import_failed"


class ConnectorRefused(ConnectorError):
    code = "connector.refused"


@dataclass(frozen=True)
class ConnectorContext:
    """What every connector may need from the server: its keys (to hash ID numbers), its data folder."""

    keyring: Keyring
    data_dir: Path
    demo_mode: bool = False
    allow_twins: bool = False


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
    platform: Platform = field(default_factory=lambda: NoPlatform())

    def notifier(self, channel: str) -> Notifier:
        return self.wechat if channel == "wechat" else self.sms

    def offers(self, channel: str) -> bool:
        """True unless ``channel``'s connector says it sends nothing (``delivers = False``, the ``none``
        driver): the public page offers only channels that send."""
        return bool(getattr(self.notifier(channel), "delivers", True))

    def workers(self) -> list[tuple[str, Callable[[HallContext], Coroutine[Any, Any, None]]]]:
        """The background tasks the connectors need (queue drains, platform push and pull), by name."""
        out: list[tuple[str, Callable[[HallContext], Coroutine[Any, Any, None]]]] = []
        seen: set[int] = set()
        for kind in KINDS:
            connector = getattr(self, kind)
            run = getattr(connector, "run", None)
            if run is not None and id(connector) not in seen:
                seen.add(id(connector))
                out.append((f"connector-{kind}", run))
        return out


def refuse_twins(choices: Mapping[str, Choice], *, demo_mode: bool, allow_twins: bool) -> None:
    """Outside demo mode a stand-in (log, file, twin) would tell citizens "SMS on" and send nothing, or
    never find a real licence: refused unless a test bench says ``connectors.allow_twins = true``.
    Raises ConnectorRefused naming the first such key."""
    if demo_mode or allow_twins:
        return
    for kind in KINDS:
        driver = choices.get(kind, Choice(DEFAULTS[kind])).driver
        if driver in TWINS:
            real = ", ".join(sorted(set(available(kind)) - TWINS))
            raise ConnectorRefused(f"connectors.{kind}.driver: {driver!r} is a stand-in, refused unless "
                                   f"server.demo_mode = true or connectors.allow_twins = true (test benches); "
                                   f"choose one of {real}")


def build_all(choices: Mapping[str, Choice], context: ConnectorContext) -> Connectors:
    """Every kind's connector (the default where ``choices`` leaves a kind out). Raises ConnectorError."""
    picked = {kind: choices.get(kind, Choice(DEFAULTS[kind])) for kind in KINDS}
    return Connectors(**{kind: build(kind, choice, context) for kind, choice in picked.items()})
