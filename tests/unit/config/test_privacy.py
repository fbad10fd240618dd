"""One redaction function: a full ID number never reaches a log."""

from __future__ import annotations

import io
import logging

from hypothesis import given
from hypothesis import strategies as st

from config.logsetup import RedactingFilter, setup_logging
from config.privacy import mask_address, mask_id_number, mask_name, mask_phone, redact

ID = "110101199003071234"


def test_masks_follow_the_national_desensitisation_form() -> None:
    assert mask_id_number(ID) == "110101********1234"
    assert mask_id_number("11010119900307123X") == "110101********123X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_address("北京市东城区东华门街道100号").startswith("北京市东城区")
    assert "100号" not in mask_address("北京市东城区东华门街道100号")


def test_one_rule_where_the_old_copies_disagreed() -> None:
    assert mask_id_number("110101900307123") == "110101******123"  # legacy 15 digits (the SS-card copy hid all)
    assert mask_id_number("USA110085041514") == "USA110******514"  # the 2017 foreigner's card
    assert mask_id_number(" 110101 19900307 1234 ") == "110101********1234"  # blanks inside are ignored
    assert mask_id_number("110101199003*71234") == "110101********1234"  # the receipt printed this as it came
    assert mask_id_number("11010119900307123*") == "*" * 18  # not an ID shape: nothing shown
    assert mask_id_number("110101********1234") == "110101********1234"  # masking again changes nothing


def test_phones_keep_three_and_four_or_at_most_the_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("010-12345678") == "*******5678"
    assert mask_phone("12345") == "*****"


def test_redact_finds_id_numbers_inside_text() -> None:
    assert redact(f"card read id={ID}, ok") == "card read id=110101********1234, ok"
    assert redact("order 1234567890123456789012 stays") == "order 1234567890123456789012 stays"
    assert redact("submission 202611220001389R0 opened") == "submission 202611220001389R0 opened"
    assert redact("旧证110101900307123，请换新") == "旧证110101******123，请换新"


def test_redact_finds_mobile_numbers_inside_text() -> None:
    assert redact("请回电13812345678谢谢") == "请回电138****5678谢谢"
    assert redact("tel: +86 138 1234 5678.") == "tel: 138****5678."
    assert redact("ticket at 1700000000123 ms") == "ticket at 1700000000123 ms"


@given(st.from_regex(r"[1-6]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d)\d{3}[\dX]", fullmatch=True),
       st.text(alphabet=st.characters(blacklist_categories=("Nd", "Lu", "Ll")), max_size=8))
def test_no_id_number_survives_redaction(id_number: str, around: str) -> None:
    assert id_number not in redact(f"{around}{id_number}{around}")


def test_full_id_number_never_reaches_a_log_handler() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("test.privacy")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("citizen %s took A001", ID)
        try:
            raise ValueError(f"bad card {ID}")
        except ValueError:
            log.exception("read failed for %s", ID)
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert ID not in text
    assert "110101********1234" in text
    assert "Traceback" in text


def test_suite_logging_setup_redacts(capsys) -> None:
    setup_logging(level="INFO")
    logging.getLogger("test.setup").warning("id %s", ID)
    err = capsys.readouterr().err
    assert ID not in err and "110101********1234" in err


SECRET = "rXIsof28kIrsXMchx1Kpd4z-yznY1_Ul2k10Lz5YDuU"


def test_redact_stars_tokens_in_urls_headers_first_messages_and_cookies() -> None:
    lines = [f'127.0.0.1:5 - "WebSocket /api/v1/events?token={SECRET}" [accepted]',
             f"< authorization: Bearer {SECRET}", f"> TEXT '{{\"token\": \"{SECRET}\"}}' [52 bytes]",
             f"Cookie: hall_dashboard={SECRET}; other=1", f"GET /x?a=1&access_token={SECRET}"]
    for line in lines:
        once = redact(line)
        assert SECRET not in once and "***" in once, once
        assert redact(once) == once
