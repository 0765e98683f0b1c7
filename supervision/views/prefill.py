"""A notice or inquiry started where the problem is seen (a health-check finding, an
abnormality, a long-pending or overdue case, a ranking row): the page links to the form with
query parameters, read here into the form's first values.

    ?court=<code>&division=<id>&judge=<id>   the unit (cases.units.unit_resolve), in reach
    &case=<id>&case=<id>…                    the cases (at most MAX_CASES), each in reach
    &title=…&evidence=…                      what was seen, in words
    &indicator=<slug>&period=…&as_of=<ISO>&value=…&reference=…   an inquiry's numbers
    &back=</local/path>                      where "返回" leads

Everything here is untrusted: a parameter that names nothing, or something out of the viewer's
reach, or is not what it should be, is left out and said in `errors` (shown above the form);
nothing here raises.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cases.dates import today
from cases.models import Case, Court
from cases.paths import named_path
from cases.permissions import Action, may
from cases.units import ScopeKey, UnitNotFound, case_reached, reaches, unit_resolve
from metrics.definitions.indicators import INDICATORS

MAX_CASES = 100
DEFAULT_DAYS = 7  # the answer's deadline a prefilled form proposes


@dataclass
class Prefill:
    unit: ScopeKey | None = None
    cases: list[Case] = field(default_factory=list)
    title: str = ""
    evidence: str = ""
    indicator: str = ""
    period: str = ""
    as_of: datetime.date | None = None
    value: Decimal | None = None
    reference: str = ""
    back: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.unit or self.cases or self.title or self.evidence or self.indicator)

    def notice_initial(self) -> dict:
        """The notice form's first values: the cases, the judge or division they are with."""
        initial: dict = {"deadline": today() + datetime.timedelta(days=DEFAULT_DAYS)}
        if self.cases:
            initial["case_numbers"] = "\n".join(case.case_number for case in self.cases)
        judges = {case.judge_id for case in self.cases}
        divisions = {case.division_id for case in self.cases}
        if self.unit is not None and self.unit.judge_id is not None:
            initial["judge"] = self.unit.judge_id
        elif self.unit is not None and self.unit.division_id is not None:
            initial["division"] = self.unit.division_id
        elif len(judges) == 1 and None not in judges:
            initial["judge"] = judges.pop()
        elif len(divisions) == 1 and None not in divisions:
            initial["division"] = divisions.pop()
        if self.title:
            initial["title"] = self.title
        if self.evidence:
            initial["body"] = self.evidence
        return initial

    def inquiry_initial(self) -> dict:
        """The inquiry form's first values: the division, the numbers, the evidence and the
        cases named in the text (an inquiry is about a division, not about cases)."""
        initial: dict = {
            "as_of": self.as_of or today(),
            "deadline": today() + datetime.timedelta(days=DEFAULT_DAYS),
        }
        divisions = {case.division_id for case in self.cases}
        if self.unit is not None and self.unit.division_id is not None:
            initial["division"] = self.unit.division_id
        elif len(divisions) == 1 and None not in divisions:
            initial["division"] = divisions.pop()
        for name in ("indicator", "period", "value", "reference", "title"):
            if getattr(self, name) not in ("", None):
                initial[name] = getattr(self, name)
        body = [self.evidence] if self.evidence else []
        if self.cases:
            body.append(
                _("涉及案件：%(numbers)s")
                % {"numbers": "、".join(case.case_number for case in self.cases)}
            )
        if body:
            initial["body"] = "\n\n".join(body)
        return initial


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


def _unit(request, prefill: Prefill) -> None:
    params = request.GET
    names = ("court", "division", "judge")
    if not any(params.get(name) for name in names):
        return
    ids = {name: _id(params.get(name, "")) for name in ("division", "judge")}
    if any(params.get(name) and ids[name] is None for name in ids):
        prefill.errors.append(_("单位参数无效，已略去"))
        return
    try:
        key = unit_resolve(court=params.get("court") or None, **ids)
    except UnitNotFound:
        prefill.errors.append(_("找不到链接所指的单位，已略去"))
        return
    if not reaches(request.user, key):
        prefill.errors.append(_("链接所指的单位不在您的管辖范围内，已略去"))
        return
    prefill.unit = key


def _cases(request, prefill: Prefill) -> None:
    given = request.GET.getlist("case")
    if not given:
        return
    ids = [_id(value) for value in given[: MAX_CASES + 1]]
    if None in ids:
        prefill.errors.append(_("案件参数无效，已略去"))
    if len(given) > MAX_CASES:
        prefill.errors.append(
            _("链接所带案件超过%(max)s件，只带入前%(max)s件") % {"max": MAX_CASES}
        )
    wanted = [pk for pk in ids[:MAX_CASES] if pk is not None]
    found = {
        case.pk: case
        for case in Case.objects.filter(pk__in=wanted).select_related("judge", "division")
    }
    reached = [found[pk] for pk in dict.fromkeys(wanted) if pk in found]
    reached = [case for case in reached if case_reached(request.user, case)]
    if len(reached) < len(set(wanted)):
        prefill.errors.append(_("部分案件不存在或不在您的管辖范围内，已略去"))
    prefill.cases = reached


def _text(request, name: str, limit: int) -> str:
    return request.GET.get(name, "").strip()[:limit]


def prefill_from(request) -> Prefill:
    """The first values the query string asks for, each checked (module docstring)."""
    prefill = Prefill()
    _unit(request, prefill)
    _cases(request, prefill)
    prefill.title = _text(request, "title", 200)
    prefill.evidence = _text(request, "evidence", 4000)
    indicator = request.GET.get("indicator", "")
    if indicator:
        if indicator in INDICATORS:
            prefill.indicator = indicator
        else:
            prefill.errors.append(_("未知的指标，已略去"))
    prefill.period = _text(request, "period", 32)
    prefill.reference = _text(request, "reference", 100)
    as_of = request.GET.get("as_of", "")
    if as_of:
        try:
            prefill.as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            prefill.errors.append(_("统计截止日期无效，已略去"))
    value = request.GET.get("value", "")
    if value:
        try:
            prefill.value = Decimal(value[:30])
            if not prefill.value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            prefill.value = None
            prefill.errors.append(_("指标值无效，已略去"))
    back = request.GET.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        prefill.back = back
    return prefill


def letter_urls(
    user,
    *,
    unit: ScopeKey | None = None,
    court_code: str = "",
    cases=(),
    back: str = "",
    **fields,
) -> dict | None:
    """The links to a notice and an inquiry prefilled with a unit, cases and what was seen
    (`fields`: title, evidence, indicator, period, as_of, value, reference); None for whoever
    may not send one (LETTER_ISSUE), so that no page offers what would be refused."""
    if not may(user, Action.LETTER_ISSUE):
        return None
    query: list[tuple[str, object]] = []
    if unit is not None:
        if unit.judge_id is not None:
            query.append(("judge", unit.judge_id))
        elif unit.division_id is not None:
            query.append(("division", unit.division_id))
        elif unit.court_id is not None:
            code = (
                court_code
                or Court.objects.filter(pk=unit.court_id).values_list("code", flat=True).first()
            )
            query.append(("court", code or ""))
    ids = [getattr(case, "pk", case) for case in list(cases)[:MAX_CASES]]
    query += [("case", pk) for pk in ids]
    for name, value in fields.items():
        if value not in (None, ""):
            query.append((name, value.isoformat() if hasattr(value, "isoformat") else value))
    if back:
        query.append(("back", back))
    encoded = urlencode(query)
    # cases.paths: a page of 50 cases asks for the two forms' paths 50 times.
    return {
        "notice": f"{named_path('supervision:notice_new')}?{encoded}",
        "inquiry": f"{named_path('supervision:inquiry_new')}?{encoded}",
    }
