"""Refusals of bookings and check-ins; a check-in outside its window is the domain's ``CheckInRefused``."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class AppointmentNotFound(DomainError):
    code = "appointment.not_found"
    kind = "not_found"
    template_zh = "没有该预约"
    template_en = "no such appointment"


class NoAppointmentFound(AppointmentNotFound):
    """At check-in: nothing booked under that code or ID number; the citizen can still take a ticket."""

    template_zh = "没有找到预约，请现场取普通号"
    template_en = "no appointment found; please take an ordinary ticket"


class SlotOrder(DomainError):
    code = "appointment.slot"
    template_zh = "预约时段的结束时间须晚于开始时间"
    template_en = "slot_end must be after slot_start"


class CheckInTarget(DomainError):
    code = "checkin.target"
    template_zh = "请提供预约码或身份证号（二者取一）"
    template_en = "give exactly one of code or id_number"


class SlotPast(DomainError):
    """Only staff may record a booking for a slot that is over (a kiosk booking past slots in someone's
    ID number would put that person on the no-show pause)."""

    code = "appointment.slot_past"
    template_zh = "预约时段已过，请选择以后的时段"
    template_en = "The slot is over; choose a later one"


class SlotTooFar(DomainError):
    code = "appointment.slot_too_far"
    template_zh = "只能预约 {days} 天以内的时段"
    template_en = "Slots can be booked at most {days} days ahead"
