"""One contract for every face_verifier driver that compares photos itself (the twin, dlib): state
rules, decisions and liveness, on frames built from the repo's sample portraits (testset.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

from devices.errors import DeviceOffline
from devices.face_verifier.protocol import BadReference, Decision, FaceVerifier, IdNumberReference
from devices.status import Health
from devices.twins.face_verifier import testset as ts
from devices.worker import DeviceEvent

SRC = ts.sources()


class FaceVerifierContract:
    """Subclasses set ``make`` (a factory of a closed verifier) and ``different_photo`` (True when the
    driver recognises a person across two different photographs, not just the same photograph)."""

    make: Callable[[], FaceVerifier]
    different_photo = False

    @pytest.fixture
    def verifier(self) -> Iterator[FaceVerifier]:
        v = self.make()
        v.open()
        yield v
        v.close()

    def test_closed_until_opened_and_after_closing(self) -> None:
        v = self.make()
        assert v.status().health is Health.OFFLINE
        with pytest.raises(DeviceOffline):
            v.verify(ts.id_photo(SRC["obama_1"]), ts.frames(SRC["obama_1"]))
        v.open()
        assert v.status().ok
        v.close()
        assert v.status().health is Health.OFFLINE

    def test_the_same_person_matches(self, verifier: FaceVerifier) -> None:
        probe = "obama_2" if self.different_photo else "obama_1"
        events: list[DeviceEvent] = []
        verifier.subscribe(events.append)
        d = verifier.verify(ts.id_photo(SRC["obama_1"]), ts.frames(SRC[probe]))
        assert d.decision is Decision.MATCH and d.score >= d.threshold, d
        assert d.liveness is not None and d.liveness.live and d.liveness.frames == 3
        assert [e.name for e in events] == ["verified"] and events[0].payload == d

    def test_another_person_does_not(self, verifier: FaceVerifier) -> None:
        for ref, probe in (("obama_1", "biden_1"), ("collins_1", "obama_1"), ("biden_1", "collins_1")):
            d = verifier.verify(ts.id_photo(SRC[ref]), ts.frames(SRC[probe]))
            assert d.decision is Decision.NO_MATCH and d.score < d.threshold, (ref, probe, d)

    def test_a_photo_held_still_is_not_a_person(self, verifier: FaceVerifier) -> None:
        d = verifier.verify(ts.id_photo(SRC["obama_1"]), ts.frames(SRC["obama_1"], still=True))
        assert d.decision is Decision.NOT_LIVE and not d.matched

    def test_no_face_in_the_frames(self, verifier: FaceVerifier) -> None:
        wall = np.full((720, 1280, 3), 128, np.uint8)
        d = verifier.verify(ts.id_photo(SRC["obama_1"]), [wall, wall.copy(), wall.copy()])
        assert d.decision is Decision.NO_FACE

    def test_a_registered_photo_by_id_number_needs_the_provincial_service(self, verifier: FaceVerifier) -> None:
        with pytest.raises(BadReference):
            verifier.verify(IdNumberReference("110101199003071233"), ts.frames(SRC["obama_1"]))
