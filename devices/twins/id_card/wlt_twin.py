"""The twin WLT photo format (encoder side) and how to build its C decoder (``wlt_twin.c``).

The ID-card twin's holders may carry a real face in their 1024-byte photo field, encoded here; the
kiosk decodes it through ``devices.id_card.photo_decoder`` — the same ctypes path as a vendor library
— into a 102×126 BMP, the reference photo of 人证比对. See wlt_twin.c for the layout.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np

from devices.id_card.text import PHOTO_LEN

MAGIC = b"TWLT"
WIDTH, HEIGHT = 40, 50
SOURCE = Path(__file__).with_name("wlt_twin.c")


def encode(image: np.ndarray) -> bytes:
    """A portrait (BGR or grey, any size, ID-photo framing) as a 1024-byte twin WLT photo."""
    g = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(g, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    nibbles = np.clip((small.astype(np.int32) + 8) // 17, 0, 15).astype(np.uint8).ravel()
    packed = (nibbles[0::2] << 4) | nibbles[1::2]
    body = MAGIC + bytes([WIDTH, HEIGHT]) + packed.tobytes()
    return body + b"\0" * (PHOTO_LEN - len(body))


def build_decoder(out_dir: Path) -> Path:
    """Compile wlt_twin.c into ``out_dir/libwlt_twin.so`` with gcc. Raises RuntimeError without a compiler."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise RuntimeError("no C compiler (gcc) to build the twin WLT decoder")
    out = Path(out_dir) / "libwlt_twin.so"
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", str(out), str(SOURCE)], check=True, timeout=60,
                   capture_output=True)
    return out
