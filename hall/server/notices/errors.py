"""Errors of following a ticket."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class ChannelUnavailable(DomainError):
    """This hall has no real sender for the channel (``[connectors.<channel>] driver = "none"``)."""

    code = "notify.channel_unavailable"
    kind = "refused"
    template_zh = "本大厅暂不提供此提醒方式，请留意叫号屏"
    template_en = "This hall does not offer reminders by this channel; please watch the calling display"
