"""Hostile QR and typed codes: every parser a scanned or typed code reaches gives a value or a typed
refusal, never another exception, and never accepts a code whose check character is wrong.

Parsers: the kiosk's booking-QR and receipt-QR recognisers (kiosk/flows/checkin.py, query.py), the
kiosk's keypad ID check (kiosk/flows/idnumber.py), the server's booking and registration code parsers
(hall/server/domain/appointments.py, submissions.py, codes.py), and the identify step that routes a
scanned text to the service-code (亮码) lookup.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.code_scanner.protocol import ScannedCode
from hall.server.domain import codes
from hall.server.domain.appointments import new_booking_code, parse_booking_code
from hall.server.domain.errors import InvalidCode
from hall.server.domain.submissions import new_registration_code, parse_registration_code
from kiosk.flows import checkin, query
from kiosk.flows.idnumber import is_valid as kiosk_id_valid
from kiosk.flows.machine import KioskMachine, settle
from tests.unit.kiosk.fakes import make_context

# What a scanner may hand over: any text (control characters, RTL marks, astral planes, NULs),
# URL-shaped payloads, and near-misses of the real formats.
_near = st.text(alphabet=codes.ALPHABET + "-oOiIlL u", min_size=0, max_size=40)
_url = st.builds(lambda scheme, host, kind, body: f"{scheme}://{host}/{kind}{body}",
                 st.sampled_from(["http", "https", "HTTP", "ftp"]), st.text(min_size=0, max_size=20),
                 st.sampled_from(["appt/", "booking=", "appointment:", "t/", ""]), _near)
payloads = st.one_of(st.text(max_size=300), _near, _url, st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(payloads)
def test_server_booking_code_parser(text: str) -> None:
    try:
        code = parse_booking_code(text)
    except InvalidCode as exc:
        assert exc.code == "invalid_code"
        return
    assert len(code) == 9 and codes.is_valid(code)


@FUZZ
@given(payloads)
def test_server_registration_code_parser(text: str) -> None:
    try:
        reg = parse_registration_code(text)
    except InvalidCode:
        return
    assert len(reg.code) == 17 and codes.is_valid(reg.code) and reg.counter >= 1


@FUZZ
@given(st.integers(1, 9999), st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(0, 16),
       st.characters(min_codepoint=0x20, max_codepoint=0x2FFFF))
def test_a_changed_registration_character_is_refused(counter: int, day: date, pos: int, ch: str) -> None:
    code = new_registration_code(day, counter).code
    changed = code[:pos] + ch + code[pos + 1:]
    if codes.normalize(changed) == code:
        return  # a confusable (o→0, l→1) or case change: the same code
    with pytest.raises(InvalidCode):
        parse_registration_code(changed)


@FUZZ
@given(st.integers(0, 8), st.characters(min_codepoint=0x20, max_codepoint=0x2FFFF))
def test_a_changed_booking_character_is_refused(pos: int, ch: str) -> None:
    code = new_booking_code()
    changed = code[:pos] + ch + code[pos + 1:]
    if codes.normalize(changed) == code:
        return
    with pytest.raises(InvalidCode):
        parse_booking_code(changed)


@FUZZ
@given(payloads)
def test_kiosk_recognisers_give_a_code_or_nothing(text: str) -> None:
    found = checkin.booking_code(text)
    assert found is None or (isinstance(found, str) and 6 <= len(found) <= 32 and found.isascii())
    m = query._CODE.match(text.strip())
    assert m is None or m.group(1).isascii()
    assert isinstance(kiosk_id_valid(text), bool)


def test_kiosk_recognisers_are_linear_on_long_input() -> None:
    """A QR holds up to ~4 kB: patterns with nested repeats could hang the kiosk on a crafted one."""
    for text in ("http://" + "a/" * 2000 + "appt", "https://" + "/" * 4000, "L" + "1" * 4000 + "!",
                 "appt:" + "A" * 4000 + "~"):
        assert checkin.booking_code(text) is None
        assert query._CODE.match(text) is None


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(payloads, st.sampled_from(["checkin", "query", "take_number", "submit"]))
def test_identify_step_routes_any_scan_to_a_view(text: str, flow: str) -> None:
    """A scanned text in any flow's identify step ends on a view: a booking, a case list, or a clear
    'code unknown' notice; the session never holds an identity that failed the check digit."""
    ctx = make_context()
    m = KioskMachine(ctx, idle_timeout_s=60, idle_countdown_s=10)
    settle(m, m.choose(flow))
    if flow == "take_number":
        settle(m, m.input("category", "A"))
    view = settle(m, m.device_event("code_scanner", "code_scanned", ScannedCode("qr", text)))
    assert isinstance(view.screen, str) and view.screen
    identity = ctx.session.identity
    assert identity is None or kiosk_id_valid(identity.id_number)
