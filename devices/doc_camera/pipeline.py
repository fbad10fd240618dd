"""Frame → page: find the paper, correct perspective, deskew, enhance, JPEG under a size cap.

Pure functions on numpy images (no device, no threads) so tests and ``bench doc_capture`` run them
directly. Detection works on a copy about 640 px wide; the warp samples the full-resolution frame.
"""

from __future__ import annotations

import cv2
import numpy as np

from devices.doc_camera.protocol import Page, Point

DETECT_WIDTH = 640
MIN_PAGE_AREA = 0.12  # of the frame: smaller outlines are a card or a shadow, not the page
JPEG_QUALITIES = (88, 80, 72, 64, 56, 48, 40)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points → top-left, top-right, bottom-right, bottom-left (by sums and differences)."""
    pts = points.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def find_page(image: np.ndarray) -> np.ndarray | None:
    """The paper's four corners (ordered, full-resolution pixels) or None.

    None too when the outline is the frame itself: the sheet fills the view, nothing to crop.
    """
    if min(image.shape[:2]) < 64:
        return None
    scale = min(1.0, DETECT_WIDTH / image.shape[1])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    grey = cv2.GaussianBlur(grey, (5, 5), 0)
    area_min = MIN_PAGE_AREA * grey.shape[0] * grey.shape[1]
    # Paper is the brightest large region; Otsu separates it from a desk, edges rescue low contrast.
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    edges = cv2.dilate(cv2.Canny(grey, 40, 120), np.ones((3, 3), np.uint8))
    for mask in (bright, edges):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            if cv2.contourArea(contour) < area_min:
                break
            hull = cv2.convexHull(contour)
            quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            if len(quad) != 4:
                quad = cv2.boxPoints(cv2.minAreaRect(hull)).reshape(4, 1, 2)
                if cv2.contourArea(hull) < 0.9 * cv2.contourArea(quad.astype(np.float32)):
                    continue  # not rectangular enough to be a sheet
            corners = order_corners(quad / scale)
            return None if _is_frame_border(corners, image.shape[1], image.shape[0]) else corners
    return None


def _is_frame_border(corners: np.ndarray, width: int, height: int) -> bool:
    frame = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    return bool(np.abs(corners - frame).max() < 0.03 * max(width, height))


def warp(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Perspective-correct the quad to a rectangle with the quad's average side lengths."""
    tl, tr, br, bl = corners
    width = round(float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)
    height = round(float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def estimate_skew(image: np.ndarray, *, max_deg: float = 15.0, step_deg: float = 0.5) -> float:
    """Angle (degrees) that makes text lines horizontal: maximises the row-profile variance of ink."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if min(grey.shape) < 32:
        return 0.0
    scale = min(1.0, 500 / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    if cv2.countNonZero(ink) < 0.002 * ink.size:
        return 0.0  # a blank page has no lines to align
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-max_deg, max_deg + step_deg / 2, step_deg):
        rotated = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, float(angle), 1.0), ink.shape[::-1])
        score = float(np.var(rotated.sum(axis=1, dtype=np.float64)))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def rotate(image: np.ndarray, angle_deg: float) -> np.ndarray:
    if abs(angle_deg) < 1e-3:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, matrix, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def enhance(image: np.ndarray) -> np.ndarray:
    """Remove shadows and uneven light: divide by a blurred estimate of the paper's background."""
    h, w = image.shape[:2]
    scale = min(1.0, 400 / max(h, w))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    background = cv2.medianBlur(cv2.dilate(small, np.ones((7, 7), np.uint8)), 21)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(image, background, scale=255)
    # a gentle S-curve: paper to white, ink stays dark, colour stamps keep their colour
    lut = np.clip((np.arange(256) - 40) * 255.0 / 190.0, 0, 255).astype(np.uint8)
    return cv2.LUT(flat, lut)


def encode_capped(image: np.ndarray, max_bytes: int) -> tuple[bytes, int, np.ndarray]:
    """JPEG no larger than ``max_bytes``: lower the quality first, then the resolution."""
    current = image
    while True:
        for quality in JPEG_QUALITIES:
            ok, buf = cv2.imencode(".jpg", current, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                                     cv2.IMWRITE_JPEG_OPTIMIZE, 1])
            if ok and buf.size <= max_bytes:
                return buf.tobytes(), quality, current
        if max(current.shape[:2]) < 200:
            return buf.tobytes(), JPEG_QUALITIES[-1], current  # cannot get smaller and stay legible
        current = cv2.resize(current, None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA)


def process(image: np.ndarray, *, max_bytes: int = 500 * 1024, do_enhance: bool = True,
            max_side: int = 2480) -> Page:
    """The whole pipeline on one BGR frame. Never raises on image content."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    corners = find_page(image)
    page = warp(image, corners) if corners is not None else image
    if min(page.shape[:2]) < 32:  # a degenerate outline: keep the frame rather than a sliver
        corners, page = None, image
    if corners is not None:  # trim a hair: corner estimates are a few pixels off, desk must not show
        m = max(1, round(0.006 * min(page.shape[:2])))
        page = page[m:-m, m:-m]
    skew = estimate_skew(page, max_deg=3.0 if corners is not None else 15.0)
    page = rotate(page, skew)
    if max(page.shape[:2]) > max_side:  # 300 dpi A4 is enough for any material
        factor = max_side / max(page.shape[:2])
        page = cv2.resize(page, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if do_enhance:
        page = enhance(page)
    jpeg, quality, final = encode_capped(page, max_bytes)
    found: tuple[Point, Point, Point, Point] | None = None
    if corners is not None:
        a, b, c, d = ((float(x), float(y)) for x, y in corners)
        found = (a, b, c, d)
    return Page(jpeg=jpeg, width=int(final.shape[1]), height=int(final.shape[0]), corners=found,
                skew_deg=skew, quality=quality)

