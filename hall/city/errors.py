"""Errors of the city link and the city server: stable codes, zh/en messages that never echo input."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class CityError(DomainError):
    code = "city.error"
    template_zh = "城市汇聚出错"
    template_en = "City link error"


class BadHallCode(CityError):
    code = "city.bad_code"
    template_zh = "大厅编码须为 1–32 位字母、数字或连字符（例如 420502-01）"
    template_en = "A hall code is 1-32 letters, digits or hyphens (e.g. 420502-01)"


class NotPostgres(CityError):
    code = "city.not_postgres"
    kind = "refused"
    template_zh = "只有使用 PostgreSQL 数据库的大厅才能加入城市汇聚（SQLite 大厅不能）"
    template_en = "Only halls on PostgreSQL can join a city (this hall uses SQLite)"


class NotLogical(CityError):
    code = "city.wal_level"
    kind = "refused"
    template_zh = "{side} 数据库的 wal_level 须为 logical（当前 {value}），修改后重启 PostgreSQL"
    template_en = "The {side} database needs wal_level = logical (it is {value}); set it and restart PostgreSQL"


class OtherCode(CityError):
    code = "city.other_code"
    kind = "conflict"
    template_zh = "该大厅已以编码 {joined} 加入城市，请先 leave-city"
    template_en = "This hall has joined as {joined}; run leave-city first"


class CodeTaken(CityError):
    code = "city.code_taken"
    kind = "conflict"
    template_zh = "城市中已有编码 {code} 的订阅（另一个大厅数据库）；请先让它 leave-city"
    template_en = "The city already subscribes to a hall coded {code} at another database; it must leave first"


class Unreachable(CityError):
    code = "city.unreachable"
    kind = "unavailable"
    template_zh = "{side} 数据库无法连接"
    template_en = "The {side} database cannot be reached"
    retry_after_s = 5


class BadPeriod(CityError):
    code = "city.bad_period"
    template_zh = "报表周期须为 day、week 或 month，格式须为 csv 或 xlsx，日期须为 YYYY-MM-DD"
    template_en = "period must be day, week or month, format csv or xlsx, date YYYY-MM-DD"


class UnknownHall(CityError):
    code = "city.unknown_hall"
    kind = "not_found"
    template_zh = "城市中没有该编码的大厅"
    template_en = "No hall with this code in the city"


class NeedToken(CityError):
    code = "city.token"
    kind = "unauthorized"
    template_zh = "需要城市管理令牌"
    template_en = "A city manager token is required"


class CityDatabaseDown(CityError):
    code = "city.db_unavailable"
    kind = "unavailable"
    template_zh = "城市数据库暂时无法访问，请稍后重试"
    template_en = "The city database is not answering; try again shortly"
    retry_after_s = 2
