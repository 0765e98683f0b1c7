"""Case numbers (案号): parsing and normalisation (DOMAIN.md, 法〔2015〕137号)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.choices import Category, Procedure

PROVINCES = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川黔云陕甘青藏宁新桂内军兵"
CASE_NUMBER_PATTERN = re.compile(
    r"^（(\d{4})）(最高法|[" + PROVINCES + r"](?:\d{2}|\d{4})?)([\u4e00-\u9fa5]{1,4}?)(\d{1,8})号$"
)

# type code -> (category, procedure)
TYPE_CODES: dict[str, tuple[str, str]] = {
    "民初": (Category.CIVIL, Procedure.FIRST_INSTANCE),
    "民终": (Category.CIVIL, Procedure.SECOND_INSTANCE),
    "民申": (Category.CIVIL, Procedure.RETRIAL_REVIEW),
    "民再": (Category.CIVIL, Procedure.RETRIAL),
    "民特": (Category.CIVIL, Procedure.SPECIAL),
    "民督": (Category.CIVIL, Procedure.SPECIAL),
    "民催": (Category.CIVIL, Procedure.SPECIAL),
    "刑初": (Category.CRIMINAL, Procedure.FIRST_INSTANCE),
    "刑终": (Category.CRIMINAL, Procedure.SECOND_INSTANCE),
    "刑申": (Category.CRIMINAL, Procedure.RETRIAL_REVIEW),
    "刑再": (Category.CRIMINAL, Procedure.RETRIAL),
    "刑更": (Category.CRIMINAL, Procedure.SPECIAL),
    "行初": (Category.ADMINISTRATIVE, Procedure.FIRST_INSTANCE),
    "行终": (Category.ADMINISTRATIVE, Procedure.SECOND_INSTANCE),
    "行申": (Category.ADMINISTRATIVE, Procedure.RETRIAL_REVIEW),
    "行再": (Category.ADMINISTRATIVE, Procedure.RETRIAL),
    "行审": (Category.ADMINISTRATIVE, Procedure.SPECIAL),
    "执": (Category.ENFORCEMENT, Procedure.ENFORCEMENT),
    "执恢": (Category.ENFORCEMENT, Procedure.ENFORCEMENT_RESUMED),
    "执异": (Category.ENFORCEMENT, Procedure.ENFORCEMENT_OTHER),
    "执复": (Category.ENFORCEMENT, Procedure.ENFORCEMENT_OTHER),
    "执监": (Category.ENFORCEMENT, Procedure.ENFORCEMENT_OTHER),
    "执保": (Category.ENFORCEMENT, Procedure.PRESERVATION),
    "诉前调确": (Category.CIVIL, Procedure.PRE_SUIT),
    "诉前调书": (Category.CIVIL, Procedure.PRE_SUIT),
    "破": (Category.BANKRUPTCY, Procedure.SPECIAL),
    "破申": (Category.BANKRUPTCY, Procedure.SPECIAL),
}

_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）"})


class CaseNumberError(ValueError):
    """A case number that cannot be accepted; the message is for the user."""


@dataclass(frozen=True)
class CaseNumber:
    text: str  # normalised, full-width brackets
    year: int
    court_code: str
    type_code: str
    serial: int
    category: str
    procedure: str

    def __str__(self) -> str:
        return self.text


def normalize_case_number(raw: str) -> str:
    """Trim spaces and turn half-width brackets full-width."""
    return "".join(str(raw).split()).translate(_HALF_TO_FULL)


def parse_case_number(raw: str) -> CaseNumber:
    """Parse a case number; raise CaseNumberError with a plain message if it is not valid."""
    text = normalize_case_number(raw or "")
    if not text:
        raise CaseNumberError(_("案号为空"))
    match = CASE_NUMBER_PATTERN.match(text)
    if match is None:
        raise CaseNumberError(_("案号格式不正确：%(value)s") % {"value": raw})
    year, court_code, type_code, serial = match.groups()
    if type_code not in TYPE_CODES:
        raise CaseNumberError(
            _("未知的类型代字“%(code)s”：%(value)s") % {"code": type_code, "value": raw}
        )
    if not 1949 <= int(year) <= 2100:
        raise CaseNumberError(_("案号年份不正确：%(value)s") % {"value": raw})
    if int(serial) < 1:
        raise CaseNumberError(_("案号序号必须大于0：%(value)s") % {"value": raw})
    category, procedure = TYPE_CODES[type_code]
    return CaseNumber(
        text=f"（{year}）{court_code}{type_code}{int(serial)}号",
        year=int(year),
        court_code=court_code,
        type_code=type_code,
        serial=int(serial),
        category=str(category),
        procedure=str(procedure),
    )


def parent_court_code(court_code: str) -> str | None:
    """The intermediate court's code of a basic court (苏0505 -> 苏05); None otherwise."""
    if len(court_code) == 5 and court_code[1:].isdigit():
        return court_code[:3]
    return None


def court_level_of(court_code: str) -> str:
    from cases.choices import CourtLevel

    if court_code == "最高法":
        return CourtLevel.SUPREME
    digits = len(court_code) - 1
    return {0: CourtLevel.HIGH, 2: CourtLevel.INTERMEDIATE, 4: CourtLevel.BASIC}[digits]
