"""The evaluation pad's flow without Qt: a finish at this window starts a rating, low needs a reason."""

from __future__ import annotations

import pytest

from hall.evaluator.pad import PadState


def finished(tid: int, window: int = 5) -> dict[str, object]:
    return {"type": "ticket.finished", "data": {"id": tid, "number": f"A00{tid}", "window": window}}


def test_only_this_windows_finish_starts_a_rating() -> None:
    pad = PadState(window=5)
    assert not pad.apply(finished(1, window=6)) and pad.mode == "idle"
    assert pad.apply(finished(1)) and pad.mode == "rate" and pad.number == "A001"


def test_clerk_from_window_changed() -> None:
    pad = PadState(window=5)
    assert pad.apply({"type": "window.changed", "data": {"number": 5, "clerk": "王芳"}}) and pad.clerk == "王芳"
    assert not pad.apply({"type": "window.changed", "data": {"number": 4, "clerk": "x"}})


def test_high_rating_sends_at_once_low_needs_reason() -> None:
    pad = PadState(window=5)
    pad.apply(finished(1))
    assert pad.choose(4)
    assert pad.body() == {"level": 4, "reasons": [], "comment": "", "ticket_id": 1, "window": 5}
    pad.apply(finished(2))
    assert not pad.choose(1) and pad.mode == "reasons"
    with pytest.raises(ValueError):
        pad.body()
    pad.toggle("attitude")
    pad.toggle("not_a_reason")
    assert pad.body()["reasons"] == ["attitude"]
    pad.toggle("attitude")
    assert not pad.can_send()


def test_rated_ticket_not_asked_again_and_failure_keeps_choice() -> None:
    pad = PadState(window=5)
    pad.apply(finished(3))
    pad.choose(2)
    pad.toggle("long_wait")
    pad.sending()
    pad.failed("评价暂未保存")
    assert pad.mode == "reasons" and pad.reasons == ["long_wait"] and pad.error
    pad.sent()
    pad.idle()
    assert not pad.apply(finished(3)) and pad.mode == "idle"
    assert not pad.choose(5)  # nothing to rate while idle


def test_a_low_rating_may_carry_a_callback_phone_and_a_high_one_never() -> None:
    from hall.evaluator.pad import PadState

    st = PadState(window=5)
    st.start(7, "D001")
    st.choose(1)
    st.toggle("attitude")
    st.set_phone("139-0000 1111<script>")
    assert st.body()["callback_phone"] == "139-0000 1111"
    st.set_phone("12")
    assert "callback_phone" not in st.body()  # too short to be a phone: not sent
    st.set_phone("13900001111")
    st.choose(5)
    assert "callback_phone" not in st.body()  # only a low rating is called back
    st.sent()
    assert st.phone == ""
