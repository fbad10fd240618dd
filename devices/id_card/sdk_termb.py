"""The ``termb``/CVR vendor-SDK family for the ``sdk`` driver: ``InitComm``/``CVR_InitComm(port)``,
``Authenticate()``, ``Read_Content(1)``, then the card's files or ``GetPeople*`` getters.

These libraries return 1 for success and keep the port themselves (no port argument after open).
``Authenticate`` finds and selects a card; ``Read_Content(1)`` reads it and writes ``wz.txt`` (the card's
256-byte text block, UCS-2) and ``xp.wlt`` (the 1024-byte photo) into a folder (``options.content_dir``,
else the library's own folder). The blocks are taken from those files — the card's own, parsed and
proven like any other read — and the files are deleted at once (personal data must not stay on disk).
A library that writes no ``wz.txt`` is read through its getters (``GetPeopleName`` …, GBK text), the
text block rebuilt from them; the photo still comes from ``xp.wlt``. The calls stand in for the GA 467
commands so :class:`~devices.id_card.ga467_driver.Ga467Reader` polls as for any reader.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devices.errors import DeviceConfigError
from devices.id_card.codes import NATIONS, SEXES
from devices.id_card.errors import RecordParseError
from devices.id_card.frames import Command, Response
from devices.id_card.record import LONG_TERM
from devices.id_card.text import PHOTO_LEN, TEXT_LEN, build_text

GETTERS = {"name": "GetPeopleName", "sex": "GetPeopleSex", "nation": "GetPeopleNation",
           "birth": "GetPeopleBirthday", "address": "GetPeopleAddress", "id_number": "GetPeopleIDCode",
           "issuer": "GetDepartment", "valid_from": "GetStartDate", "valid_until": "GetEndDate"}
ROLES = ("open", "close", "authenticate", "read")
FAMILIES: dict[str, dict[str, str]] = {
    # termb.dll / libtermb.so (新中新、神思 and others)
    "termb": {"open": "InitComm", "close": "CloseComm", "authenticate": "Authenticate", "read": "Read_Content",
              **GETTERS},
    # 华视 CVR-100 family (termb.dll with the CVR_ prefix)
    "cvr": {"open": "CVR_InitComm", "close": "CVR_CloseComm", "authenticate": "CVR_Authenticate",
            "read": "CVR_Read_Content", **GETTERS},
}
OK = 1
_SW_OK, _SW_FOUND, _SW_NO_CARD = 0x90, 0x9F, 0x80
_FILES = ("wz.txt", "xp.wlt", "zp.bmp", "fp.dat")


def bind(lib: ctypes.CDLL, names: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The family's functions in ``lib``: (bound, names of the missing required ones). Getters are optional."""
    bound: dict[str, Any] = {}
    missing: list[str] = []
    for role, name in names.items():
        fn = getattr(lib, name, None)
        if fn is None:
            if role in ROLES:
                missing.append(f"{name} ({role})")
            continue
        fn.restype = ctypes.c_int
        if role in ("open", "read"):
            fn.argtypes = [ctypes.c_int]
        elif role in GETTERS:
            fn.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        else:
            fn.argtypes = []
        bound[role] = fn
    return bound, missing


class TermbCalls:
    """FIND, SELECT and READ of the GA 467 command set answered by a termb-family library."""

    def __init__(self, fns: Mapping[str, Any], *, content_dir: Path) -> None:
        self.fns, self.content_dir = fns, content_dir
        self._present = False  # the last Authenticate succeeded: a card lies on the reader

    def transact(self, cmd: int, para: int) -> Response:
        if (cmd, para) == Command.FIND:
            # Authenticate succeeds while a card lies there (some SDKs) or once per card (others):
            # "found" only for a card that was not there at the last call, so it is read once.
            was, self._present = self._present, self.fns["authenticate"]() == OK
            return Response(0, 0, _SW_FOUND if self._present and not was else _SW_NO_CARD, b"")
        if (cmd, para) == Command.SELECT:
            self._present = self._present or self.fns["authenticate"]() == OK
            return Response(0, 0, _SW_OK if self._present else _SW_NO_CARD, b"")
        if (cmd, para) == Command.READ:
            return self._read()
        raise DeviceConfigError(f"the termb SDK family has no call for command {cmd:02X} {para:02X}")

    def _read(self) -> Response:
        self._clear()
        if self.fns["read"](1) != OK:
            self._present = False
            return Response(0, 0, _SW_NO_CARD, b"")
        try:
            photo = self._file("xp.wlt", PHOTO_LEN)
            text = self._file("wz.txt", TEXT_LEN) if (self.content_dir / "wz.txt").is_file() else self._getters()
        finally:
            self._clear()
        return Response(0, 0, _SW_OK, len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo)

    def _file(self, name: str, size: int) -> bytes:
        path = self.content_dir / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RecordParseError(f"the SDK wrote no {name} in {self.content_dir} "
                                   "(devices.id_card.options.content_dir)") from exc
        if len(data) < size:
            raise RecordParseError(f"{name} of {len(data)} bytes; expected {size}")
        return data[:size]

    def _getters(self) -> bytes:
        """The text block rebuilt from ``GetPeople*`` (GBK strings); raises RecordParseError."""
        values: dict[str, str] = {}
        for field, _name in GETTERS.items():
            fn = self.fns.get(field)
            if fn is None:
                raise RecordParseError(f"the SDK wrote no wz.txt and has no getter for {field}")
            buf, size = ctypes.create_string_buffer(256), ctypes.c_int(256)
            if fn(buf, ctypes.byref(size)) != OK:
                raise RecordParseError(f"the SDK's getter for {field} failed")
            values[field] = buf.raw[: max(0, min(size.value, 256))].split(b"\0")[0].decode("gbk", "replace").strip()
        return build_text("", _as_card_fields(values))

    def _clear(self) -> None:
        for name in _FILES:
            with contextlib.suppress(FileNotFoundError):
                (self.content_dir / name).unlink()


def _as_card_fields(values: Mapping[str, str]) -> dict[str, str]:
    """Getter strings (男, 汉族, 1990-01-01, long term …) as the card's own codes and YYYYMMDD dates."""
    sex = values["sex"]
    sex_code = sex if sex in SEXES else next((c for c, n in SEXES.items() if n == sex), "")
    nation = values["nation"].removesuffix("族")
    nation_code = nation if nation in NATIONS else next((c for c, n in NATIONS.items() if n == nation), "")
    if not sex_code or not nation_code:
        raise RecordParseError("the SDK's sex or nation is not a GB/T code or name")

    def day(v: str) -> str:
        return LONG_TERM if v.strip() == LONG_TERM else re.sub(r"\D", "", v)

    return {"name": values["name"], "sex": sex_code, "nation": nation_code, "birth": day(values["birth"]),
            "address": values["address"], "id_number": values["id_number"], "issuer": values["issuer"],
            "valid_from": day(values["valid_from"]), "valid_until": day(values["valid_until"])}
