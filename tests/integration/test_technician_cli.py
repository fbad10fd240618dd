"""``python main.py devices …`` against the configured twins: JSON on stdout, exit 0/1, masking."""

from __future__ import annotations

import json
from pathlib import Path

import qrcode
from qrcode.image.pil import PilImage

from tests.rigs.hall_server import run_main

ID_KEYS = ["name", "sex", "nation", "birth_date", "address", "id_number", "issuer", "valid_from",
           "valid_until", "id_number_valid", "card_type"]
SS_KEYS = ["card_number", "card_version", "region_code", "name", "id_number", "sex", "nation", "birth_date",
           "issue_date", "valid_until", "holder_data"]


def _json(*args: str) -> tuple[int, object]:
    result = run_main("devices", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_read_id_card_prints_exactly_the_contract_keys_masked() -> None:
    rc, card = _json("read", "id_card")
    assert rc == 0
    assert isinstance(card, dict) and list(card) == ID_KEYS
    assert card["id_number"][6:14] == "********"
    assert card["sex"] in {"男", "女"} and card["nation"]
    assert card["id_number_valid"] is True


def test_read_id_card_reveals_the_full_number_only_when_asked() -> None:
    rc, card = _json("read", "id_card", "--reveal")
    assert rc == 0 and isinstance(card, dict)
    assert "*" not in card["id_number"] and len(card["id_number"]) == 18


def test_read_from_a_missing_port_exits_1_with_a_typed_error() -> None:
    rc, out = _json("read", "id_card", "--timeout", "1", "--set", "devices.id_card.driver=ga467",
                    "--set", "devices.id_card.port=/dev/ttyNOSUCHREADER")
    assert rc == 1
    assert isinstance(out, dict) and out["error"]["code"].startswith("device.")


def test_read_ss_card_through_pcscd_prints_the_contract_keys() -> None:
    rc, card = _json("read", "ss_card", "--timeout", "20")
    assert rc == 0, card
    assert isinstance(card, dict) and list(card) == SS_KEYS
    assert card["holder_data"] in {"read", "needs_psam"}


def test_scan_image_lists_type_and_text(tmp_path: Path) -> None:
    image = tmp_path / "code.png"
    qrcode.make("HALL:BOOKING:ABC123", image_factory=PilImage).save(image)
    rc, codes = _json("scan", "--image", str(image))
    assert rc == 0
    assert codes == [{"type": "QRCode", "text": "HALL:BOOKING:ABC123"}] or (
        isinstance(codes, list) and codes[0]["text"] == "HALL:BOOKING:ABC123")


def test_print_test_writes_escpos_bytes_and_a_png(tmp_path: Path) -> None:
    out, png = tmp_path / "page.bin", tmp_path / "page.png"
    rc, report = _json("print-test", "--output", str(out), "--png", str(png))
    assert rc == 0 and isinstance(report, dict)
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and b"\x1dV" in data  # initialise … cut
    assert png.read_bytes().startswith(b"\x89PNG")


def test_diagnose_reports_every_kind() -> None:
    rc, report = _json("diagnose")
    assert isinstance(report, dict)
    assert set(report["devices"]) == {"id_card", "ss_card", "camera", "code_scanner", "doc_camera", "printer",
                                      "voice", "face_verifier"}
    assert report["devices"]["face_verifier"]["health"] == "disabled"  # off unless a hall turns it on
    assert rc == (0 if report["ok"] else 1)


def test_times_are_local_iso() -> None:
    done = run_main("devices", "diagnose", "--set", "devices.ss_card.enabled=false", env={"TZ": "Asia/Shanghai"})
    report = json.loads(done.stdout)
    assert report["devices"]["printer"]["at"].endswith("+08:00")
    done = run_main("devices", "capture", "--device", "camera", env={"TZ": "Asia/Shanghai"})
    assert json.loads(done.stdout)["at"].endswith("+08:00")


def test_exit_status_2_for_bad_input_naming_what_is_wrong(tmp_path: Path) -> None:
    rc, out = _json("scan", "--image", str(tmp_path / "missing.png"))
    assert rc == 2 and isinstance(out, dict) and out["error"]["code"] == "device.code_scanner.image_unreadable"
    rc, out = _json("print-test", "--output", str(tmp_path / "no-usb-stick" / "page.bin"))
    assert rc == 2 and isinstance(out, dict) and out["error"]["code"] == "device.output_folder"
    assert str(tmp_path / "no-usb-stick") in out["error"]["message"]
    rc, out = _json("read", "id_card", "--set", "devices.id_card.driver=ga467", "--set", "devices.id_card.port=")
    assert rc == 2 and isinstance(out, dict) and out["error"]["code"] == "device.config"


def test_exit_status_1_for_a_device_fault() -> None:
    rc, out = _json("read", "id_card", "--timeout", "1", "--set", "devices.id_card.driver=ga467",
                    "--set", "devices.id_card.port=/dev/ttyNOSUCHREADER")
    assert rc == 1 and isinstance(out, dict) and out["error"]["code"] == "device.port_missing"
