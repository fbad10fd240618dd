"""Regenerate the document camera twin's photographs: ``python -m devices.twins.doc_camera.make_samples``.

Each sample is a 1920×1080 "photo" of an A4 form with Chinese text (Noto Sans CJK), a table and a
QR code in its top-right corner, lying rotated and slightly tilted on a wooden desk, with a soft
shadow and uneven light. ``samples/truth.json`` records where the page's corners really are, so
the tests can check the pipeline against ground truth. Deterministic (fixed seeds).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.image.pil import PilImage

HERE = Path(__file__).parent / "samples"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
W, H = 1920, 1080
PAGE_W, PAGE_H = 1000, 1414  # A4 proportions

# name, rotation (deg), page height in frame (px), centre, tilt, shadow strength
SPECS = [
    ("form_rotated_left", -14.0, 860, (900, 540), 0.04, 0.45),
    ("form_rotated_right", 9.0, 900, (1010, 545), -0.03, 0.35),
    ("form_steep", 24.0, 780, (960, 530), 0.06, 0.5),
    ("form_straight_dim", 2.0, 940, (980, 540), 0.02, 0.6),
]

LINES = [
    "申请人姓名：王小明        性别：男        民族：汉",
    "证件号码：110101********1234     联系电话：138****0000",
    "住所地址：北京市东城区示范街道 12 号院 3 单元",
    "申请事项：居民身份证换领（有效期满换领）",
    "办理方式：窗口受理  □ 邮寄送达  ☑ 窗口领取",
    "承诺：本人对所填写信息的真实性负责，如有不实，愿承担相应法律责任。",
    "材料清单：1. 原居民身份证  2. 户口簿  3. 近期免冠照片",
    "受理部门：示范区政务服务中心 综合受理窗口",
]


def render_page(seed: int) -> np.ndarray:
    page = Image.new("RGB", (PAGE_W, PAGE_H), (250, 250, 246))
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(str(FONT), 54)
    body = ImageFont.truetype(str(FONT), 27)
    small = ImageFont.truetype(str(FONT), 22)
    draw.text((PAGE_W / 2, 120), "政务服务事项申请表", font=title, fill=(20, 20, 20), anchor="mm")
    draw.text((80, 200), f"编号：ZW-2024-{seed:05d}          申请日期：2024 年 5 月 18 日", font=small,
              fill=(40, 40, 40))
    y = 270
    for line in LINES:
        draw.text((80, y), line, font=body, fill=(25, 25, 25))
        draw.line((80, y + 44, PAGE_W - 80, y + 44), fill=(120, 120, 120), width=2)
        y += 80
    top = y + 30
    for r in range(6):  # a table, as most forms have
        draw.line((80, top + r * 70, PAGE_W - 80, top + r * 70), fill=(30, 30, 30), width=3)
    for x in (80, 330, 620, PAGE_W - 80):
        draw.line((x, top, x, top + 350), fill=(30, 30, 30), width=3)
    for r, row in enumerate(["序号  材料名称", "1  身份证原件", "2  户口簿", "3  照片"]):
        draw.text((100, top + 18 + r * 70), row, font=body, fill=(25, 25, 25))
    draw.text((PAGE_W - 330, PAGE_H - 170), "申请人签字：", font=body, fill=(25, 25, 25))
    draw.ellipse((PAGE_W - 300, PAGE_H - 330, PAGE_W - 120, PAGE_H - 150), outline=(200, 30, 30), width=6)
    draw.text((PAGE_W - 210, PAGE_H - 240), "受理专用章", font=small, fill=(200, 30, 30), anchor="mm")
    qr = qrcode.make(f"DOC-SAMPLE-{seed}", box_size=5, border=2, image_factory=PilImage).get_image().convert("RGB")
    page.paste(qr, (PAGE_W - 60 - qr.size[0], 30))
    return cv2.cvtColor(np.array(page), cv2.COLOR_RGB2BGR)


def desk(seed: int) -> np.ndarray:
    """Wood grain: stretched noise plus rings, brown, with a little pore texture."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (H // 8, 24)).astype(np.float32)
    grain: np.ndarray = cv2.resize(noise, (W, H), interpolation=cv2.INTER_CUBIC)
    yy = np.arange(H, dtype=np.float32)[:, None]
    rings = np.sin(yy / 9.0 + grain * 2.5) * 0.5 + 0.5
    pores: np.ndarray = cv2.GaussianBlur(rng.normal(0, 1, (H, W)).astype(np.float32), (0, 0), 1.2)
    tone = 0.55 + 0.18 * rings + 0.05 * pores
    brown = np.array([60, 105, 150], np.float32)  # BGR
    return np.clip(tone[:, :, None] * brown[None, None, :] * 1.25, 0, 255).astype(np.uint8)


def page_quad(rotation: float, height: float, centre: tuple[float, float], tilt: float) -> np.ndarray:
    width = height * PAGE_W / PAGE_H
    half = np.array([[-width / 2, -height / 2], [width / 2, -height / 2],
                     [width / 2, height / 2], [-width / 2, height / 2]], np.float32)
    half[0, 0] += tilt * width  # keystone: the camera is not exactly above the page
    half[1, 0] -= tilt * width
    a = np.deg2rad(rotation)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    return (half @ rot.T + np.array(centre, np.float32)).astype(np.float32)


Spec = tuple[str, float, float, tuple[float, float], float, float]


def compose(spec: Spec, seed: int) -> tuple[np.ndarray, np.ndarray]:
    _, rotation, height, centre, tilt, shadow = spec
    frame = desk(seed).astype(np.float32)
    page = render_page(seed)
    quad = page_quad(rotation, height, centre, tilt)
    src = np.array([[0, 0], [PAGE_W - 1, 0], [PAGE_W - 1, PAGE_H - 1], [0, PAGE_H - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(page, matrix, (W, H), flags=cv2.INTER_AREA).astype(np.float32)
    mask = cv2.warpPerspective(np.ones((PAGE_H, PAGE_W), np.float32), matrix, (W, H), flags=cv2.INTER_AREA)
    frame = frame * (1 - mask[:, :, None]) + warped * mask[:, :, None]
    # uneven light across the desk, and the soft shadow of the camera arm / a hand
    xx = np.linspace(0, 1, W, dtype=np.float32)[None, :]
    light = 1.0 - 0.25 * xx + 0.05 * np.linspace(0, 1, H, dtype=np.float32)[:, None]
    shade: np.ndarray = np.zeros((H, W), np.float32)
    rng = np.random.default_rng(seed)
    x0 = int(rng.integers(300, 900))
    cv2.fillPoly(shade, [np.array([[x0, 0], [x0 + 420, 0], [x0 + 700, H], [x0 + 200, H]], np.int32)], 1.0)
    shade = cv2.GaussianBlur(shade, (0, 0), 60)
    frame *= (light * (1 - shadow * shade))[:, :, None]
    frame += rng.normal(0, 2.0, frame.shape).astype(np.float32)  # sensor noise
    return np.clip(frame, 0, 255).astype(np.uint8), quad


def main(argv: list[str]) -> int:
    if not FONT.exists():
        raise SystemExit(f"{FONT} missing: apt-get install fonts-noto-cjk")
    HERE.mkdir(exist_ok=True)
    truth = {}
    for seed, spec in enumerate(SPECS, start=1):
        image, quad = compose(spec, seed)
        path = HERE / f"{spec[0]}.jpg"
        cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        truth[path.name] = {"corners": quad.round(1).tolist(), "qr": f"DOC-SAMPLE-{seed}", "rotation": spec[1]}
        print(path.name, f"{path.stat().st_size // 1024} KB")
    (HERE / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
