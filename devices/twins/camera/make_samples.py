"""Regenerate the face camera's sample frames from two public-domain / CC0 photographs.

``python -m devices.twins.camera.make_samples`` rebuilds ``samples/*.jpg`` (the twin's default stream:
good frames) and ``samples/cases/*.jpg`` (one frame per quality verdict, used by the tests) from
``samples/source/``:

- ``astronaut.jpg``: a crop of NASA's portrait of astronaut Eileen Collins, public domain, as
  bundled in scikit-image's wheel (``skimage/data/astronaut.png``).
- ``coffee.jpg``: a cup of coffee (no face), CC0 by Rachel Michetti, also from scikit-image's data.

With ``--from-skimage DIR`` the two sources are cut again from the PNGs of an unpacked scikit-image
wheel (``pip download --no-deps scikit-image`` and unzip; nothing is fetched at run time).
Faces are real photographs on purpose: drawn "faces" do not exercise a Haar cascade honestly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).parent / "samples"
SOURCE = HERE / "source"
W, H = 1280, 720
# Where the face sits in source/astronaut.jpg (measured once with the alt2 cascade).
FACE_CENTRE = (149.5, 113.5)
FACE_SIDE = 96.0


def cut_sources(skimage_data: Path) -> None:
    astro = cv2.imread(str(skimage_data / "astronaut.png"))
    coffee = cv2.imread(str(skimage_data / "coffee.png"))
    if astro is None or coffee is None:
        raise SystemExit(f"astronaut.png / coffee.png not found in {skimage_data}")
    SOURCE.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(SOURCE / "astronaut.jpg"), astro[0:360, 75:375], [cv2.IMWRITE_JPEG_QUALITY, 92])
    cv2.imwrite(str(SOURCE / "coffee.jpg"), coffee, [cv2.IMWRITE_JPEG_QUALITY, 85])


def wall(seed: int) -> np.ndarray:
    """A plain service-hall wall: soft vertical light gradient and a little sensor noise."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(150, 110, W, dtype=np.float32)[None, :, None]
    tint = np.array([1.0, 0.97, 0.92], np.float32)[None, None, :]
    base = np.broadcast_to(ramp * tint, (H, W, 3)).copy()
    base += rng.normal(0, 3, (H, W, 3)).astype(np.float32)
    return np.clip(base, 0, 255).astype(np.uint8)


def place(canvas: np.ndarray, portrait: np.ndarray, *, face_h: float, centre: tuple[float, float]) -> None:
    """Paste the portrait scaled so the face is ``face_h`` px tall and centred at ``centre``."""
    scale = face_h / FACE_SIDE
    img = cv2.resize(portrait, None, fx=scale, fy=scale,
                     interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    x0 = round(centre[0] - FACE_CENTRE[0] * scale)
    y0 = round(centre[1] - FACE_CENTRE[1] * scale)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    w = min(img.shape[1] - sx0, W - dx0)
    h = min(img.shape[0] - sy0, H - dy0)
    if w > 0 and h > 0:
        canvas[dy0:dy0 + h, dx0:dx0 + w] = img[sy0:sy0 + h, sx0:sx0 + w]


def frame(portrait: np.ndarray, *, seed: int, face_h: float = 200, dx: float = 0, dy: float = 0) -> np.ndarray:
    canvas = wall(seed)
    place(canvas, portrait, face_h=face_h, centre=(W / 2 + dx, H / 2 + dy))
    return canvas


def build() -> dict[str, np.ndarray]:
    portrait = cv2.imread(str(SOURCE / "astronaut.jpg"))
    coffee = cv2.imread(str(SOURCE / "coffee.jpg"))
    if portrait is None or coffee is None:
        raise SystemExit(f"sources missing in {SOURCE}; run with --from-skimage DIR")
    good = frame(portrait, seed=1)
    two = wall(7)
    place(two, portrait, face_h=180, centre=(W * 0.3, H / 2))
    place(two, cv2.flip(portrait, 1), face_h=180, centre=(W * 0.72, H / 2))
    no_face = wall(8)
    cup = cv2.resize(coffee, (600, 400), interpolation=cv2.INTER_AREA)
    no_face[160:560, 340:940] = cup
    return {
        "face_centred.jpg": good,
        "face_centred_near.jpg": frame(portrait, seed=2, face_h=240, dx=12, dy=-10),
        "face_centred_far.jpg": frame(portrait, seed=3, face_h=170, dx=-15, dy=8),
        "cases/ok.jpg": good,
        "cases/too_small.jpg": frame(portrait, seed=4, face_h=80),
        "cases/off_centre.jpg": frame(portrait, seed=5, face_h=200, dx=-380, dy=0),
        "cases/blurry.jpg": cv2.GaussianBlur(good, (0, 0), 6),
        "cases/too_dark.jpg": cv2.convertScaleAbs(good, alpha=0.28, beta=0),
        "cases/too_bright.jpg": cv2.convertScaleAbs(good, alpha=1.0, beta=75),
        "cases/many_faces.jpg": two,
        "cases/no_face.jpg": no_face,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-skimage", type=Path, help="skimage/data directory of an unpacked wheel")
    args = parser.parse_args(argv)
    if args.from_skimage:
        cut_sources(args.from_skimage)
    for name, image in build().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        print(path.relative_to(HERE.parent), f"{path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
