"""Driver registry: ``devices.<kind>.driver`` strings map to ``"module:Class"``, imported lazily.

Modelled on python-can's interface table: a plain dict, extended by the entry-point group
``hall_suite.drivers`` (entry names ``"<kind>.<driver>"``). A driver whose vendor library is
missing fails only when chosen, with :class:`DriverImportFailed`; an unknown name raises
:class:`DriverNotFound` naming the valid choices. Twins (emulators, simulators: devices/twins/) sit in a
table of their own, so :func:`is_twin` can tell them from drivers for real hardware.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from config.plugins import targets_by_kind
from devices.errors import DriverImportFailed, DriverNotFound

ENTRY_POINT_GROUP = "hall_suite.drivers"

KINDS: tuple[str, ...] = ("id_card", "ss_card", "camera", "code_scanner", "doc_camera", "printer", "voice",
                          "face_verifier")

# kind -> driver name -> "module:factory". The factory is called with keyword options.
# Drivers for real hardware; they live in devices/<kind>/.
PRODUCT_DRIVERS: dict[str, dict[str, str]] = {
    "id_card": {"ga467": "devices.id_card.ga467_driver:Ga467Reader", "sdk": "devices.id_card.sdk_driver:SdkReader"},
    "ss_card": {"pcsc": "devices.ss_card.pcsc_driver:PcscSocialSecurityReader"},
    "camera": {"opencv": "devices.camera.opencv_driver:OpenCvCamera"},
    "code_scanner": {
        "camera": "devices.code_scanner.camera_scanner:CameraCodeScanner",
        "serial": "devices.code_scanner.serial_scanner:SerialCodeScanner",
        "keyboard": "devices.code_scanner.keyboard_scanner:KeyboardWedgeScanner",
    },
    "doc_camera": {"opencv": "devices.doc_camera.opencv_driver:OpenCvDocCamera"},
    "printer": {"escpos": "devices.printer.escpos_driver:EscposPrinter"},
    "voice": {
        "espeak": "devices.voice.espeak:EspeakVoice",
        "clips": "devices.voice.clips:ClipVoice",
    },
    "face_verifier": {
        "dlib": "devices.face_verifier.dlib_driver:DlibFaceVerifier",
        "provincial": "devices.face_verifier.provincial:ProvincialFaceVerifier",
    },
}

# Twins: emulators and simulators that keep the real drivers' wire protocols and state rules, for the
# demo, the tests and a technician's bench. They live in devices/twins/<kind>/; their names here are
# contracts (config/default.toml, docs) and stay as they are wherever the code moves.
TWIN_DRIVERS: dict[str, dict[str, str]] = {
    "id_card": {"ga467-emulator": "devices.twins.id_card.emulated:EmulatedGa467Reader"},
    "ss_card": {"pcsc-emulator": "devices.twins.ss_card.emulated:EmulatedPcscReader"},
    "camera": {"file": "devices.twins.camera.file_camera:FileCamera"},
    "code_scanner": {"simulated": "devices.twins.code_scanner.simulated:SimulatedCodeScanner"},
    "doc_camera": {"file": "devices.twins.doc_camera.file_doc_camera:FileDocCamera"},
    "printer": {"capture": "devices.twins.printer.capture:CapturePrinter"},
    "voice": {"wav": "devices.twins.voice.wav_writer:WavFileVoice"},
    "face_verifier": {"twin": "devices.twins.face_verifier.twin:TwinFaceVerifier"},
}

BUILTIN_DRIVERS: dict[str, dict[str, str]] = {
    kind: {**PRODUCT_DRIVERS.get(kind, {}), **TWIN_DRIVERS.get(kind, {})} for kind in KINDS
}


@cache
def _plugin_drivers() -> dict[str, dict[str, str]]:
    return targets_by_kind(ENTRY_POINT_GROUP, KINDS)


def available(kind: str) -> dict[str, str]:
    """All driver names for ``kind`` (built-in and plug-in) with their ``module:Class`` targets."""
    if kind not in KINDS:
        raise DriverNotFound(f"unknown device kind {kind!r}; expected one of {', '.join(KINDS)}")
    return {**BUILTIN_DRIVERS.get(kind, {}), **_plugin_drivers().get(kind, {})}


def is_twin(kind: str, name: str) -> bool:
    """True when ``name`` is one of the built-in twins of ``kind``; plug-in drivers are never twins."""
    return name in TWIN_DRIVERS.get(kind, {}) and name not in _plugin_drivers().get(kind, {})


def all_drivers() -> dict[str, dict[str, str]]:
    """The whole table, for ``devices list``."""
    return {kind: available(kind) for kind in KINDS}


def resolve(kind: str, name: str) -> Any:
    """Import and return the factory registered as ``name`` for ``kind``.

    Raises DriverNotFound for an unknown name, DriverImportFailed when its module fails to import.
    """
    drivers = available(kind)
    target = drivers.get(name)
    if target is None:
        raise DriverNotFound(
            f"devices.{kind}.driver: unknown driver {name!r}; expected one of {', '.join(sorted(drivers))}"
        )
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attr)
    except (ImportError, AttributeError, OSError) as exc:
        raise DriverImportFailed(
            f"devices.{kind}.driver={name!r} could not be loaded ({exc.__class__.__name__}: {exc}); "
            f"choose another of {', '.join(sorted(drivers))} or install what it needs"
        ) from exc


def open_device(kind: str, name: str, **options: Any) -> Any:
    """Build the driver ``name`` for ``kind`` with its options (not yet started)."""
    factory = resolve(kind, name)
    return factory(**options)
