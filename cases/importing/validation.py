"""The one validator: a row of any source → a clean record, or its errors (DATA_FORMAT.md).

It is pure: no database. Duplicate case numbers within a source are found by the writer, in
the staging table, so that a million case numbers are never held in memory.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cases.casenumbers import CaseNumberError, court_level_of, parse_case_number
from cases.choices import Category, CourtLevel, Procedure, Track
from cases.importing.columns import COLUMNS_BY_NAME, Column, Kind, enum_words
from cases.importing.readers import ColumnPlan

# The fields of a clean record, in order: the staging table's columns (writer.py).
RECORD_FIELDS: tuple[str, ...] = (
    "row",
    "case_number",
    "year",
    "court_code",
    "court_name",
    "type_code",
    "serial",
    "category",
    "procedure",
    "division",
    "judge_staff_id",
    "judge_name",
    "track",
    "cause",
    "filed_on",
    "closed_on",
    "closing_method",
    "deadline_on",
    "extension_days",
    "excluded_days",
    "origin_case_number",
    "appealed",
    "appeal_outcome",
    "appeal_decided_on",
    "retrial_outcome",
    "retrial_decided_on",
    "amount_applied",
    "amount_recovered",
    "hearing_held",
    "appeal_lodged_on",
    "appeal_transferred_on",
)

# Tracks a first-instance case may take, by category (DATA_FORMAT.md, track).
TRACKS_BY_CATEGORY: dict[str, frozenset[str]] = {
    Category.CIVIL: frozenset({Track.ORDINARY, Track.SUMMARY, Track.SMALL_CLAIMS}),
    Category.CRIMINAL: frozenset({Track.ORDINARY, Track.SUMMARY, Track.FAST_TRACK}),
    Category.ADMINISTRATIVE: frozenset({Track.ORDINARY, Track.SUMMARY}),
}
BASIC_COURT_TRACKS = frozenset({Track.SUMMARY, Track.SMALL_CLAIMS, Track.FAST_TRACK})

MAX_INTEGER = 2_147_483_647  # PostgreSQL integer
MAX_AMOUNT = Decimal("9999999999999999.99")  # numeric(18, 2)
CENT = Decimal("0.01")
TRUE_WORDS = frozenset({"true", "1", "是", "t", "yes", "y"})
FALSE_WORDS = frozenset({"false", "0", "否", "f", "no", "n"})
DATE_PATTERN = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$")
CHINESE_DATE_PATTERN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
CONTROL_CHARACTERS = dict.fromkeys(range(32), " ") | {0x7F: " "}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str  # the header as the source wrote it
    message: str
    case_number: str = ""
    source: str = ""


_INVALID: Any = object()  # a cell whose error is already recorded


class _Invalid(Exception):
    """One cell's error; carries the message."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        text = value.strip()
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, Decimal | datetime.date):
        text = str(value)
    else:
        raise _Invalid(_("应为文本"))
    if not text.isprintable():
        text = text.translate(CONTROL_CHARACTERS).strip()
    return text


def parse_date(value: Any) -> datetime.date | None:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日, or an Excel date cell; empty → None."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise _Invalid(_date_message(text)) from None
    match = DATE_PATTERN.match(text) or CHINESE_DATE_PATTERN.match(text)
    if match is None:
        raise _Invalid(_date_message(text))
    parts = match.groups()
    year, month, day = (parts[0], parts[2], parts[3]) if len(parts) == 4 else parts
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise _Invalid(_date_message(text)) from None


def _date_message(text: str) -> str:
    return _("“%(value)s”不是有效日期（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日）") % {
        "value": text
    }


def parse_integer(value: Any) -> int | None:
    """A whole number ≥ 0; empty → None."""
    if value is None or value == "":
        return None
    if type(value) is str and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    if isinstance(value, bool):
        raise _Invalid(_("“%(value)s”不是非负整数") % {"value": value})
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not text:
            return None
        try:
            number = int(text) if text.isdigit() else _integral(Decimal(text))
        except (ValueError, InvalidOperation, _Invalid):
            raise _Invalid(_("“%(value)s”不是非负整数") % {"value": text}) from None
    if not 0 <= number <= MAX_INTEGER:
        raise _Invalid(
            _("“%(value)s”不是非负整数（0至%(max)s）") % {"value": value, "max": MAX_INTEGER}
        )
    return number


def _integral(number: Decimal) -> int:
    if not number.is_finite() or number != number.to_integral_value():
        raise _Invalid("")
    return int(number)


def parse_decimal(value: Any) -> Decimal | None:
    """An amount in yuan ≥ 0, kept to the cent; thousands separators are allowed."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Invalid(_("“%(value)s”不是非负金额") % {"value": value})
    text = _text(value).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _Invalid(_("“%(value)s”不是非负金额") % {"value": text}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise _Invalid(_("“%(value)s”不是非负金额") % {"value": text})
    return amount.quantize(CENT)


def parse_boolean(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise _Invalid(_("“%(value)s”应为 true/false、1/0 或 是/否") % {"value": text})


def parse_enum(value: Any, column: Column) -> str:
    words = enum_words(column.choices)
    found = words.get(value) if type(value) is str else None
    if found is not None:
        return found
    text = _text(value)
    if not text:
        return ""
    found = words.get(text) or words.get(text.lower())
    if found is None:
        options = "、".join(f"{value}（{label}）" for value, label in column.choices.choices)
        raise _Invalid(
            _("“%(value)s”不是可接受的值，可选：%(options)s") % {"value": text, "options": options}
        )
    return found


def _label(choices, value: str) -> str:
    return str(choices(value).label)


def _cell_date(value: Any) -> datetime.date | None:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass  # the general parser gives the message
    return parse_date(value)


_POSITION = {column.name: position for position, column in enumerate(COLUMNS_BY_NAME.values())}
_TEXT_COLUMNS = tuple(
    (_POSITION[column.name], column.name, column.required, column.max_length or 0)
    for column in COLUMNS_BY_NAME.values()
    if column.kind is Kind.TEXT
)
_TYPED_COLUMNS = tuple(
    (_POSITION[column.name], column.name, parser)
    for column in COLUMNS_BY_NAME.values()
    for parser in [
        {
            Kind.DATE: _cell_date,
            Kind.INTEGER: parse_integer,
            Kind.DECIMAL: parse_decimal,
            Kind.BOOLEAN: parse_boolean,
        }.get(column.kind)
    ]
    if parser is not None
)
_ENUM_COLUMNS = tuple(
    (_POSITION[column.name], column.name, column)
    for column in COLUMNS_BY_NAME.values()
    if column.kind is Kind.ENUM
)


class RowValidator:
    """Validates the rows of one source, whose header gave `plan`.

    `today` is the day that dates must not pass (cases.dates.today()); `court_allowed`, when
    given, says whether the acting user may import a case of a court code.
    """

    def __init__(
        self,
        *,
        plan: ColumnPlan,
        today: datetime.date,
        court_allowed: Callable[[str], bool] | None = None,
    ):
        self.plan = plan
        self.today = today
        self.court_allowed = court_allowed
        self.labels = {name: plan.label(column) for name, column in COLUMNS_BY_NAME.items()}
        # A column the source lacks reads the empty cell put before the row; a short row is
        # padded at its end.
        width = max(plan.indexes.values(), default=-1) + 1
        self._padding = (None,) * width
        self._cells = operator.itemgetter(
            *(plan.indexes[name] + 1 if name in plan.indexes else 0 for name in COLUMNS_BY_NAME)
        )

    def validate(self, row: int, values: Sequence[Any]) -> tuple[tuple | None, list[RowError]]:
        """A clean record (RECORD_FIELDS order) or None, and the row's errors."""
        cells = self._cells((None, *values, *self._padding))
        labels = self.labels
        problems: list[tuple[str, str]] = []  # (column name, message)
        fail = problems.append
        value: Any

        # The loops below run for every row of a million-row file: empty cells and plain
        # strings take the short way.
        texts: dict[str, str] = {}
        for position, name, required, max_length in _TEXT_COLUMNS:
            value = cells[position]
            if type(value) is str:
                value = value.strip()
                if not value.isprintable():
                    value = value.translate(CONTROL_CHARACTERS).strip()
            else:
                try:
                    value = _text(value)
                except _Invalid as error:
                    fail((name, f"{labels[name]}{error}"))
                    value = ""
            if not value:
                if required:
                    fail((name, _("%(column)s为必填项") % {"column": labels[name]}))
            elif len(value) > max_length:
                fail(
                    (
                        name,
                        _("%(column)s超过%(limit)s个字符")
                        % {"column": labels[name], "limit": max_length},
                    )
                )
                value = ""
            texts[name] = value
        typed: dict[str, Any] = {}
        for position, name, parse in _TYPED_COLUMNS:
            value = cells[position]
            if value is None or value == "":
                typed[name] = None
                continue
            try:
                typed[name] = parse(value)
            except _Invalid as error:
                fail((name, f"{labels[name]}{error}"))
                typed[name] = _INVALID
        enums: dict[str, Any] = {}
        for position, name, column in _ENUM_COLUMNS:
            value = cells[position]
            if value is None or value == "":
                enums[name] = ""
                continue
            try:
                enums[name] = parse_enum(value, column)
            except _Invalid as error:
                fail((name, f"{labels[name]}{error}"))
                enums[name] = _INVALID

        raw_number = texts["case_number"]
        number = None
        if raw_number:
            try:
                number = parse_case_number(raw_number)
            except CaseNumberError as error:
                fail(("case_number", str(error)))
        track = enums["track"]
        if number is not None:
            court_code = texts["court_code"]
            if court_code and court_code != number.court_code:
                fail(
                    (
                        "court_code",
                        _("%(column)s“%(value)s”与案号中的法院代码“%(expected)s”不一致")
                        % {
                            "column": labels["court_code"],
                            "value": court_code,
                            "expected": number.court_code,
                        },
                    )
                )
            if self.court_allowed is not None and not self.court_allowed(number.court_code):
                fail(
                    (
                        "case_number",
                        _("无权导入其他法院（%(court)s）的案件") % {"court": number.court_code},
                    )
                )
            track = self._check_track(number, track, fail)

        filed_on = typed["filed_on"]
        closed_on = typed["closed_on"]
        closing_method = enums["closing_method"]
        if filed_on is None:
            fail(("filed_on", _("%(column)s为必填项") % {"column": labels["filed_on"]}))
        elif filed_on is not _INVALID:
            if filed_on > self.today:
                fail(("filed_on", self._future_message("filed_on", filed_on)))
            if number is not None and filed_on.year != number.year:
                fail(
                    (
                        "filed_on",
                        _("%(column)s的年份（%(year)s）与案号年份（%(case_year)s）不一致")
                        % {
                            "column": labels["filed_on"],
                            "year": filed_on.year,
                            "case_year": number.year,
                        },
                    )
                )
        if closed_on is not None and closed_on is not _INVALID:
            if closed_on > self.today:
                fail(("closed_on", self._future_message("closed_on", closed_on)))
            if filed_on is not None and filed_on is not _INVALID and closed_on < filed_on:
                fail(
                    (
                        "closed_on",
                        _("%(column)s（%(value)s）早于立案日期（%(filed_on)s）")
                        % {"column": labels["closed_on"], "value": closed_on, "filed_on": filed_on},
                    )
                )
            if closing_method == "":
                fail(
                    (
                        "closing_method",
                        _("已结案件（有结案日期）必须填写%(column)s")
                        % {"column": labels["closing_method"]},
                    )
                )
        elif closed_on is None and closing_method != "" and closing_method is not _INVALID:
            fail(
                (
                    "closing_method",
                    _("未结案件（没有结案日期）不应填写%(column)s")
                    % {"column": labels["closing_method"]},
                )
            )

        self._check_appeal_days(typed, closed_on, fail)

        origin_case_number = ""
        if texts["origin_case_number"]:
            try:
                origin_case_number = parse_case_number(texts["origin_case_number"]).text
            except CaseNumberError as error:
                fail(("origin_case_number", f"{labels['origin_case_number']}：{error}"))
            else:
                if number is not None and origin_case_number == number.text:
                    fail(
                        (
                            "origin_case_number",
                            _("%(column)s不能与案号相同")
                            % {"column": labels["origin_case_number"]},
                        )
                    )

        if problems or number is None:
            shown = number.text if number is not None else raw_number
            return None, [RowError(row, labels[name], message, shown) for name, message in problems]
        return (
            row,
            number.text,
            number.year,
            number.court_code,
            texts["court_name"],
            number.type_code,
            number.serial,
            number.category,
            number.procedure,
            texts["division"],
            texts["judge_id"],
            texts["judge_name"],
            track,
            texts["cause"],
            filed_on,
            closed_on,
            closing_method,
            typed["deadline_on"],
            typed["extension_days"] or 0,
            typed["excluded_days"] or 0,
            origin_case_number,
            typed["appealed"],
            enums["appeal_outcome"],
            typed["appeal_decided_on"],
            enums["retrial_outcome"],
            typed["retrial_decided_on"],
            typed["amount_applied"],
            typed["amount_recovered"],
            typed["hearing_held"],
            typed["appeal_lodged_on"],
            typed["appeal_transferred_on"],
        ), []

    def _check_appeal_days(self, typed: dict, closed_on, fail) -> None:
        """上诉日期 not before the closing, 移送二审日期 not before the appeal; neither in the
        future (DATA_FORMAT.md; the database checks the order too, so a bad row must stop here)."""
        lodged, transferred = typed["appeal_lodged_on"], typed["appeal_transferred_on"]
        for name, day in (("appeal_lodged_on", lodged), ("appeal_transferred_on", transferred)):
            if day is not None and day is not _INVALID and day > self.today:
                fail((name, self._future_message(name, day)))
        if lodged is None or lodged is _INVALID:
            return
        if closed_on is not None and closed_on is not _INVALID and lodged < closed_on:
            fail(
                (
                    "appeal_lodged_on",
                    _("%(column)s（%(value)s）早于结案日期（%(closed_on)s）")
                    % {
                        "column": self.labels["appeal_lodged_on"],
                        "value": lodged,
                        "closed_on": closed_on,
                    },
                )
            )
        if transferred is not None and transferred is not _INVALID and transferred < lodged:
            fail(
                (
                    "appeal_transferred_on",
                    _("%(column)s（%(value)s）早于%(lodged)s（%(lodged_on)s）")
                    % {
                        "column": self.labels["appeal_transferred_on"],
                        "value": transferred,
                        "lodged": self.labels["appeal_lodged_on"],
                        "lodged_on": lodged,
                    },
                )
            )

    def _future_message(self, name: str, day: datetime.date) -> str:
        return _("%(column)s（%(value)s）晚于今天（%(today)s）") % {
            "column": self.labels[name],
            "value": day,
            "today": self.today,
        }

    def _check_track(self, number, track, fail) -> str:
        """The track of a first-instance case (default ordinary); none for other procedures."""
        if track is _INVALID:
            return ""
        if number.procedure != Procedure.FIRST_INSTANCE:
            if track:
                fail(
                    (
                        "track",
                        _("%(column)s只适用于一审案件，本案为%(procedure)s")
                        % {
                            "column": self.labels["track"],
                            "procedure": _label(Procedure, number.procedure),
                        },
                    )
                )
            return ""
        track = track or Track.ORDINARY.value
        if track not in TRACKS_BY_CATEGORY.get(number.category, frozenset()):
            fail(
                (
                    "track",
                    _("%(category)s一审案件不能适用%(track)s")
                    % {
                        "category": _label(Category, number.category),
                        "track": _label(Track, track),
                    },
                )
            )
        elif track in BASIC_COURT_TRACKS and court_level_of(number.court_code) != CourtLevel.BASIC:
            fail(("track", _("%(track)s只适用于基层人民法院") % {"track": _label(Track, track)}))
        return track
