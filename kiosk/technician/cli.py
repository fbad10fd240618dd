"""``python main.py devices …``: list, diagnose and exercise the terminal's devices. JSON on stdout.

Exit status (scripts rely on it): 0 done; 1 a device fault (the JSON carries ``{"error": {"code",
"message"}}``); 2 bad input (a setting, an option, a missing input file or output folder — the JSON says
which). Personal data is masked unless ``read --reveal``.
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
from devices.errors import DeviceConfigError, DeviceError, DriverNotFound

if TYPE_CHECKING:
    from config import Settings

EXIT_OK, EXIT_FAULT, EXIT_INPUT = 0, 1, 2
# Errors that are the caller's input, not the device: a setting, an option, a file named on the command line.
_INPUT_CODES = frozenset({"device.code_scanner.image_unreadable", "device.output_folder", "device.voice.usage"})


def _emit(obj: Any, *, stream: Any = None) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str), file=stream or sys.stdout)


def _error(exc: DeviceError | OSError) -> dict[str, Any]:
    if isinstance(exc, DeviceError):
        return {"error": {"code": exc.code, "message": str(exc)}}
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    return {"error": {"code": "os_error", "message": f"{exc.strerror or exc.__class__.__name__}{where}"}}


def _exit_status(exc: DeviceError | OSError) -> int:
    if isinstance(exc, DeviceConfigError | DriverNotFound) or getattr(exc, "code", "") in _INPUT_CODES:
        return EXIT_INPUT
    return EXIT_FAULT


def output_path(value: str | None, option: str) -> Path | None:
    """``--output``/``--png`` as a Path whose folder exists. Raises DeviceError (code device.output_folder)
    naming the folder, so a missing USB stick is not blamed on the device."""
    if not value:
        return None
    path = Path(value)
    folder = path.parent
    if not folder.is_dir():
        raise DeviceError(f"{option} {value}: the folder {folder} does not exist (USB stick not mounted?)",
                          code="device.output_folder")
    return path


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
        return _exit_status(exc)
    _emit(result)
    return EXIT_FAULT if isinstance(result, dict) and "error" in result else EXIT_OK


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
    from kiosk.technician.diagnose import diagnose

    settle = getattr(args, "settle", 10.0)
    if not 0 < settle <= 120:
        raise DeviceConfigError(f"--settle {settle:g}: expected seconds between 0 and 120")
    return diagnose(settings, settle_s=settle)


def _read(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    with open_configured(args.kind, settings) as reader:
        if args.kind == "id_card":
            from devices.id_card.protocol import read_card_json as read_id
            return read_id(reader, reveal=args.reveal, timeout_s=args.timeout)
        from devices.ss_card.protocol import read_card_json as read_ss
        return read_ss(reader, reveal=args.reveal, timeout_s=args.timeout)


def _scan(args: argparse.Namespace, settings: Settings) -> list[dict[str, str]]:
    if args.image:
        from devices.code_scanner.decoding import scan_image_json

        return scan_image_json(Path(args.image), backend=settings.devices.code_scanner.backend)
    from kiosk.technician.scan import scan_for_code

    if not 0 < args.timeout <= 3600:
        raise DeviceConfigError(f"--timeout {args.timeout:g}: expected seconds between 0 and 3600")
    conf = settings.devices.code_scanner
    if not conf.enabled:
        raise DeviceConfigError("devices.code_scanner.enabled = false: no scanner to wait for; give --image FILE")
    return scan_for_code(registry.open_device("code_scanner", conf.driver, **conf.options()),
                         timeout_s=args.timeout)


def _capture(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    output = output_path(args.output, "--output")
    with open_configured(args.device, settings) as device:
        if args.device == "camera":
            from devices.camera.capture import capture_frame_json
            return capture_frame_json(device, output=output)
        from devices.doc_camera.capture import capture_page_json
        return capture_page_json(device, output=output)


def _print_test(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from devices.printer.testpage import print_test_page

    output = output_path(args.output, "--output")
    png = output_path(args.png, "--png")
    if output is not None or png is not None:
        return print_test_page(settings.devices.printer, output=output, png=png)
    with open_configured("printer", settings) as printer:
        return print_test_page(printer)


def _say(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from devices.voice.say import call_from_args, say_json

    if args.call is None and args.window is None and not args.recall:
        if not args.text:
            raise DeviceError("say needs a TEXT, or --call NUMBER --window N", code="device.voice.usage")
        return say_json(settings.devices.voice, args.text)
    if args.text:
        raise DeviceError("say takes a TEXT or --call NUMBER --window N, not both", code="device.voice.usage")
    call = call_from_args(args.call, args.window, recall=args.recall)
    # The display announces every call with [devices.voice] repeat through the same driver: so does this.
    return say_json(settings.devices.voice, call, repeat=settings.devices.voice.repeat)


ACTIONS: dict[str, Callable[[argparse.Namespace, Settings], Any]] = {
    "list": _list,
    "diagnose": _diagnose,
    "read": _read,
    "scan": _scan,
    "capture": _capture,
    "print-test": _print_test,
    "say": _say,
}
