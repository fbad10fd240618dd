"""Each test rig proves it works: pty pair, hall server process, PostgreSQL, Qt with CJK fonts."""

from __future__ import annotations

import httpx
import serial

from tests.rigs.hall_server import HallServer
from tests.rigs.serial_pty import PtyPair
from tests.rigs.waiting import budget


def test_serial_pty_carries_bytes_both_ways(serial_pty: PtyPair) -> None:
    with serial.serial_for_url(serial_pty.device, baudrate=115200, timeout=budget(2)) as dev, \
            serial.serial_for_url(serial_pty.peer, baudrate=115200, timeout=budget(2)) as peer:
        dev.write(bytes.fromhex("AAAAAA96690003200122"))
        assert peer.read(10) == bytes.fromhex("AAAAAA96690003200122")
        peer.write(bytes.fromhex("AAAAAA9669000400008084"))
        assert dev.read(11) == bytes.fromhex("AAAAAA9669000400008084")


def test_hall_server_process_answers_health_and_stops_cleanly(hall_server: HallServer) -> None:
    response = httpx.get(f"{hall_server.url}/api/v1/health", timeout=budget(5))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert hall_server.stop() == 0


def test_postgres_url_is_a_fresh_writable_database(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE rig_probe (n int)"))
        conn.execute(text("INSERT INTO rig_probe VALUES (42)"))
        assert conn.execute(text("SELECT n FROM rig_probe")).scalar_one() == 42
        conn.execute(text("DROP TABLE rig_probe"))
    engine.dispose()


def test_qt_offscreen_renders_chinese_with_a_cjk_font(qtbot, cjk_fonts: list[str]) -> None:
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
    from PySide6.QtWidgets import QLabel

    assert any("CJK" in family for family in cjk_fonts)
    assert any("CJK" in family for family in QFontDatabase.families())
    label = QLabel("政务服务大厅")
    label.setFont(QFont("Noto Sans CJK SC", 32))
    qtbot.addWidget(label)
    label.resize(400, 80)
    image = label.grab().toImage()
    dark = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 50, "no glyphs were drawn"
    # CJK glyphs are full width: each character about as wide as the font is tall.
    metrics = QFontMetrics(label.font())
    assert metrics.horizontalAdvance("政") >= 0.8 * metrics.height() * 0.75
