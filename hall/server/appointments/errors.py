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


class SlotFull(DomainError):
    code = "appointment.slot_full"
    kind = "conflict"
    template_zh = "该时段已约满（{capacity} 人），请选择其他时段"
    template_en = "This slot is full ({capacity} people); please choose another"


class NoSuchSlot(DomainError):
    """On /book a citizen picks one of the line's slots of that day (opening hours, calendar, slot length)."""

    code = "appointment.no_such_slot"
    template_zh = "该时段不可预约，请从列表中选择"
    template_en = "That slot cannot be booked; please pick one from the list"


class PhoneCodeWrong(DomainError):
    code = "booking.phone_code"
    kind = "refused"
    template_zh = "短信验证码不正确或已过期，请重新获取"
    template_en = "The SMS code is wrong or has expired; please ask for a new one"


class PhoneCodeTooSoon(DomainError):
    """Too many SMS codes for one number or from one client (``retry_after_s`` says when to try again)."""

    code = "booking.sms_rate_limited"
    kind = "rate_limited"
    template_zh = "验证码发送过于频繁，请 {retry_after_s} 秒后再试"
    template_en = "Too many SMS codes; try again in {retry_after_s} s"


class NoSmsSender(DomainError):
    code = "booking.sms_unavailable"
    kind = "unavailable"
    template_zh = "本大厅暂未开通短信，请到现场或拨打咨询电话预约"
    template_en = "This hall sends no SMS yet; please book at the hall or by phone"


class BookingClosed(DomainError):
    """Cancel or move: only a booking still ``booked`` whose slot has not begun."""

    code = "appointment.not_changeable"
    kind = "conflict"
    template_zh = "该预约已{status_zh}，不能再取消或改约"
    template_en = "This booking is {status}; it can no longer be cancelled or moved"
