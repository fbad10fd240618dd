"""SocialSecurityCardReader contract against virtual cards through the real pcscd + vpcd, plus
the PSAM path (3.0 cards), the pcsc-emulator twin, and the same contract on real hardware (off by default)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from devices.errors import CardReadError, DeviceOffline, NoCard
from devices.ss_card.pcsc_driver import PcscSocialSecurityReader
from devices.status import Health
from devices.twins.ss_card import emulated as emulated_module
from devices.twins.ss_card.card_model import VirtualSsCard
from devices.twins.ss_card.emulated import EmulatedPcscReader
from devices.twins.ss_card.psam_model import VirtualPsam
from tests.integration.ss_card_contract import (
    Events,
    SocialSecurityCardReaderContract,
    read_when_present,
    reader_factory,  # noqa: F401 - fixture
    wait_for,
)


class TestPcscDriverOnVirtualCard(SocialSecurityCardReaderContract):
    @pytest.fixture
    def make_reader(self, pcsc_virtual_reader, reader_factory):  # noqa: F811
        def make(**options: Any) -> PcscSocialSecurityReader:
            options.setdefault("reader", pcsc_virtual_reader.reader_name)
            return reader_factory(lambda: PcscSocialSecurityReader(poll_interval_s=0.1, **options))

        return make


class TestPsamSlot:
    @pytest.fixture
    def make_reader(self, pcsc_virtual_reader, reader_factory):  # noqa: F811
        def make(**options: Any) -> PcscSocialSecurityReader:
            options.setdefault("psam_reader", pcsc_virtual_reader.psam_reader_name)
            return reader_factory(lambda: PcscSocialSecurityReader(reader="", poll_interval_s=0.1, **options))

        return make

    @pytest.mark.parametrize("style", ["t0", "t1"])
    def test_3_0_card_with_psam_gives_holder_data(self, pcsc_virtual_reader, make_reader, style) -> None:
        psam = pcsc_virtual_reader.insert_psam()
        card = pcsc_virtual_reader.insert(generation="3.0", answer_style=style)
        record = read_when_present(make_reader())  # empty reader option: the card slot, never the PSAM
        assert record.holder_data == "read"
        assert record.id_number == "110101199003071233" and record.issue_date == "2020-01-15"
        assert any(c[:2] == b"\x00\x82" for c in card.commands), "external authentication happened"
        assert any(c[:2] == b"\x80\xfa" for c in psam.commands)

    def test_psam_with_other_keys_leaves_holder_data_unavailable(self, pcsc_virtual_reader, make_reader) -> None:
        pcsc_virtual_reader.insert_psam(VirtualPsam(external_master=bytes(16)))
        pcsc_virtual_reader.insert(generation="3.0")
        record = read_when_present(make_reader())
        assert record.holder_data == "needs_psam" and record.name is None

    def test_card_failing_internal_authentication_is_refused(self, pcsc_virtual_reader, make_reader) -> None:
        pcsc_virtual_reader.insert_psam()
        pcsc_virtual_reader.insert(VirtualSsCard(generation="3.0", internal_master=bytes(16)))
        with pytest.raises(CardReadError) as err:
            read_when_present(make_reader())
        assert err.value.code == "device.ss_card.not_genuine"

    def test_missing_psam_is_degraded(self, pcsc_virtual_reader, make_reader) -> None:
        reader = make_reader(psam_reader="no such psam reader")
        assert wait_for(lambda: reader.status().health is Health.DEGRADED)
        assert reader.status().code == "ss_card.no_psam"


class TestEmulatedTwin:
    def test_twin_inserts_a_card_and_reads_it_through_pcscd(self, pcsc_virtual_reader) -> None:
        twin = EmulatedPcscReader(poll_interval_s=0.1, generation="2.0")
        events = Events(twin)
        twin.open()
        try:
            placed = events.next("card_placed")
            assert placed.payload.holder_data == "read"
            assert twin.status().driver == "pcsc-emulator" and twin.status().health is Health.OK
            twin.remove_card()
            events.next("card_removed")
            with pytest.raises(NoCard):
                twin.read_card(timeout_s=5.0)
            twin.insert_card(generation="3.0", answer_style="t1")
            assert read_when_present(twin).holder_data == "needs_psam"
        finally:
            twin.close()

    def test_twin_with_psam_reads_3_0_cards(self, pcsc_virtual_reader) -> None:
        twin = EmulatedPcscReader(poll_interval_s=0.1, generation="3.0", psam_reader="00 01")
        twin.open()
        try:
            assert read_when_present(twin).holder_data == "read"
        finally:
            twin.close()

    def test_without_pcscd_tools_the_twin_reports_offline(self, monkeypatch) -> None:
        monkeypatch.setattr(emulated_module, "missing_tools", lambda: "pcscd is not installed (apt-get install pcscd)")
        twin = EmulatedPcscReader()
        twin.open()
        try:
            assert twin.status().health is Health.OFFLINE and "apt-get install pcscd" in twin.status().message_en
            with pytest.raises(DeviceOffline):
                twin.read_card(timeout_s=1)
        finally:
            twin.close()


@pytest.mark.hardware
class TestPcscDriverOnRealReader:
    """A real reader with a real social-security card in it (``--hardware``; HALL_SS_READER names
    the reader, empty = the first one holding a card)."""

    @pytest.fixture
    def reader(self, reader_factory):  # noqa: F811
        return reader_factory(lambda: PcscSocialSecurityReader(reader=os.environ.get("HALL_SS_READER", "")))

    def test_reads_the_card_in_the_reader(self, reader) -> None:
        record = read_when_present(reader, timeout_s=30)
        assert record.card_version[:1] in "123" and record.region_code.isdigit() and len(record.card_number) == 9
        assert record.holder_data in ("read", "needs_psam")
        if record.holder_data == "read":
            assert record.id_number and len(record.id_number) == 18


class TestReaderDiscovery:
    def test_readers_listed_and_unmatched_reader_is_offline(self, pcsc_virtual_reader, reader_factory) -> None:  # noqa: F811
        reader = reader_factory(lambda: PcscSocialSecurityReader(reader="no such reader", poll_interval_s=0.1))
        assert pcsc_virtual_reader.reader_name in reader.readers()
        assert wait_for(lambda: reader.status().code == "ss_card.no_reader")
        assert reader.status().health is Health.OFFLINE
        with pytest.raises(DeviceOffline) as err:
            reader.read_card(timeout_s=5)
        assert err.value.code == "device.ss_card.no_reader"

    def test_reader_filter_is_a_case_insensitive_part_of_the_name(self, pcsc_virtual_reader, reader_factory) -> None:  # noqa: F811
        pcsc_virtual_reader.insert(generation="1.0", answer_style="t1")
        reader = reader_factory(lambda: PcscSocialSecurityReader(reader="virtual pcd 00 00", poll_interval_s=0.1))
        assert read_when_present(reader).card_version == "1.00"
