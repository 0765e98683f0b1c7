"""The columns of a case record (DATA_FORMAT.md): names, Chinese headers, types, enum words.

One table drives the file readers (header → column), the REST API's documentation and the
validator. Chinese headers and enum words are the contract's own words, so they are compared
as written, never through translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.db import models
from django.utils import translation

from cases.choices import ClosingMethod, Outcome, Track


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    ENUM = "enum"


@dataclass(frozen=True, kw_only=True)
class Column:
    name: str  # the English header and the JSON field name
    header: str  # the Chinese header
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    choices: type[models.TextChoices] | None = None


COLUMNS: tuple[Column, ...] = (
    Column(name="case_number", header="案号", required=True, max_length=64),
    Column(name="court_code", header="法院代码", max_length=16),
    Column(name="court_name", header="法院名称", max_length=100),
    Column(name="division", header="承办部门", required=True, max_length=50),
    Column(name="judge_id", header="承办人工号", required=True, max_length=32),
    Column(name="judge_name", header="承办人", required=True, max_length=50),
    Column(name="track", header="适用程序", kind=Kind.ENUM, choices=Track),
    Column(name="cause", header="案由", max_length=100),
    Column(name="filed_on", header="立案日期", kind=Kind.DATE, required=True),
    Column(name="closed_on", header="结案日期", kind=Kind.DATE),
    Column(name="closing_method", header="结案方式", kind=Kind.ENUM, choices=ClosingMethod),
    Column(name="deadline_on", header="审限届满日期", kind=Kind.DATE),
    Column(name="extension_days", header="延长审限天数", kind=Kind.INTEGER),
    Column(name="excluded_days", header="扣除审限天数", kind=Kind.INTEGER),
    Column(name="origin_case_number", header="原审案号", max_length=64),
    Column(name="appealed", header="是否上诉", kind=Kind.BOOLEAN),
    Column(name="appeal_outcome", header="二审结果", kind=Kind.ENUM, choices=Outcome),
    Column(name="appeal_decided_on", header="二审结案日期", kind=Kind.DATE),
    Column(name="retrial_outcome", header="再审结果", kind=Kind.ENUM, choices=Outcome),
    Column(name="retrial_decided_on", header="再审结案日期", kind=Kind.DATE),
    Column(name="amount_applied", header="申请执行标的额", kind=Kind.DECIMAL),
    Column(name="amount_recovered", header="执行到位金额", kind=Kind.DECIMAL),
    # The SPC's 2024 indicators 16 and 17 (INDICATORS.md); an export without them gives "no data".
    Column(name="hearing_held", header="是否开庭", kind=Kind.BOOLEAN),
    Column(name="appeal_lodged_on", header="上诉日期", kind=Kind.DATE),
    Column(name="appeal_transferred_on", header="移送二审日期", kind=Kind.DATE),
)
COLUMNS_BY_NAME: dict[str, Column] = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = tuple(column for column in COLUMNS if column.required)

# Short forms that case-handling systems print for the tracks, besides the full labels.
EXTRA_ENUM_WORDS: dict[type[models.TextChoices], dict[str, str]] = {
    Track: {
        "普通": Track.ORDINARY,
        "简易": Track.SUMMARY,
        "小额": Track.SMALL_CLAIMS,
        "小额诉讼": Track.SMALL_CLAIMS,
        "速裁": Track.FAST_TRACK,
    },
}


def header_key(text: str) -> str:
    """Headers compare without spaces, a stray BOM, or the case of English letters."""
    return "".join(str(text).replace("\ufeff", "").split()).lower()


@cache
def _columns_by_header() -> dict[str, Column]:
    found: dict[str, Column] = {}
    for column in COLUMNS:
        found[header_key(column.name)] = column
        found[header_key(column.header)] = column
    return found


def column_for_header(text: str) -> Column | None:
    return _columns_by_header().get(header_key(text))


@cache
def enum_words(choices: type[models.TextChoices]) -> dict[str, str]:
    """Accepted words → stored value: the English value and the Chinese label, as DATA_FORMAT.md.

    The labels are read untranslated (their source strings are the Chinese words), so an English
    interface does not change what an import accepts.
    """
    words: dict[str, str] = {}
    with translation.override(None):
        for value, label in choices.choices:
            words[str(value).lower()] = str(value)
            words[str(label)] = str(value)
    words.update({word: str(value) for word, value in EXTRA_ENUM_WORDS.get(choices, {}).items()})
    return words
