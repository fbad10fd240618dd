"""``python main.py devices …``: list, diagnose and exercise the terminal's devices. JSON on stdout.

Exit status 0 when the action worked, 1 when a device failed (the JSON then carries
``{"error": {"code", "message"}}``). Personal data is masked unless ``read --reveal``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices import registry
from devices.errors import DeviceError

if TYPE_CHECKING:
    from config import Settings


def _emit(obj: Any, *, stream: Any = None) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str), file=stream or sys.stdout)


def _error(exc: DeviceError | OSError) -> dict[str, Any]:
    code = exc.code if isinstance(exc, DeviceError) else "os_error"
    return {"error": {"code": code, "message": str(exc)}}


@contextmanager
def open_configured(kind: str, settings: Settings) -> Iterator[Any]:
    """Build, open and finally close the driver that ``devices.<kind>`` configures."""
    conf = getattr(settings.devices, kind)
    device = registry.open_device(kind, conf.driver, **conf.options())
    device.open()
    try:
        yield device
    finally:
        device.close()


def main(args: argparse.Namespace, settings: Settings) -> int:
    action = args.devices_command
    try:
        result = ACTIONS[action](args, settings)
    except (DeviceError, OSError) as exc:
        _emit(_error(exc))
        return 1
    _emit(result)
    return 1 if isinstance(result, dict) and "error" in result else 0


def _list(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    return {
        kind: {
            "configured": getattr(settings.devices, kind).driver,
            "enabled": getattr(settings.devices, kind).enabled,
            "drivers": drivers,
        }
        for kind, drivers in registry.all_drivers().items()
    }


def _diagnose(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    report: dict[str, Any] = {}
    failed = False
    for kind in registry.KINDS:
        conf = getattr(settings.devices, kind)
        if not conf.enabled:
            report[kind] = {"driver": conf.driver, "health": "disabled"}
            continue
        try:
            with open_configured(kind, settings) as device:
                report[kind] = device.status().to_json()
        except DeviceError as exc:
            report[kind] = {"driver": conf.driver, "health": "offline", **_error(exc)["error"]}
        failed = failed or report[kind]["health"] == "offline"
    return {"devices": report, "ok": not failed} | ({"error": {"code": "device.offline",
                                                               "message": "a device is offline"}}
                                                     if failed else {})


def _read(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    with open_configured(args.kind, settings) as reader:
        if args.kind == "id_card":
            from devices.id_card.protocol import read_card_json as read_id
            return read_id(reader, reveal=args.reveal, timeout_s=args.timeout)
        from devices.ss_card.protocol import read_card_json as read_ss
        return read_ss(reader, reveal=args.reveal, timeout_s=args.timeout)


def _scan(args: argparse.Namespace, settings: Settings) -> list[dict[str, str]]:
    from devices.code_scanner.decoding import scan_image_json

    if not args.image:
        raise DeviceError("devices scan: give --image FILE", code="device.config")
    return scan_image_json(Path(args.image), backend=settings.devices.code_scanner.backend)


def _capture(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    output = Path(args.output) if args.output else None
    with open_configured(args.device, settings) as device:
        if args.device == "camera":
            from devices.camera.capture import capture_frame_json
            return capture_frame_json(device, output=output)
        from devices.doc_camera.capture import capture_page_json
        return capture_page_json(device, output=output)


def _print_test(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from devices.printer.testpage import print_test_page

    output = Path(args.output) if args.output else None
    png = Path(args.png) if args.png else None
    if output is not None or png is not None:
        return print_test_page(settings.devices.printer, output=output, png=png)
    with open_configured("printer", settings) as printer:
        return print_test_page(printer)


def _say(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from devices.voice.say import say_json

    return say_json(settings.devices.voice, args.text)


ACTIONS: dict[str, Callable[[argparse.Namespace, Settings], Any]] = {
    "list": _list,
    "diagnose": _diagnose,
    "read": _read,
    "scan": _scan,
    "capture": _capture,
    "print-test": _print_test,
    "say": _say,
}
