"""The SocialSecurityCardReader contract, run against the virtual card through the real pcscd.

Subclasses provide ``make_reader`` (a started reader on the rig's card slot). Every test inserts a
fresh virtual card with the generation, answer style and fault it needs.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from devices.errors import CardReadError, CardRemoved, DeviceError, DeviceOffline, NoCard
from devices.ss_card.protocol import JSON_KEYS, SocialSecurityCardReader, SsCardRecord, read_card_json
from devices.status import Health
from devices.twins.ss_card.card_model import Holder
from devices.worker import DeviceEvent
from tests.rigs.waiting import budget, pass_time, wait_until

GENERATIONS = ["1.0", "2.0", "3.0"]
STYLES = ["t0", "t1"]


def read_when_present(reader: SocialSecurityCardReader, timeout_s: float = 8.0) -> SsCardRecord:
    """pcscd notices an inserted vpcd card after ~0.5 s: retry NoCard until then."""

    def read() -> SsCardRecord | None:
        try:
            return reader.read_card(timeout_s=budget(5.0))
        except NoCard:
            return None

    try:
        record = wait_until(read, timeout_s=timeout_s, what="a readable card", interval_s=0.05)
        assert record is not None  # wait_until returns only a truthy value
        return record
    except AssertionError:
        return reader.read_card(timeout_s=budget(5.0))  # raises NoCard as it did


def wait_for(predicate: Callable[[], bool], timeout_s: float = 8.0) -> bool:
    """:func:`tests.rigs.waiting.wait_until` with this module's budget (8 s on an idle machine)."""
    return bool(wait_until(predicate, timeout_s=timeout_s))


class Events:
    def __init__(self, reader: SocialSecurityCardReader) -> None:
        self.q: queue.Queue[DeviceEvent] = queue.Queue()
        self.unsubscribe = reader.subscribe(self.q.put)

    def next(self, name: str, timeout_s: float = 8.0) -> DeviceEvent:
        deadline = time.monotonic() + budget(timeout_s)
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.q.get(timeout=left)
            except queue.Empty:
                break
            if event.name == name:
                return event
        raise AssertionError(f"no {name} event within {budget(timeout_s):.1f} s")


class SocialSecurityCardReaderContract:
    make_reader: Callable[..., Any]  # fixture in subclasses

    @pytest.mark.parametrize("style", STYLES)
    @pytest.mark.parametrize("generation", GENERATIONS)
    def test_each_generation_and_answer_style(self, pcsc_virtual_reader, make_reader, generation, style) -> None:
        card = pcsc_virtual_reader.insert(generation=generation, answer_style=style)
        record = read_when_present(make_reader())
        assert record.card_number == "A12345678"
        assert record.card_version == f"{generation}0"
        assert record.region_code == "110100"
        assert record.atr == card.atr()
        if generation == "3.0":
            assert record.holder_data == "needs_psam"
            assert record.name is None and record.id_number is None and record.birth_date is None
            assert record.issue_date is None and record.valid_until is None
        else:
            assert record.holder_data == "read"
            assert record.name == "张三" and record.id_number == "110101199003071233"
            assert (record.sex, record.nation, record.birth_date) == ("男", "汉", "1990-03-07")
            assert (record.issue_date, record.valid_until) == ("2020-01-15", "2030-01-15")
        reads = [c for c in card.commands if c[1] == 0xB2]
        assert reads and all(c[3] == 0x00 for c in reads), "items are read by tag, not by number"
        if style == "t0":
            assert any(c[:2] == b"\x00\xc0" for c in card.commands), "61xx must lead to GET RESPONSE"

    def test_name_extension_is_joined(self, pcsc_virtual_reader, make_reader) -> None:
        holder = Holder(name="阿依古丽·买买提", name_extension="·艾合买提江", sex="2", nation="05")
        pcsc_virtual_reader.insert(generation="2.0", holder=holder, answer_style="t1")
        record = read_when_present(make_reader())
        assert record.name == "阿依古丽·买买提·艾合买提江"
        assert (record.sex, record.nation) == ("女", "维吾尔")

    def test_personal_fields_stay_out_of_repr_and_json_is_masked(self, pcsc_virtual_reader, make_reader) -> None:
        pcsc_virtual_reader.insert(generation="2.0")
        record = read_when_present(make_reader())
        assert "110101199003071233" not in repr(record) and "张三" not in repr(record)
        masked = record.to_json(reveal=False)
        assert tuple(masked) == JSON_KEYS
        assert masked["id_number"] == "110101********1233" and masked["name"] == "张*"
        assert record.to_json(reveal=True)["id_number"] == "110101199003071233"

    def test_file_not_found_fault(self, pcsc_virtual_reader, make_reader) -> None:
        pcsc_virtual_reader.insert(fault="6a82")
        with pytest.raises(CardReadError) as err:
            read_when_present(make_reader())
        assert err.value.code == "device.ss_card.file_not_found"

    def test_security_status_fault(self, pcsc_virtual_reader, make_reader) -> None:
        pcsc_virtual_reader.insert(fault="6982", answer_style="t1")
        with pytest.raises(CardReadError) as err:
            read_when_present(make_reader())
        assert err.value.code == "device.ss_card.security"

    @pytest.mark.parametrize("style", STYLES)
    def test_card_pulled_mid_read(self, pcsc_virtual_reader, make_reader, style) -> None:
        pcsc_virtual_reader.insert(fault="pull_mid_read", answer_style=style)
        # The reader's own poll must not read the card on insertion: that read would pull it first (on a
        # busy machine the poll often sees the card before this explicit read) and leave no card to read.
        with pytest.raises(CardRemoved):
            read_when_present(make_reader(read_on_insert=False))

    def test_no_card(self, pcsc_virtual_reader, make_reader) -> None:
        reader = make_reader()
        with pytest.raises(NoCard):
            reader.read_card(timeout_s=5.0)

    def test_events_placed_once_then_removed(self, pcsc_virtual_reader, make_reader) -> None:
        reader = make_reader()
        events = Events(reader)
        pcsc_virtual_reader.insert(generation="1.0")
        placed = events.next("card_placed")
        assert isinstance(placed.payload, SsCardRecord) and placed.payload.card_version == "1.00"
        pass_time(0.5, reason="several poll rounds: the same card must not be read again")
        assert all(e.name != "card_placed" for e in list(events.q.queue))
        pcsc_virtual_reader.remove()
        events.next("card_removed")

    def test_read_card_json_has_exactly_the_cli_keys(self, pcsc_virtual_reader, make_reader) -> None:
        pcsc_virtual_reader.insert(generation="3.0")
        out = read_card_json(make_reader(), reveal=False, timeout_s=budget(8.0))
        assert tuple(out) == JSON_KEYS
        assert out["holder_data"] == "needs_psam" and out["name"] is None and out["card_number"] == "A12345678"

    def test_pcscd_restart_offline_then_recovers(self, pcsc_virtual_reader, make_reader) -> None:
        reader = make_reader()
        pcsc_virtual_reader.insert()
        read_when_present(reader)
        assert wait_for(lambda: reader.status().health is Health.OK)
        pcsc_virtual_reader.stop_pcscd()
        assert wait_for(lambda: reader.status().health is Health.OFFLINE)
        assert reader.status().code == "ss_card.pcscd_unavailable"
        with pytest.raises(DeviceError) as err:
            reader.read_card(timeout_s=5.0)
        assert isinstance(err.value, DeviceOffline)
        pcsc_virtual_reader.start_pcscd()
        pcsc_virtual_reader.insert(generation="2.0", answer_style="t1")
        assert wait_for(lambda: reader.status().health is Health.OK, timeout_s=15)
        assert read_when_present(reader).holder_data == "read"


@pytest.fixture
def reader_factory() -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Start readers built by ``build`` and stop them (releasing PC/SC contexts) after the test."""
    made: list[Any] = []

    def start(build: Callable[[], Any]) -> Any:
        reader = build()
        reader.open()
        made.append(reader)
        return reader

    yield start
    for reader in made:
        reader.close()
