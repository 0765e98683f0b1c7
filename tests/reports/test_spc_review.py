"""Issue 14: values of the SPC's 2024 set outside their reference range (合理区间) feed the
data-review meeting's agenda (kind "range") and the monthly review (section "spc"), read against
the range in force on the month's last computed day; unit-code order, registry order, never by
value; no score, no rank.

The planted city, YTD 2025-01-01…05-31 (computed at 2025-05-31; the review is May's):
- 苏05 (intermediate) 民二庭/J1: 4 appeals closed, 1 modified (#12 25%), hearing held in 3 of 4
  (#16 75%);
- 苏0505 (basic) 民一庭/J3: 4 first-instance closed, 1 appealed (#14 25%), its appeal moved to
  the second instance in 10 days (#17 10 天); 执行局/J4: 4 enforcement closed, 1 completed
  (#15 25%);
- 苏0506 (basic) 民一庭/J5: 2 first-instance closed, both appealed (#14 100%), no appeal dates
  (#17 无数据).
The city: #12 25%, #14 3/6 = 50%, #15 25%, #16 75%, #17 10 天.

The office's ranges, effective 2025-01-01 unless said: #14 ≤ 30% (every level), and ≤ 20% for
basic courts from 2025-06-01 (not yet in force on 05-31); #15 ≥ 40%; #16 80–100% for
intermediate courts only (the city reads the all-levels range: none); #17 ≤ 7 天; #12 none.
"""

from __future__ import annotations

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.choices import CourtLevel, Role
from cases.runs import RunStatus
from cases.units import ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.models import ComputationRun, IndicatorValue
from metrics.services import metrics_compute, reference_range_set
from reports.choices import DocumentKind
from reports.models import AgendaKind, Meeting
from reports.monthly.documents import report_html, report_xlsx
from reports.monthly.snapshot import monthly_snapshot
from reports.selectors.meetings import agenda_build
from reports.services.meetings import meeting_create
from reports.services.monthly import monthly_report_generate
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MAY = D(2025, 5, 1)
MAY_END = D(2025, 5, 31)
NEW_YEAR = D(2025, 1, 1)
NAMES = {"苏05": "苏州市中级人民法院", "苏0505": "虎丘区人民法院", "苏0506": "吴中区人民法院"}
SPC_ONLY = [
    "appeal_modify_remand_ratio",
    "retrial_modify_remand_ratio",
    "appeal_rate",
    "enforcement_completion_rate",
    "appeal_hearing_rate",
    "appeal_transfer_days",
]


def put(office, indicator, *, lower=None, upper=None, level=None, on=NEW_YEAR, demo=False):
    return reference_range_set(
        indicator=indicator,
        court_level=level,
        lower=None if lower is None else Decimal(lower),
        upper=None if upper is None else Decimal(upper),
        effective_from=on,
        actor=office,
        demo=demo,
    )


@pytest.fixture
def planted(db):
    intermediate = CourtFactory(
        code="苏05", name=NAMES["苏05"], level=CourtLevel.INTERMEDIATE, parent=None
    )
    courts = {"苏05": intermediate}
    for code in ("苏0505", "苏0506"):
        courts[code] = CourtFactory(
            code=code, name=NAMES[code], level=CourtLevel.BASIC, parent=intermediate
        )

    def judge(code, division, staff_id):
        division = DivisionFactory(court=courts[code], name=division)
        return JudgeFactory(division=division, staff_id=staff_id)

    judges = {
        "J1": judge("苏05", "民二庭", "J1"),
        "J3": judge("苏0505", "民一庭", "J3"),
        "J4": judge("苏0505", "执行局", "J4"),
        "J5": judge("苏0506", "民一庭", "J5"),
    }

    def case(staff_id, type_code, filed_on, closed_on, method="judgment", **fields):
        return CaseFactory(
            judge=judges[staff_id],
            type_code=type_code,
            filed_on=filed_on,
            closed_on=closed_on,
            closing_method=method,
            **fields,
        )

    case("J1", "民终", D(2025, 1, 5), D(2025, 2, 10), "modified", hearing_held=True)
    case("J1", "民终", D(2025, 2, 5), D(2025, 3, 10), "affirmed", hearing_held=True)
    case("J1", "民终", D(2025, 3, 5), D(2025, 4, 10), "affirmed", hearing_held=False)
    case("J1", "民终", D(2025, 3, 6), D(2025, 5, 10), "affirmed", hearing_held=True)
    case(
        "J3", "民初", D(2025, 1, 5), D(2025, 2, 1), appealed=True,
        appeal_lodged_on=D(2025, 2, 10), appeal_transferred_on=D(2025, 2, 20),
    )  # fmt: skip
    case("J3", "民初", D(2025, 1, 6), D(2025, 3, 1), appealed=False)
    case("J3", "民初", D(2025, 1, 7), D(2025, 4, 1), appealed=False)
    case("J3", "民初", D(2025, 1, 8), D(2025, 5, 1), appealed=False)
    case("J4", "执", D(2025, 1, 2), D(2025, 2, 15), "enforcement_completed")
    case("J4", "执", D(2025, 1, 3), D(2025, 3, 15), "enforcement_round_ended")
    case("J4", "执", D(2025, 1, 4), D(2025, 4, 15), "enforcement_round_ended")
    case("J4", "执", D(2025, 1, 5), D(2025, 5, 15), "enforcement_terminated")
    case("J5", "民初", D(2025, 1, 5), D(2025, 3, 10), appealed=True)
    case("J5", "民初", D(2025, 2, 5), D(2025, 4, 10), appealed=True)
    metrics_compute(as_of=MAY_END, periods=["ytd"])

    office = UserFactory(role=Role.OFFICE, court=intermediate)
    put(office, "appeal_rate", upper="30")
    put(office, "appeal_rate", upper="20", level=CourtLevel.BASIC, on=D(2025, 6, 1))
    put(office, "enforcement_completion_rate", lower="40")
    put(office, "appeal_hearing_rate", lower="80", upper="100", level=CourtLevel.INTERMEDIATE)
    put(office, "appeal_transfer_days", upper="7")
    return {"courts": courts, "judges": judges, "office": office}


def court_key(planted, code) -> ScopeKey:
    return ScopeKey.of(court=planted["courts"][code])


def division_key(planted, staff_id) -> ScopeKey:
    division = planted["judges"][staff_id].division
    return ScopeKey.of(court=division.court, division=division)


def range_items(agenda) -> list[tuple[str, str]]:
    return [
        (item["title"], item["key"].rsplit(":", 1)[1])
        for item in agenda.items
        if item["kind"] == AgendaKind.RANGE
    ]


def stored(unit: ScopeKey, slug: str) -> IndicatorValue:
    return IndicatorValue.objects.get(unit.rows_q(), indicator=slug, period="ytd", as_of=MAY_END)


# --- the planted numbers, as computed --------------------------------------------------------


def test_the_planted_values_are_as_worked_out(planted):
    city, a, b, c = (
        ScopeKey.city(),
        court_key(planted, "苏05"),
        court_key(planted, "苏0505"),
        court_key(planted, "苏0506"),
    )
    assert stored(city, "appeal_rate").value == 50.0
    assert stored(b, "appeal_rate").value == 25.0
    assert stored(c, "appeal_rate").value == 100.0
    assert stored(b, "enforcement_completion_rate").value == 25.0
    assert stored(a, "appeal_hearing_rate").value == 75.0
    assert stored(city, "appeal_hearing_rate").value == 75.0
    assert stored(b, "appeal_transfer_days").value == 10.0
    transfer = stored(c, "appeal_transfer_days")
    assert transfer.no_data and transfer.value is None


# --- the agenda --------------------------------------------------------------------------------


def test_the_citys_agenda_holds_exactly_the_values_outside_their_range(planted):
    agenda = agenda_build(user=planted["office"], unit=ScopeKey.city(), month=MAY)
    assert agenda.as_of == MAY_END
    a, b, c = NAMES["苏05"], NAMES["苏0505"], NAMES["苏0506"]
    # The city first, then the courts by code; within a unit, registry order (never by value).
    assert range_items(agenda) == [
        ("全市 上诉率高于合理区间", "appeal_rate"),
        ("全市 执行完毕率低于合理区间", "enforcement_completion_rate"),
        ("全市 上诉案件移送时间高于合理区间", "appeal_transfer_days"),
        # 苏05's #16 is below the intermediate courts' own range; its #12 has no range.
        (f"{a} 二审开庭率低于合理区间", "appeal_hearing_rate"),
        # 苏0505's #14 (25%) is inside ≤ 30%: the basic courts' 20% starts on 06-01, later.
        (f"{b} 执行完毕率低于合理区间", "enforcement_completion_rate"),
        (f"{b} 上诉案件移送时间高于合理区间", "appeal_transfer_days"),
        # 苏0506's #17 is "no data": never an item, though it has a range.
        (f"{c} 上诉率高于合理区间", "appeal_rate"),
    ]
    assert agenda.counts()[AgendaKind.RANGE] == 7
    keys = [item["key"] for item in agenda.items]
    assert len(keys) == len(set(keys))


def test_a_range_item_says_what_and_links_to_the_cases(planted):
    court = planted["courts"]["苏0505"]
    agenda = agenda_build(user=planted["office"], unit=ScopeKey.of(court=court), month=MAY)
    item = next(
        item
        for item in agenda.items
        if item["kind"] == "range"
        and item["indicators"] == ["enforcement_completion_rate"]
        and item["unit"]["scope"] == "court"
    )
    assert item["key"] == f"range:court:{court.pk}-0-0:enforcement_completion_rate"
    assert item["kind_label"] == "超出合理区间"
    assert item["title"] == f"{NAMES['苏0505']} 执行完毕率低于合理区间"
    assert item["evidence"] == [
        "执行完毕率 25.00%，合理区间 40.00% – 无上限（2025-01-01起适用）",
        "分子 1，分母 4（截至 2025-05-31，年初至今）",
    ]
    assert item["facts"] == {
        "value": 25.0,
        "lower": 40.0,
        "upper": None,
        "status": "below",
        "effective_from": "2025-01-01",
        "court_level": None,
        "demo": False,
        "numerator": 1.0,
        "denominator": 4.0,
        "version": item["facts"]["version"],
        "as_of": "2025-05-31",
    }
    cases, detail = item["links"]
    assert cases["url"].startswith("/metrics/enforcement_completion_rate/cases/?")
    assert f"court={court.pk}" in cases["url"] and "part=numerator" in cases["url"]
    assert "as_of=2025-05-31" in cases["url"] and "period=ytd" in cases["url"]
    assert detail["url"].startswith("/metrics/enforcement_completion_rate/?")
    assert "set=spc2024" in detail["url"]
    # The court's meeting: the court, then its divisions by name (执 before 民, as the database
    # orders them; a division reads its court's level), never the judges.
    assert range_items(agenda) == [
        (f"{NAMES['苏0505']} 执行完毕率低于合理区间", "enforcement_completion_rate"),
        (f"{NAMES['苏0505']} 上诉案件移送时间高于合理区间", "appeal_transfer_days"),
        (f"{NAMES['苏0505']} 执行局 执行完毕率低于合理区间", "enforcement_completion_rate"),
        (f"{NAMES['苏0505']} 民一庭 上诉案件移送时间高于合理区间", "appeal_transfer_days"),
    ]
    upper = next(i for i in agenda.items if i["indicators"] == ["appeal_transfer_days"])
    assert (
        upper["evidence"][0]
        == "上诉案件移送时间 10.00 天，合理区间 无下限 – 7.00 天（2025-01-01起适用）"
    )
    assert (upper["facts"]["lower"], upper["facts"]["upper"]) == (None, 7.0)


def test_a_division_meeting_lists_the_division_and_no_judge(planted):
    unit = division_key(planted, "J3")
    agenda = agenda_build(user=planted["office"], unit=unit, month=MAY)
    assert range_items(agenda) == [
        (f"{NAMES['苏0505']} 民一庭 上诉案件移送时间高于合理区间", "appeal_transfer_days")
    ]


def test_inside_no_range_no_value_and_no_data_are_never_items(planted):
    agenda = agenda_build(user=planted["office"], unit=ScopeKey.city(), month=MAY)
    listed = {
        (item["unit"]["court_id"], item["indicators"][0])
        for item in agenda.items
        if item["kind"] == "range"
    }
    courts = planted["courts"]
    assert (courts["苏0505"].pk, "appeal_rate") not in listed  # inside (25 ≤ 30)
    assert (courts["苏05"].pk, "appeal_modify_remand_ratio") not in listed  # no range
    assert (None, "appeal_hearing_rate") not in listed  # the city: no all-levels range
    assert (courts["苏05"].pk, "enforcement_completion_rate") not in listed  # zero denominator
    assert (courts["苏0506"].pk, "appeal_transfer_days") not in listed  # no data


def test_a_range_in_force_only_from_a_later_day_does_not_apply(planted):
    # From 06-01 the basic courts' #14 range is ≤ 20%: 苏0505's 25% is above it in June's
    # meeting, not in May's.
    unit = court_key(planted, "苏0505")
    may = agenda_build(user=planted["office"], unit=unit, month=MAY)
    assert "appeal_rate" not in [slug for _title, slug in range_items(may)]
    metrics_compute(as_of=D(2025, 6, 29), periods=["ytd"])
    june = agenda_build(user=planted["office"], unit=unit, month=D(2025, 6, 1))
    assert june.as_of == D(2025, 6, 29)
    assert (f"{NAMES['苏0505']} 上诉率高于合理区间", "appeal_rate") in range_items(june)


def test_a_later_change_of_range_leaves_the_earlier_day_as_it_was(planted):
    # From 06-01, ≥ 20%: 苏0505's 25% would be inside; May still reads ≥ 40%.
    put(planted["office"], "enforcement_completion_rate", lower="20", on=D(2025, 6, 1))
    agenda = agenda_build(user=planted["office"], unit=court_key(planted, "苏0505"), month=MAY)
    assert "enforcement_completion_rate" in [slug for _title, slug in range_items(agenda)]


def test_a_demo_range_says_so_on_the_item_and_in_the_review(planted):
    put(planted["office"], "appeal_modify_remand_ratio", upper="20", demo=True)
    agenda = agenda_build(user=planted["office"], unit=court_key(planted, "苏05"), month=MAY)
    item = next(i for i in agenda.items if i["indicators"] == ["appeal_modify_remand_ratio"])
    assert (
        item["evidence"][0]
        == "二审改判-发回重审比 25.00%，合理区间 无下限 – 20.00%（2025-01-01起适用）"
    )
    assert item["evidence"][-1] == "演示数值，非最高人民法院发布的区间参考值"
    assert item["facts"]["demo"] is True
    content = monthly_snapshot(unit=ScopeKey.city(), month=MAY)
    assert content["spc"]["demo"] is True
    assert 'id="spc-demo"' in report_html(content)


def test_without_the_spc_set_shown_there_are_no_range_items_and_no_section(planted, settings):
    settings.COURTDASH_INDICATOR_SETS = ["local"]
    agenda = agenda_build(user=planted["office"], unit=ScopeKey.city(), month=MAY)
    assert range_items(agenda) == []
    assert monthly_snapshot(unit=ScopeKey.city(), month=MAY)["spc"] is None


def test_an_indicator_of_both_sets_may_be_an_indicator_item_and_a_range_item(
    city_courts, city_divisions, city_user
):
    """#3 审限内结案率 is in both sets: below its warning line (95) and below its range (≥ 96):
    two items of two kinds, two keys."""
    court = city_courts["苏0505"]
    now = timezone.now()
    ComputationRun.objects.create(
        as_of=D(2025, 3, 31), period=PeriodKind.YTD, status=RunStatus.DONE, started_at=now,
        finished_at=now,
    )  # fmt: skip
    IndicatorValue.objects.create(
        as_of=D(2025, 3, 31), period="ytd", scope=Scope.COURT, court=court,
        indicator="within_limit_rate", numerator=94, denominator=100, value=94.0,
    )  # fmt: skip
    office = city_user(Role.OFFICE, "苏05")
    put(office, "within_limit_rate", lower="96")
    agenda = agenda_build(user=office, unit=ScopeKey.of(court=court), month=D(2025, 3, 1))
    found = sorted((item["kind"], item["key"]) for item in agenda.items)
    assert found == [
        ("indicator", f"indicator:court:{court.pk}-0-0:within_limit_rate"),
        ("range", f"range:court:{court.pk}-0-0:within_limit_rate"),
    ]


def test_a_meeting_keeps_the_range_items_and_its_pages_show_them(planted, client):
    office = planted["office"]
    meeting = meeting_create(
        actor=office, unit=ScopeKey.city(), month=MAY, held_on=D(2025, 6, 5), attendees="审管办"
    )
    assert [item["kind"] for item in meeting.agenda].count("range") == 7
    client.force_login(office)
    page = client.get(reverse("reports:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-kind="range"' in html and "agenda-kind-range" in html
    assert "超出合理区间" in html and "全市 上诉率高于合理区间" in html
    preview = client.get(reverse("reports:meeting_new"), {"month": "2025-05", "court": ""})
    assert preview.status_code == 200
    assert "全市 执行完毕率低于合理区间" in preview.content.decode()
    assert Meeting.objects.count() == 1


# --- the monthly review --------------------------------------------------------------------


def statuses(section) -> dict:
    return {
        unit["code"]: {
            item["slug"]: item["status"] for item in unit["rows"] if item["slug"] in SPC_ONLY
        }
        for unit in section["units"]
    }


def test_the_monthly_snapshot_reads_each_value_against_its_range(planted):
    content = monthly_snapshot(unit=ScopeKey.city(), month=MAY)
    spc = content["spc"]
    assert spc["as_of"] == "2025-05-31"
    # The city, then its courts by code: never by value.
    assert [(unit["code"], unit["name"], unit["own"]) for unit in spc["units"]] == [
        ("", "全市法院", True),
        ("苏05", NAMES["苏05"], False),
        ("苏0505", NAMES["苏0505"], False),
        ("苏0506", NAMES["苏0506"], False),
    ]
    assert statuses(spc) == {
        "": {
            "appeal_modify_remand_ratio": "no_range",
            "retrial_modify_remand_ratio": "none",
            "appeal_rate": "above",
            "enforcement_completion_rate": "below",
            "appeal_hearing_rate": "no_range",  # only the intermediate level has a range
            "appeal_transfer_days": "above",
        },
        "苏05": {
            "appeal_modify_remand_ratio": "no_range",
            "retrial_modify_remand_ratio": "none",
            "appeal_rate": "none",
            "enforcement_completion_rate": "none",
            "appeal_hearing_rate": "below",
            "appeal_transfer_days": "none",
        },
        "苏0505": {
            "appeal_modify_remand_ratio": "none",
            "retrial_modify_remand_ratio": "none",
            "appeal_rate": "inside",
            "enforcement_completion_rate": "below",
            "appeal_hearing_rate": "none",
            "appeal_transfer_days": "above",
        },
        "苏0506": {
            "appeal_modify_remand_ratio": "none",
            "retrial_modify_remand_ratio": "none",
            "appeal_rate": "above",
            "enforcement_completion_rate": "none",
            "appeal_hearing_rate": "none",
            "appeal_transfer_days": "no_data",
        },
    }
    # The four indicators the set shares with the local eleven have no range here: a value
    # reads 未设区间, a zero denominator —; registry order (3, 5, 10, 11, then 12–17).
    city_rows = spc["units"][0]["rows"]
    assert [row["number"] for row in city_rows] == [3, 5, 10, 11, 12, 13, 14, 15, 16, 17]
    assert [(row["value_text"], row["status"]) for row in city_rows[:4]] == [
        ("100.00%", "no_range"),
        ("—", "none"),
        ("—", "none"),
        ("1 : 1.00", "no_range"),
    ]
    by_slug = {row["slug"]: row for row in spc["units"][2]["rows"]}
    assert (by_slug["appeal_rate"]["value_text"], by_slug["appeal_rate"]["range_text"]) == (
        "25.00%",
        "无下限 – 30.00%",
    )
    assert by_slug["appeal_rate"]["status_label"] == "达标"
    assert by_slug["enforcement_completion_rate"]["status_label"] == "低于区间"
    assert by_slug["appeal_modify_remand_ratio"]["status_label"] == "—"
    lacking = {row["slug"]: row for row in spc["units"][3]["rows"]}["appeal_transfer_days"]
    assert (lacking["value_text"], lacking["status_label"]) == ("无数据", "无数据")
    assert lacking["range_text"] == "无下限 – 7.00 天"
    # The short list: the ones outside, in the same order.
    assert [(item["code"], item["slug"], item["status_label"]) for item in spc["outside"]] == [
        ("", "appeal_rate", "高于区间"),
        ("", "enforcement_completion_rate", "低于区间"),
        ("", "appeal_transfer_days", "高于区间"),
        ("苏05", "appeal_hearing_rate", "低于区间"),
        ("苏0505", "enforcement_completion_rate", "低于区间"),
        ("苏0505", "appeal_transfer_days", "高于区间"),
        ("苏0506", "appeal_rate", "高于区间"),
    ]
    assert spc["demo"] is False
    # No score and no rank anywhere in the section.
    assert "score" not in str(spc) and "rank" not in str(spc)


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_monthly_page_pdf_and_xlsx_show_the_section(planted, client):
    report = monthly_report_generate(unit=ScopeKey.city(), month=MAY)
    client.force_login(planted["office"])
    page = client.get(reverse("reports:monthly", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "最高法院2024年指标：对照合理区间" in html
    assert 'data-outside="7"' in html
    assert 'data-unit="苏0506" data-indicator="appeal_rate" data-status="above"' in html
    documents = {doc.kind: bytes(doc.content) for doc in report.documents.all()}
    text = pdf_text(documents[DocumentKind.PDF]).replace(" ", "")
    assert "最高法院2024年指标：对照合理区间" in text
    assert "超出合理区间" in text and "无数据" in text
    book = load_workbook(io.BytesIO(documents[DocumentKind.XLSX]))
    sheet = book["最高法院2024年指标"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位代码", "单位", "序号", "指标")
    lacking = next(row for row in rows if row[0] == "苏0506" and row[3] == "上诉案件移送时间")
    assert (lacking[4], lacking[5], lacking[12]) == (None, "无数据", "无数据")
    below = next(row for row in rows if row[0] == "苏0505" and row[3] == "执行完毕率")
    assert below[4:13] == (25.0, "25.00%", "1", "4", 40.0, None, "40.00% – 无上限",
                           "2025-01-01", "低于区间")  # fmt: skip
    # 4 units × 10 indicators, then the short list of the 7 outside.
    assert sum(1 for row in rows[1:41] if row[0] is not None or row[1]) == 40
    assert rows[42][0] == "超出合理区间" and len([r for r in rows[43:] if r[1]]) == 7


def test_a_review_kept_before_the_section_still_reads(planted, client):
    report = monthly_report_generate(unit=ScopeKey.city(), month=MAY)
    content = dict(report.content)
    del content["spc"]
    type(report).objects.filter(pk=report.pk).update(content=content)
    client.force_login(planted["office"])
    page = client.get(reverse("reports:monthly", args=[report.pk]))
    assert page.status_code == 200
    assert "对照合理区间" not in page.content.decode()
    assert "对照合理区间" not in report_html(content)
    data, _ms = report_xlsx(content)
    assert "最高法院2024年指标" not in load_workbook(io.BytesIO(data)).sheetnames


def test_the_xlsx_writes_a_formula_like_unit_name_as_text(planted):
    from tests.cases.test_spreadsheets import FORMULA, assert_no_formulas

    planted["courts"]["苏0506"].__class__.objects.filter(code="苏0506").update(name=FORMULA)
    content = monthly_snapshot(unit=ScopeKey.city(), month=MAY)
    assert content["spc"]["units"][3]["name"] == FORMULA
    data, _ms = report_xlsx(content)
    assert_no_formulas(data, FORMULA)
