"""Optional WLT photo decoder: a vendor shared library loaded with ctypes when configured.

The card's photo is WLT-compressed and encrypted; only licensed vendor code decodes it, so this
suite ships none and never fakes a photo. Two C signatures are accepted (see docs/devices/id_card.md):

``int hall_wlt_decode(const unsigned char *wlt, size_t wlt_len,
                      unsigned char *bmp, size_t bmp_cap, size_t *bmp_len);``  returns 0 on success;

``int unpack(char *wlt, char *bmp, int save_file);``  the common vendor ``libwlt2bmp`` form: writes a
102×126 24-bit BMP of 38 862 bytes and returns 1 on success (``save_file`` is passed as 0).
"""

from __future__ import annotations

import ctypes
import threading

from devices.id_card.errors import PhotoDecoderError
from devices.id_card.text import PHOTO_LEN

BMP_CAP = 65536
VENDOR_BMP_LEN = 38862


class WltDecoder:
    """A loaded decoder. Construction raises PhotoDecoderError when the library is unusable."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._lib = ctypes.CDLL(path)
        except OSError as exc:
            raise PhotoDecoderError(f"photo decoder {path!r} cannot be loaded: {exc}") from exc
        # Vendor decoders are rarely re-entrant; one photo at a time.
        self._lock = threading.Lock()
        fn = getattr(self._lib, "hall_wlt_decode", None)
        if fn is not None:
            fn.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
                           ctypes.POINTER(ctypes.c_size_t)]
            fn.restype = ctypes.c_int
            self.style = "hall"
        else:
            fn = getattr(self._lib, "unpack", None)
            if fn is None:
                raise PhotoDecoderError(
                    f"photo decoder {path!r} exports neither hall_wlt_decode nor unpack")
            fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
            fn.restype = ctypes.c_int
            self.style = "vendor"
        self._fn = fn

    def decode(self, wlt: bytes) -> bytes:
        """Decode one 1024-byte WLT photo to BMP bytes. Raises PhotoDecoderError on any failure."""
        if len(wlt) != PHOTO_LEN:
            raise PhotoDecoderError(f"WLT photo of {len(wlt)} bytes; expected {PHOTO_LEN}")
        with self._lock:
            if self.style == "hall":
                out = ctypes.create_string_buffer(BMP_CAP)
                out_len = ctypes.c_size_t(0)
                rc = self._fn(wlt, len(wlt), out, BMP_CAP, ctypes.byref(out_len))
                if rc != 0 or not 0 < out_len.value <= BMP_CAP:
                    raise PhotoDecoderError(f"photo decoder returned {rc} (length {out_len.value})")
                bmp = out.raw[: out_len.value]
            else:
                src = ctypes.create_string_buffer(wlt, PHOTO_LEN)
                out = ctypes.create_string_buffer(VENDOR_BMP_LEN)
                rc = self._fn(src, out, 0)
                if rc != 1:
                    raise PhotoDecoderError(f"photo decoder unpack() returned {rc}")
                bmp = out.raw
        if not bmp.startswith(b"BM"):
            raise PhotoDecoderError("photo decoder output is not a BMP image")
        return bmp
