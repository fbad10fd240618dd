"""``sdk``: an ID card reader driven through its vendor's shared library (ctypes), USB or serial.

Most readers sold in China come with a vendor SDK rather than a documented wire protocol, and many sit
on USB. The library is loaded with ctypes from ``[devices.id_card.options] library``; ``port`` is the
SDK's port number (1–16 serial COM1…, 1001–1016 USB). The function names come from a family table
(:data:`FAMILIES`), any of them overridable in ``options.functions`` for a vendor that renamed them.
The ``sdtapi`` family (公安部 SAM API: ``SDT_OpenPort``, ``SDT_StartFindIDCard``, ``SDT_SelectIDCard``,
``SDT_ReadBaseMsg``) answers with the SAM's own SW3 codes and the raw 256-byte text and 1024-byte photo
blocks, so the card is parsed by the same code as the serial ``ga467`` driver, whose polling, events and
status this driver shares. The ``termb`` and ``cvr`` families (``InitComm``/``CVR_InitComm``,
``Authenticate``, ``Read_Content``, then ``wz.txt``/``xp.wlt`` or ``GetPeople*`` getters) are in
:mod:`devices.id_card.sdk_termb`. A library that also exports a WLT decoder (``unpack`` or
``hall_wlt_decode``) decodes the photo when ``photo_decoder`` is not set.
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from devices.errors import DeviceConfigError, DeviceOffline
from devices.id_card import sdk_termb
from devices.id_card.errors import PhotoDecoderError
from devices.id_card.frames import Command, Response
from devices.id_card.ga467_driver import Ga467Reader
from devices.id_card.photo import WltDecoder

log = logging.getLogger(__name__)

Role = Literal["open", "close", "find", "select", "read"]
FAMILIES: dict[str, dict[Role, str]] = {
    # 公安部一所 SAM common API (sdtapi.dll / libsdtapi.so), shipped by most reader vendors.
    "sdtapi": {"open": "SDT_OpenPort", "close": "SDT_ClosePort", "find": "SDT_StartFindIDCard",
               "select": "SDT_SelectIDCard", "read": "SDT_ReadBaseMsg"},
}
FAMILY_NAMES: dict[str, dict[str, str]] = {**{k: {str(r): n for r, n in v.items()} for k, v in FAMILIES.items()},
                                           **sdk_termb.FAMILIES}
PORTS = "1–16 (serial) or 1001–1016 (USB)"
_BUF = 4096


def _port_ok(port: int) -> bool:
    return 1 <= port <= 16 or 1001 <= port <= 1016


class SdkOptions(BaseModel):
    """``[devices.id_card.options]`` of the ``sdk`` driver."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    library: Path
    port: int = 1001
    family: Literal["sdtapi", "termb", "cvr"] = "sdtapi"
    # role -> exported name, for a vendor whose library renames a function of its family
    functions: dict[str, str] = Field(default_factory=dict)
    # termb/cvr: the folder Read_Content writes wz.txt and xp.wlt into (empty = the library's folder)
    content_dir: Path | None = None

    @field_validator("port")
    @classmethod
    def _sdk_port(cls, value: int) -> int:
        if not _port_ok(value):
            raise ValueError(f"SDK port {value}; expected {PORTS}")
        return value

    @model_validator(mode="after")
    def _known_roles(self) -> SdkOptions:
        unknown = sorted(set(self.functions) - set(FAMILY_NAMES[self.family]))
        if unknown:
            raise ValueError(f"functions.{unknown[0]} is not a role of the {self.family} family; expected one of "
                             f"{', '.join(FAMILY_NAMES[self.family])}")
        return self

    def names(self) -> dict[str, str]:
        return {**FAMILY_NAMES[self.family], **self.functions}

    @property
    def getter_family(self) -> bool:
        """termb/cvr: return 1 for success, the port kept inside the library."""
        return self.family in sdk_termb.FAMILIES

    def folder(self) -> Path:
        return self.content_dir or self.library.parent


class SdkLink:
    """What :class:`Ga467Reader` needs of a link (open, close, transact), answered by the vendor library."""

    baudrate = 115200  # only used to size time budgets; the library owns the line

    def __init__(self, options: SdkOptions) -> None:
        self.options, self.url = options, f"sdk:{options.library}#{options.port}"
        self._fns: dict[str, Any] = {}
        self._open = False
        self._termb: sdk_termb.TermbCalls | None = None

    @property
    def is_open(self) -> bool:
        return self._open

    def load(self) -> ctypes.CDLL:
        """Load the library and bind the family's functions. Raises DeviceOffline naming what is missing."""
        path = str(self.options.library)
        if not Path(path).is_file():
            raise DeviceOffline(f"SDK library {path} does not exist (devices.id_card.options.library)",
                                code="id_card.sdk_missing")
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            raise DeviceOffline(f"SDK library {path} cannot be loaded: {exc}", code="id_card.sdk_unloadable") from exc
        if self.options.getter_family:
            self._fns, missing = sdk_termb.bind(lib, self.options.names())
            if missing:
                raise DeviceOffline(f"SDK library {path} has no function {missing[0]} ({self.options.family}); "
                                    "set devices.id_card.options.functions.<role>", code="id_card.sdk_function")
            self._termb = sdk_termb.TermbCalls(self._fns, content_dir=self.options.folder())
            return lib
        u8p, uintp = ctypes.POINTER(ctypes.c_ubyte), ctypes.POINTER(ctypes.c_uint)
        argtypes: dict[str, list[Any]] = {
            "open": [ctypes.c_int], "close": [ctypes.c_int], "find": [ctypes.c_int, u8p, ctypes.c_int],
            "select": [ctypes.c_int, u8p, ctypes.c_int], "read": [ctypes.c_int, u8p, uintp, u8p, uintp, ctypes.c_int]}
        for role, name in self.options.names().items():
            fn = getattr(lib, name, None)
            if fn is None:
                raise DeviceOffline(f"SDK library {path} has no function {name} ({self.options.family} {role}); "
                                    f"set devices.id_card.options.functions.{role}", code="id_card.sdk_function")
            fn.argtypes, fn.restype = argtypes[role], ctypes.c_int
            self._fns[role] = fn
        return lib

    def open(self) -> None:
        if self._open:
            return
        if not self._fns:
            self.load()
        rc = self._fns["open"](self.options.port)
        if rc != (sdk_termb.OK if self.options.getter_family else 0x90):
            raise DeviceOffline(f"SDK could not open port {self.options.port} (returned {rc:#x})",
                                code="id_card.sdk_port")
        self._open = True

    def close(self) -> None:
        if self._open:
            self._open = False
            if self.options.getter_family:
                self._fns["close"]()
            else:
                self._fns["close"](self.options.port)

    def transact(self, cmd: int, para: int, data: bytes = b"", *, timeout_s: float | None = None) -> Response:
        """Run the SDK call that stands for a GA 467 command; the library's return code is the SW3."""
        if not self._open:
            raise DeviceOffline(f"{self.url} is not open")
        if self._termb is not None:
            return self._termb.transact(cmd, para)
        port, scratch = self.options.port, (ctypes.c_ubyte * _BUF)()
        if (cmd, para) == Command.FIND:
            return Response(0, 0, self._fns["find"](port, scratch, 0) & 0xFF, b"")
        if (cmd, para) == Command.SELECT:
            return Response(0, 0, self._fns["select"](port, scratch, 0) & 0xFF, b"")
        if (cmd, para) == Command.READ:
            text, photo = (ctypes.c_ubyte * _BUF)(), (ctypes.c_ubyte * _BUF)()
            text_len, photo_len = ctypes.c_uint(0), ctypes.c_uint(0)
            rc = self._fns["read"](port, text, ctypes.byref(text_len), photo, ctypes.byref(photo_len), 0) & 0xFF
            t, p = bytes(text)[: min(text_len.value, _BUF)], bytes(photo)[: min(photo_len.value, _BUF)]
            body = len(t).to_bytes(2, "big") + len(p).to_bytes(2, "big") + t + p if rc == 0x90 else b""
            return Response(0, 0, rc, body)
        raise DeviceConfigError(f"the {self.options.family} SDK family has no call for command {cmd:02X} {para:02X}")


class SdkReader(Ga467Reader):
    """A reader behind its vendor library; polling, events and statuses as the serial ``ga467`` driver."""

    driver_name = "sdk"
    Options = SdkOptions

    def __init__(self, *, options: SdkOptions, port: str = "", baudrate: int = 115200, timeout_s: float = 1.0,
                 poll_interval_s: float = 0.3, photo_decoder: str = "", read_fingerprint: bool = False) -> None:
        if port:
            raise DeviceConfigError("devices.id_card.port must stay empty with driver 'sdk'; "
                                    f"the SDK port number is devices.id_card.options.port ({PORTS})")
        if read_fingerprint:
            raise DeviceConfigError("devices.id_card.read_fingerprint is not offered by the sdk driver")
        super().__init__(port="sdk://", baudrate=baudrate, timeout_s=timeout_s, poll_interval_s=poll_interval_s,
                         photo_decoder=photo_decoder)
        self._link = SdkLink(options)  # type: ignore[assignment]  # same duck type as SerialLink
        self.sdk_options = options
        if not photo_decoder and options.library.is_file():
            try:  # the vendor's library often carries the WLT decoder too
                self._decoder = WltDecoder(str(options.library))
            except PhotoDecoderError:
                self._decoder = None

    def _ensure_open(self) -> None:
        if not self._link.is_open:
            try:
                self._link.open()
            except DeviceOffline as exc:  # keep the SDK's own cause (library missing, function, port)
                self._set_status("offline", code=exc.code)
                raise
