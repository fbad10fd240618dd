"""ESC/POS rendering: exact bytes for fixed layouts (golden files), Chinese mode, wrapping, QR proof."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st

from devices.printer import commands as cmd
from devices.printer.document import Align, Barcode, Document, Qr, Separator, Text, text_cells, wrap
from devices.printer.interpreter import Line, interpret
from devices.printer.preview import preview
from devices.printer.render import render
from devices.printer.testpage import build_test_page
from tests.unit.devices.printer_samples import ID_NUMBER, NOTICE, RECEIPT, TICKET, samples

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "printer"
CASES = [(name, mm, mode) for name in ("ticket", "receipt", "notice", "ticket_en", "test_page")
         for mm in (58, 80) for mode in ("native", "image")]


def _doc(name: str, mm: int, mode: str) -> Document:
    if name == "test_page":
        return build_test_page(paper_mm=mm, qr_mode=mode, driver="escpos", at=datetime(2024, 5, 6, 1, 30, tzinfo=UTC))
    return samples()[name]


@pytest.mark.parametrize(("name", "mm", "mode"), CASES)
def test_fixed_layouts_match_golden_bytes(name: str, mm: int, mode: str) -> None:
    data = render(_doc(name, mm, mode), paper_mm=mm, qr_mode=mode)  # type: ignore[arg-type]
    golden = GOLDEN / f"{name}_{mm}_{mode}.bin"
    if os.environ.get("UPDATE_PRINTER_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
    assert data == golden.read_bytes()


def test_chinese_goes_through_chinese_mode_in_gb18030() -> None:
    data = render(Document("t", (Text("号：A"),)))
    assert data == cmd.INIT + cmd.CHINESE_ON + "号：".encode("gb18030") + cmd.CHINESE_OFF + b"A\n"
    assert "：".encode("gb18030") == b"\xa3\xba"  # full-width punctuation is not "?"


def test_enlarged_text_uses_gs_bang_and_resets() -> None:
    data = render(Document("t", (Text("A", width=2, height=3, bold=True), Text("b"))))
    assert data == cmd.INIT + b"\x1bE\x01\x1d!\x12A\n\x1bE\x00\x1d!\x00b\n"


def test_control_characters_in_data_cannot_inject_commands() -> None:
    data = render(Document("t", (Text("A\x1b@\x1dV\x00B\x10\x04\x01"),)))
    assert data == cmd.INIT + b"A @ V B\n"


def test_ticket_text_and_qr_round_trip_through_the_interpreter() -> None:
    out = interpret(render(samples()["ticket"], paper_mm=58))
    lines = out.text_lines()
    assert "A023" in lines and "社保医保" in lines and "长者优先" in lines
    assert "前面等待：5 人" in lines and "预计等待：约 15 分钟" in lines
    assert "取号时间：2024-05-06 09:30" in lines  # shown in hall time
    assert TICKET.hall_name in lines
    assert out.qr_payloads() == [TICKET.follow_url] and out.cuts == 1


def test_receipt_masks_the_id_number_and_lists_materials() -> None:
    data = render(samples()["receipt"])
    assert ID_NUMBER.encode() not in data
    assert ID_NUMBER not in repr(RECEIPT)
    lines = interpret(data).text_lines()
    assert "证件号码：110101********1234" in lines
    assert "登记编码：1101052024050600017" in lines and RECEIPT.registration_code in lines
    assert "1. 居民身份证（原件 1 份）" in lines
    assert "待补材料（请于 2024-05-13 前补齐）：" in lines
    assert "承诺办结日期：2024-05-20" in lines


def test_notice_lists_everything_missing() -> None:
    text = "".join(interpret(render(samples()["notice"])).text_lines())
    for material in NOTICE.missing:
        assert material.name in text
    assert "一次性告知书" in text


@pytest.mark.parametrize("mm", [58, 80])
@pytest.mark.parametrize("mode", ["native", "image"])
@pytest.mark.parametrize(("name", "expected"), [("ticket", TICKET.follow_url),
                                                ("receipt", RECEIPT.registration_code)])
def test_qr_decodes_from_the_rendered_preview(mm: int, mode: str, name: str, expected: str) -> None:
    image = preview(render(samples()[name], paper_mm=mm, qr_mode=mode), paper_mm=mm)  # type: ignore[arg-type]
    assert image.width == {58: 384, 80: 576}[mm]
    found = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [expected]


def test_barcode_decodes_from_preview() -> None:
    image = preview(render(Document("t", (Barcode("TEST-0123"),)), paper_mm=58), paper_mm=58)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["TEST-0123"]


def test_long_qr_shrinks_its_modules_to_fit_58mm() -> None:
    url = "https://hall.example.gov.cn/queue/follow?" + "x" * 300
    image = preview(render(Document("t", (Qr(url, module=8),)), paper_mm=58), paper_mm=58)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]


def test_lines_never_exceed_the_paper() -> None:
    long = "城乡居民基本养老保险参保登记，" * 5 + "Please bring the original documents"
    for mm, cols in ((58, 32), (80, 48)):
        out = interpret(render(Document("t", (Text(long), Text(long, width=2), Separator("=")) ), paper_mm=mm))
        for line in out.ops:
            assert isinstance(line, Line)
            width = sum(text_cells(s.text) * s.width for s in line.segments)
            assert 0 < width <= cols


def test_wrap_rules() -> None:
    assert wrap("汉" * 20, 32) == ["汉" * 16, "汉" * 4]
    assert wrap("一二三四五六七，八", 14) == ["一二三四五六", "七，八"]  # no comma at a line start
    assert wrap("hello world again", 12) == ["hello world", "again"]
    assert wrap("a\nb", 10) == ["a", "b"]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120),
       st.sampled_from([8, 16, 24, 32, 48]))
def test_wrap_fits_and_keeps_every_visible_character(text: str, columns: int) -> None:
    lines = wrap(text, columns)
    assert all(text_cells(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_alignment_survives_round_trip() -> None:
    out = interpret(render(Document("t", (Text("L"), Text("C", align=Align.CENTER), Text("R", align=Align.RIGHT)))))
    assert [(op.text, op.align) for op in out.ops] == [  # type: ignore[union-attr]
        ("L", Align.LEFT), ("C", Align.CENTER), ("R", Align.RIGHT)]


def test_bad_options_are_value_errors() -> None:
    with pytest.raises(ValueError):
        render(Document("t", ()), paper_mm=76)
    with pytest.raises(ValueError):
        render(Document("t", ()), qr_mode="png")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Text("x", width=9)
    with pytest.raises(ValueError):
        Barcode("条码")
