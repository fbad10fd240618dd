"""Material matching for a submission: what is still missing, told once (一次性告知).

Each required material of the service item is satisfied by files or paper (enough copies, in
an accepted format), by a certificate the e-license library already holds (电子证照: the
citizen is never asked for it again), or — only if the item marks it waivable — by a signed
commitment (容缺受理 / 告知承诺) to bring it by a due date. Everything that is still missing is
listed in one notice, with how each could be satisfied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .catalogue import Material, MaterialForm, ServiceItem
from .errors import InvalidInput, MaterialsIncomplete, WaiverNotAllowed

MAX_COMMITMENT_DAYS = 60

_FORM_ZH = {MaterialForm.ORIGINAL: "原件", MaterialForm.COPY: "复印件",
            MaterialForm.ORIGINAL_AND_COPY: "原件及复印件", MaterialForm.ELECTRONIC: "电子件"}
_FORM_EN = {MaterialForm.ORIGINAL: "original", MaterialForm.COPY: "copy",
            MaterialForm.ORIGINAL_AND_COPY: "original and copy", MaterialForm.ELECTRONIC: "electronic"}


class Provision(StrEnum):
    UPLOADED = "uploaded"  # a scan or file (kiosk document camera, web upload)
    PAPER = "paper"  # checked at the counter


@dataclass(frozen=True)
class Provided:
    """Something handed in for ``material_code``; ``file_format`` for uploads (``pdf``, ``jpg``…)."""

    material_code: str
    how: Provision = Provision.UPLOADED
    count: int = 1
    file_format: str | None = None


class Satisfied(StrEnum):
    PROVIDED = "provided"
    E_LICENSE = "e_license"
    WAIVED = "waived"


class Problem(StrEnum):
    MISSING = "missing"
    NOT_ENOUGH = "not_enough"
    WRONG_FORMAT = "wrong_format"


@dataclass(frozen=True)
class MissingItem:
    material_code: str
    name: str
    problem: Problem
    needed: int
    given: int
    waivable: bool
    zh: str
    en: str


@dataclass(frozen=True)
class MaterialCheck:
    """``satisfied``: code → how; ``commitments``: code → due date; ``missing``: the notice."""

    satisfied: Mapping[str, Satisfied]
    commitments: Mapping[str, date]
    missing: tuple[MissingItem, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def waivable_missing(self) -> tuple[MissingItem, ...]:
        """What the kiosk may offer to accept under commitment (容缺)."""
        return tuple(m for m in self.missing if m.waivable)

    def notice_zh(self) -> list[str]:
        return [m.zh for m in self.missing]

    def notice_en(self) -> list[str]:
        return [m.en for m in self.missing]

    def raise_if_incomplete(self) -> None:
        if self.missing:
            raise MaterialsIncomplete(count=len(self.missing), names="、".join(m.name for m in self.missing))


def _missing(m: Material, problem: Problem, given: int) -> MissingItem:
    spec_zh = f"{_FORM_ZH[m.form]} {m.count} 份，格式 {'/'.join(m.formats).upper()}"
    spec_en = f"{_FORM_EN[m.form]} ×{m.count}, format {'/'.join(m.formats).upper()}"
    what_zh = {Problem.MISSING: "未提供", Problem.NOT_ENOUGH: f"份数不足（已交 {given} 份）",
               Problem.WRONG_FORMAT: "文件格式不符"}[problem]
    what_en = {Problem.MISSING: "not provided", Problem.NOT_ENOUGH: f"not enough copies ({given} given)",
               Problem.WRONG_FORMAT: "wrong file format"}[problem]
    zh = f"{m.name}：{what_zh}；需{spec_zh}"
    en = f"{m.name}: {what_en}; needed: {spec_en}"
    if m.waivable:
        zh += "；可签署承诺书容缺受理，限期补交"
        en += "; may follow later under a signed commitment"
    if m.note:
        zh += f"（{m.note}）"
    return MissingItem(m.code, m.name, problem, m.count, given, m.waivable, zh, en)


def check_materials(
    item: ServiceItem,
    provided: Iterable[Provided],
    *,
    e_license_types: Iterable[str] = (),
    waive: Mapping[str, date] | None = None,
    today: date,
    max_commitment_days: int = MAX_COMMITMENT_DAYS,
) -> MaterialCheck:
    """Match what was handed in against ``item``'s materials.

    ``waive`` maps material codes the citizen commits to bring later to their due dates.
    Raises :class:`WaiverNotAllowed` for a non-waivable material and :class:`InvalidInput` for an
    unknown material code or a due date not within ``(today, today + max_commitment_days]``.
    """
    known = {m.code: m for m in item.materials}
    counts: dict[str, int] = {}
    bad_format: set[str] = set()
    for p in provided:
        m = known.get(p.material_code)
        if m is None:
            raise InvalidInput(field=f"material {p.material_code}")
        if p.count < 1:
            raise InvalidInput(field=f"material {p.material_code}: count")
        if p.how is Provision.UPLOADED and (p.file_format or "").lower() not in m.formats:
            bad_format.add(m.code)
            continue
        counts[m.code] = counts.get(m.code, 0) + p.count
    waive = dict(waive or {})
    for code, due in waive.items():
        m = known.get(code)
        if m is None:
            raise InvalidInput(field=f"material {code}")
        if not m.waivable:
            raise WaiverNotAllowed(material=m.name)
        if not today < due <= today + timedelta(days=max_commitment_days):
            raise InvalidInput(field=f"commitment due date for {m.name}")
    licenses = set(e_license_types)
    satisfied: dict[str, Satisfied] = {}
    commitments: dict[str, date] = {}
    missing: list[MissingItem] = []
    for m in item.materials:
        given = counts.get(m.code, 0)
        if given >= m.count:
            satisfied[m.code] = Satisfied.PROVIDED
        elif m.e_license_type is not None and m.e_license_type in licenses:
            satisfied[m.code] = Satisfied.E_LICENSE
        elif m.code in waive:
            satisfied[m.code] = Satisfied.WAIVED
            commitments[m.code] = waive[m.code]
        elif m.required:
            problem = (Problem.NOT_ENOUGH if given else
                       Problem.WRONG_FORMAT if m.code in bad_format else Problem.MISSING)
            missing.append(_missing(m, problem, given))
    return MaterialCheck(satisfied=satisfied, commitments=commitments, missing=tuple(missing))
