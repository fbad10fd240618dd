"""The face verification test set the repo builds from its own sample portraits (samples/source/).

Sources (head-and-shoulders crops, 320×395): ``obama_1..3`` and ``biden_1`` from the test images of
the ``face_recognition`` sdist on PyPI (official U.S. government portraits, public domain), ``collins_1``
from NASA's portrait of Eileen Collins (public domain; devices/twins/camera/samples/source). Three
people, five photographs: small, so the rates below say "no error seen on N pairs", not a population
rate — a hall validates its verifier on its own set (docs/devices/face_verifier.md).

A **pair** is a reference — the portrait as an ID card photo, 102×126 (``wlt=True``: also through the
twin WLT codec, 40×50 grey, as the twin card stores it) — and a probe: three 1280×720 camera frames of
a portrait on a hall wall, the face moving slightly (liveness), in one of :data:`VARIANTS` (light,
blur, distance). Genuine pairs use a *different* photograph of the same person where there is one
(``same_photo`` marks the rest); impostor pairs different people. ``still`` probes repeat one frame:
a photo held up to the camera, which liveness must refuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

SOURCE = Path(__file__).with_name("samples") / "source"
VARIANTS = ("plain", "dim", "bright", "blur", "far")
ID_SIZE = (102, 126)


def sources() -> dict[str, np.ndarray]:
    found = {p.stem: cv2.imread(str(p)) for p in sorted(SOURCE.glob("*.jpg"))}
    return {k: v for k, v in found.items() if v is not None}


def person(name: str) -> str:
    return name.rpartition("_")[0]


def id_photo(portrait: np.ndarray) -> np.ndarray:
    """The portrait as a decoded ID card photo would be: 102×126, colour."""
    return cv2.resize(portrait, ID_SIZE, interpolation=cv2.INTER_AREA)


def _wall(rng: np.random.Generator, w: int = 1280, h: int = 720) -> np.ndarray:
    ramp = np.linspace(150, 110, w, dtype=np.float32)[None, :, None] * np.array([1.0, 0.97, 0.92], np.float32)
    base = np.broadcast_to(ramp, (h, w, 3)).copy() + rng.normal(0, 3, (h, w, 3)).astype(np.float32)
    return np.clip(base, 0, 255).astype(np.uint8)


def frames(portrait: np.ndarray, *, variant: str = "plain", still: bool = False, seed: int = 0,
           count: int = 3) -> list[np.ndarray]:
    """``count`` camera frames of ``portrait`` in ``variant``; the face shifts a little between frames."""
    rng = np.random.default_rng(seed)
    scale = 1.0 if variant == "far" else 1.4
    img = cv2.resize(portrait, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    if variant == "dim":
        img = cv2.convertScaleAbs(img, alpha=0.6, beta=-10)
    elif variant == "bright":
        img = cv2.convertScaleAbs(img, alpha=1.2, beta=30)
    elif variant == "blur":
        img = cv2.GaussianBlur(img, (0, 0), 2.0)
    out: list[np.ndarray] = []
    for i in range(count):
        canvas = _wall(rng)
        dx, dy = (0, 0) if still else (int(i * 14 + rng.integers(-3, 4)), int(i * 6 + rng.integers(-3, 4)))
        h, w = img.shape[:2]
        y0, x0 = (canvas.shape[0] - h) // 2 + dy, (canvas.shape[1] - w) // 2 + dx
        canvas[y0:y0 + h, x0:x0 + w] = img
        if still and out:
            canvas = out[0].copy()
        out.append(canvas)
    return out


@dataclass(frozen=True, slots=True)
class Pair:
    reference: str
    probe: str
    variant: str
    genuine: bool
    same_photo: bool


def pairs() -> Iterator[Pair]:
    names = list(sources())
    for ref in names:
        others = [n for n in names if person(n) == person(ref) and n != ref]
        for probe in names:
            genuine = person(probe) == person(ref)
            if genuine and probe == ref and others:
                continue  # a person with several photographs is tested across photographs only
            for variant in VARIANTS:
                yield Pair(ref, probe, variant, genuine, probe == ref)
