"""The camera contract: every driver and twin must pass it (imported by the per-driver test files)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from devices.camera.protocol import Camera, Frame
from devices.errors import DeviceError, DeviceOffline
from devices.status import Health
from devices.worker import DeviceEvent
from tests.rigs.waiting import wait_until


class CameraContract:
    """Subclasses provide ``make_camera`` (an unopened camera on a working source)."""

    def make_camera(self) -> Camera:
        raise NotImplementedError

    def test_is_a_camera(self) -> None:
        assert isinstance(self.make_camera(), Camera)

    def test_closed_camera_refuses_to_read_and_says_offline(self) -> None:
        camera = self.make_camera()
        assert camera.status().health is Health.OFFLINE
        with pytest.raises(DeviceOffline) as info:
            camera.read_frame(timeout_s=1)
        assert info.value.code == "device.camera.closed"

    def test_frames_are_bgr_read_only_and_numbered(self) -> None:
        camera = self.make_camera()
        camera.open()
        try:
            frames = [camera.read_frame(timeout_s=5) for _ in range(4)]
        finally:
            camera.close()
        for frame in frames:
            assert isinstance(frame, Frame)
            assert frame.image.ndim == 3 and frame.image.shape[2] == 3 and frame.image.dtype == np.uint8
            assert frame.width > 0 and frame.height > 0
            assert not frame.image.flags.writeable
            assert "image" not in repr(frame)
        assert [f.index for f in frames] == sorted({f.index for f in frames})
        assert frames[-1].timestamp >= frames[0].timestamp

    def test_status_follows_open_and_close_with_events(self) -> None:
        camera = self.make_camera()
        events: list[DeviceEvent] = []
        camera.subscribe(events.append)
        camera.open()
        assert camera.status().health is Health.OK
        camera.read_frame(timeout_s=5)
        camera.close()
        assert camera.status().health is Health.OFFLINE
        healths = [e.payload.health for e in events if e.name == "status_changed"]
        assert healths[0] is Health.OK and healths[-1] is Health.OFFLINE

    def test_reads_keep_going_past_the_end_of_the_source(self) -> None:
        camera = self.make_camera()
        with camera:  # type: ignore[attr-defined]
            frames = [camera.read_frame(timeout_s=5) for _ in range(25)]
        assert len(frames) == 25


def wait_for(predicate: Callable[[], bool], timeout_s: float = 8.0) -> bool:
    """:func:`tests.rigs.waiting.wait_until` with this module's budget (8 s on an idle machine)."""
    return bool(wait_until(predicate, timeout_s=timeout_s))


def assert_reconnects(camera: Camera, make_source_appear: Callable[[], object]) -> None:
    """Opening a missing source fails typed; once the source appears the camera comes back alone."""
    with pytest.raises(DeviceError) as info:
        camera.open()
    assert isinstance(info.value, DeviceOffline)
    assert camera.status().health is Health.OFFLINE
    make_source_appear()
    try:
        assert wait_for(lambda: camera.status().health is Health.OK), camera.status()
        assert camera.read_frame(timeout_s=5).image.size > 0
    finally:
        camera.close()
