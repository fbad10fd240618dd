"""The "N ahead" / "your turn" rule and the notifier protocol."""

from __future__ import annotations

from hall.server.domain.notifications import Message, NoticeKind, Notifier, TicketView, decide_notices


def w(ahead: int) -> TicketView:
    return TicketView("A023", "waiting", ahead=ahead)


def test_almost_sent_once_when_crossing() -> None:
    assert decide_notices(w(5), w(4)) == []
    msgs = decide_notices(w(4), w(3))
    assert [m.kind for m in msgs] == [NoticeKind.ALMOST]
    assert msgs[0].text_zh == "您的号码 A023 前面还有 3 人，请回到大厅留意叫号"
    assert decide_notices(w(4), w(2), sent={"almost"}) == []
    assert len(decide_notices(w(6), w(0))) == 1  # jumps still count


def test_not_sent_at_issue_or_when_moving_back() -> None:
    assert decide_notices(None, w(2)) == []
    assert decide_notices(w(2), w(1)) == []
    assert decide_notices(w(2), w(5)) == []


def test_your_turn_on_call_and_each_recall() -> None:
    called = TicketView("A023", "called", window="5")
    msgs = decide_notices(w(0), called)
    assert [m.key for m in msgs] == ["your_turn:0"] and msgs[0].text_zh == "请 A023 号到 5 号窗口办理"
    assert decide_notices(called, called) == []
    recalled = TicketView("A023", "called", window="5", recalls=1)
    assert [m.key for m in decide_notices(called, recalled)] == ["your_turn:1"]
    assert decide_notices(called, recalled, sent={"your_turn:1"}) == []
    assert decide_notices(called, TicketView("A023", "serving", window="5")) == []


def test_notifier_protocol_is_structural() -> None:
    class Collect:
        def __init__(self) -> None:
            self.got: list[tuple[str, Message]] = []

        def send(self, recipient: str, message: Message) -> None:
            self.got.append((recipient, message))

    sink: Notifier = Collect()
    for m in decide_notices(w(4), w(3)):
        sink.send("138****0000", m)
    assert len(sink.got) == 1  # type: ignore[attr-defined]
