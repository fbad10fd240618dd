"""信息发布 on the calling display against a real hall server: the images and videos of a folder take the
recent calls' place, in name order, round and round, muted; unreadable files are skipped; calls still show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from config import load_settings
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_wait_until

pytestmark = pytest.mark.usefixtures("cjk_fonts")
RED, BLUE, GREEN = (220, 30, 30), (30, 60, 220), (30, 200, 60)


def _video(path: Path, rgb: tuple[int, int, int], *, frames: int = 12) -> None:
    """A short MJPG AVI of one colour (OpenCV writes it; BGR order)."""
    out = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 12.0, (160, 120))
    frame = np.full((120, 160, 3), rgb[::-1], dtype=np.uint8)
    for _ in range(frames):
        out.write(frame)
    out.release()


@pytest.fixture
def media(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    Image.new("RGB", (320, 180), RED).save(folder / "01-red.png")
    (folder / "02-broken.jpg").write_bytes(b"not an image")
    _video(folder / "03-green.avi", GREEN)
    Image.new("RGB", (180, 320), BLUE).save(folder / "04-blue.png")
    (folder / "notes.txt").write_text("not media")
    return folder


@pytest.fixture
def display(qtbot: Any, hall_server_shared: HallServer, tmp_path: Path, media: Path) -> Iterator[Any]:
    from hall.display.app import build_display

    server = hall_server_shared
    settings = load_settings(overrides=[f'hall.server_url="{server.url}"',
                                        f'terminal.token="{server.tokens["display"]}"',
                                        f'display.media_dir="{media}"', "display.media_image_s=2"])
    win = build_display(settings, voice=None)
    qtbot.addWidget(win)
    win.start()
    win.show()
    yield win
    win.shutdown()


def _colour_in_media(win: Any) -> tuple[int, int, int]:
    """The colour at the centre of the media area on the painted screen (design grid scaled to the window)."""
    img = win.view.grab().toImage()
    scale = min(img.width() / 1920, img.height() / 1080)
    ox, oy = (img.width() - 1920 * scale) / 2, (img.height() - 1080 * scale) / 2
    # landscape: right column from x≈1224 to 1880; media below the waiting panel (see BoardView._paint)
    x, y = ox + 1552 * scale, oy + 800 * scale
    c = img.pixelColor(int(x), int(y))
    return c.red(), c.green(), c.blue()


def _near(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) < 40 for x, y in zip(a, b, strict=True))


def test_images_and_a_muted_video_rotate_in_the_media_area(qtbot: Any, display: Any) -> None:
    media = display.media
    assert media is not None and media.muted  # no audio output: the speakers are for calls only
    qt_wait_until(qtbot, lambda: display.board.online, timeout=10_000)
    qt_wait_until(qtbot, lambda: media.current is not None and media.current.name == "01-red.png"
                  and _near(_colour_in_media(display), RED), timeout=10_000)
    # the broken file is skipped; the video plays (its frames painted), then the next image
    qt_wait_until(qtbot, lambda: media.current is not None and media.current.name == "03-green.avi"
                  and _near(_colour_in_media(display), GREEN), timeout=20_000)
    qt_wait_until(qtbot, lambda: media.current is not None and media.current.name == "04-blue.png"
                  and _near(_colour_in_media(display), BLUE), timeout=20_000)
    assert [p.name for p in media.playlist.files] == ["01-red.png", "02-broken.jpg", "03-green.avi", "04-blue.png"]
    qt_wait_until(qtbot, lambda: media.current is not None and media.current.name == "01-red.png", timeout=20_000)
    assert media.shown >= 4  # round and round
