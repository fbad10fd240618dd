"""Reading the twins' sample images in tests."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def read_image(path: Path, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """``cv2.imread`` that fails the test on a missing or unreadable file instead of returning None."""
    image = cv2.imread(str(path), flags)
    assert image is not None, f"cannot read {path}"
    return image
