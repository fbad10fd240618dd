"""``devices diagnose``: open every enabled device, wait (bounded) for it to settle, report the truth.

A driver's first status is "not started" until its thread has looked at the device; reading it right
after ``open()`` blamed every reader for that. Here each device opens on a thread of its own, the
report waits until its status leaves the starting codes (``DeviceStatus.settled``) or the shared
deadline passes, and every verdict that is not ok carries what to check next (``hints``).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from devices import registry
from devices.errors import DeviceError
from devices.hints import CANNOT_OPEN, NOT_SETTLED, next_step
from devices.status import DeviceStatus, Health

if TYPE_CHECKING:
    from config import Settings

DEFAULT_SETTLE_S = 10.0
_STEP_S = 0.05


def diagnose(settings: Settings, *, settle_s: float = DEFAULT_SETTLE_S) -> dict[str, Any]:
    """The report of every kind: ``{"devices": {kind: {...}}, "ok": bool}``; ok only when every enabled
    device is ok. Never raises for a device fault: each one is a verdict in the report."""
    deadline = time.monotonic() + settle_s
    kinds = [k for k in registry.KINDS if getattr(settings.devices, k).enabled]
    with ThreadPoolExecutor(max_workers=max(1, len(kinds)), thread_name_prefix="diagnose") as pool:
        futures = {kind: pool.submit(_one, kind, settings, deadline, settle_s) for kind in kinds}
        report: dict[str, Any] = {}
        for kind in registry.KINDS:
            conf = getattr(settings.devices, kind)
            report[kind] = futures[kind].result() if kind in futures else {
                "driver": conf.driver, "health": "disabled", "twin": registry.is_twin(kind, conf.driver)}
    bad = sorted(k for k, v in report.items() if v["health"] not in ("ok", "disabled"))
    result: dict[str, Any] = {"devices": report, "ok": not bad}
    if bad:
        result["error"] = {"code": "device.not_ok", "message": f"not ok: {', '.join(bad)}"}
    return result


def _one(kind: str, settings: Settings, deadline: float, settle_s: float) -> dict[str, Any]:
    conf = getattr(settings.devices, kind)
    twin = registry.is_twin(kind, conf.driver)
    try:
        device = registry.open_device(kind, conf.driver, **conf.options())
    except DeviceError as exc:
        return _verdict(kind, conf, twin, _failed(kind, conf.driver, exc), settled=True)
    try:
        try:
            device.open()
        except DeviceError as exc:
            return _verdict(kind, conf, twin, _failed(kind, conf.driver, exc), settled=True)
        status = _settle(device, deadline)
        return _verdict(kind, conf, twin, status, settled=status.settled, settle_s=settle_s)
    finally:
        try:
            device.close()
        except DeviceError:
            pass  # the verdict stands; closing a broken device may fail too


def _settle(device: Any, deadline: float) -> DeviceStatus:
    status: DeviceStatus = device.status()
    while not status.settled and time.monotonic() < deadline:
        time.sleep(_STEP_S)
        status = device.status()
    return status


def _failed(kind: str, driver: str, exc: DeviceError) -> DeviceStatus:
    return DeviceStatus(kind, driver, Health.OFFLINE, exc.code, CANNOT_OPEN[0], CANNOT_OPEN[1].format(detail=exc))


def _verdict(kind: str, conf: Any, twin: bool, status: DeviceStatus, *, settled: bool,
             settle_s: float = 0.0) -> dict[str, Any]:
    out: dict[str, Any] = {**status.to_json(), "twin": twin}
    out.pop("kind", None)
    if not settled:
        out.update(health="offline", code="device.not_settled", message_zh=NOT_SETTLED[0].format(s=f"{settle_s:g}"),
                   message_en=NOT_SETTLED[1].format(s=f"{settle_s:g}"))
    if twin:
        out["note"] = "twin: an emulated device, not hardware (demo and test benches only)"
    if out["health"] != "ok":
        out["next"] = next_step(kind, out["code"], conf)
    return out
