"""One redaction function: a full ID number never reaches a log."""

from __future__ import annotations

import io
import logging

from hypothesis import given
from hypothesis import strategies as st

from config.logsetup import RedactingFilter, setup_logging
from config.privacy import mask_address, mask_id_number, mask_name, redact

ID = "110101199003071234"


def test_masks_follow_the_national_desensitisation_form() -> None:
    assert mask_id_number(ID) == "110101********1234"
    assert mask_id_number("11010119900307123X") == "110101********123X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_address("北京市东城区东华门街道100号").startswith("北京市东城区")
    assert "100号" not in mask_address("北京市东城区东华门街道100号")


def test_redact_finds_id_numbers_inside_text() -> None:
    assert redact(f"card read id={ID}, ok") == "card read id=110101********1234, ok"
    assert redact("order 1234567890123456789012 stays") == "order 1234567890123456789012 stays"


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


def test_suite_logging_setup_redacts(capsys) -> None:  # type: ignore[no-untyped-def]
    setup_logging(level="INFO")
    logging.getLogger("test.setup").warning("id %s", ID)
    err = capsys.readouterr().err
    assert ID not in err and "110101********1234" in err
