"""Refusals of the follow-up actions (acknowledge, close); an evaluation's own are the domain's."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class FollowUpNotFound(DomainError):
    code = "followup.not_found"
    kind = "not_found"
    template_zh = "没有该待办事项"
    template_en = "no such follow-up"


class FollowUpClosed(DomainError):
    code = "followup.closed"
    kind = "conflict"
    template_zh = "该待办事项已关闭"
    template_en = "this follow-up is already closed"


class NoteRequired(DomainError):
    code = "followup.note_required"
    template_zh = "关闭待办事项须填写处理说明"
    template_en = "closing needs a note"


class NotALowRating(DomainError):
    code = "followup.not_low_rating"
    kind = "conflict"
    template_zh = "只有差评待办有整改环节"
    template_en = "only a low rating's follow-up has rectification stages"


class NoContact(DomainError):
    code = "followup.no_contact"
    kind = "not_found"
    template_zh = "该差评没有留下回访电话"
    template_en = "no call-back phone was left for this rating"
