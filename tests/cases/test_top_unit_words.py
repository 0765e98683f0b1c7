"""The top unit's words on the pages: a city deployment (an intermediate court at the top) says
全市 and 中院审管办, a province (a high court at the top) says 全省 and 高院审管办 — the pages
that used to hard-code 全市 read the name from cases.context_processors.top_unit, and the
Python messages from cases.units.top_unit_name at call time."""

import datetime

import pytest
from django.test import RequestFactory

from cases.choices import CourtLevel, Role
from cases.context_processors import top_unit
from metrics.services import metrics_compute
from reports.choices import FindingKind
from reports.findings import finding_text
from reports.meeting_forms import AgendaForm
from supervision.quality_forms import CampaignForm, SheetForm
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2025, 6, 30)

# code -> (level, parent code)
PROVINCE = {
    "苏": (CourtLevel.HIGH, None),
    "苏05": (CourtLevel.INTERMEDIATE, "苏"),
    "苏0505": (CourtLevel.BASIC, "苏05"),
}
CITY = {
    "苏05": (CourtLevel.INTERMEDIATE, None),
    "苏0505": (CourtLevel.BASIC, "苏05"),
}
SHAPES = {"province": (PROVINCE, "苏"), "city": (CITY, "苏05")}
# What each shape's pages say, and what they must not.
WORDS = {
    "province": {"top": "全省", "office": "高院审管办", "not": ("全市", "中院审管办")},
    "city": {"top": "全市", "office": "中院审管办", "not": ("全省", "高院审管办")},
}


@pytest.fixture(params=["province", "city"])
def deployment(request, client):
    """The courts of the shape, each with a division, a judge and a closed case, the indicators
    computed; the client logged in as the top court's office."""
    shape, top_code = SHAPES[request.param]
    courts, divisions = {}, {}
    for code, (level, parent) in shape.items():
        courts[code] = CourtFactory(
            code=code, name=f"{code}法院", level=level, parent=courts.get(parent)
        )
        divisions[code] = DivisionFactory(court=courts[code], name="民一庭")
        judge = JudgeFactory(division=divisions[code], staff_id=f"{code}-1")
        CaseFactory(
            judge=judge, filed_on=datetime.date(2025, 3, 1), closed_on=datetime.date(2025, 5, 6)
        )
    metrics_compute(as_of=AS_OF, periods=["ytd"])
    office = UserFactory(role=Role.OFFICE, court=courts[top_code])
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "name": request.param,
        "words": WORDS[request.param],
        "client": client,
        "office": office,
        "top": courts[top_code],
        "division": divisions[top_code],
    }


def says(deployment, url: str, *phrases: str, params=None) -> str:
    """The page at `url`, which must hold every phrase (with {top}/{office} filled in) and
    none of the other deployment's words."""
    response = deployment["client"].get(url, params or {})
    assert response.status_code == 200, url
    page = response.content.decode()
    words = deployment["words"]
    for phrase in phrases:
        expected = phrase.format(top=words["top"], office=words["office"])
        assert expected in page, (url, expected)
    for word in words["not"]:
        assert word not in page, (url, word)
    return page


def test_the_overview_of_a_division_says_the_ratio_stops_at_the_top_unit(deployment):
    page = says(
        deployment,
        "/metrics/",
        "本指标只统计到{top}和法院两级",
        params={"court": deployment["top"].pk, "division": deployment["division"].pk},
    )
    assert 'data-indicator="case_to_proceeding_ratio"' in page
    says(deployment, "/metrics/", "{top}不参与排名")


def test_the_supervision_settings_pages_name_the_top_unit_and_its_office(deployment):
    says(deployment, "/supervision/settings/", '<span class="muted">{top}')
    says(deployment, "/supervision/settings/rules/", "<td>{top}</td>")
    says(deployment, "/supervision/settings/detection/", "规则适用{top}，由{office}修改。")
    says(deployment, "/supervision/settings/rules/new/", "{top}所有法院")


def test_the_reports_pages_name_the_top_unit_and_its_office(deployment):
    says(deployment, "/reports/health/", "结案的占比比{top}高", "达{top}的")
    says(deployment, "/reports/settings/health/", "参数适用{top}，由{office}修改。")
    says(deployment, "/reports/settings/ranking/", "适用{top}，由{office}修改。")
    says(deployment, "/reports/monthly/", "上月讲评（{top}及各法院）")
    says(deployment, "/reports/meetings/new/", '<option value="" selected>{top}</option>')


def test_the_forms_empty_choices_name_the_top_unit(deployment):
    top = deployment["words"]["top"]
    office = deployment["office"]
    form = AgendaForm(courts=[deployment["top"]], divisions=[], city=True)
    assert form.fields["court"].choices[0] == ("", top)
    assert CampaignForm(user=office).fields["court"].empty_label == f"{top}法院"
    assert SheetForm(user=office).fields["court"].empty_label == f"{top}通用"


def test_the_context_costs_no_query_until_shown_and_one_a_request(
    deployment, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        context = top_unit(request)
    with django_assert_num_queries(1):
        assert str(context["top_unit"]) == deployment["words"]["top"]
        assert str(context["top_office"]) == deployment["words"]["office"]
    court_office = "省高级法院审管办" if deployment["name"] == "province" else "市中级法院审管办"
    with django_assert_num_queries(0):
        assert str(top_unit(request)["top_court_office"]) == court_office


def test_a_findings_sentence_compares_with_the_top_unit(deployment, django_assert_num_queries):
    top = deployment["words"]["top"]
    facts = {"from": "2025-01-01", "to": "2025-06-30", "base": 100, "count": 30}
    words = {"kind": FindingKind.HIGH_WITHDRAWAL_SHARE, "value": 30.0, "reference": 12.5}
    expected = (
        "2025-01-01 至 2025-06-30 民事一审结案 100 件，其中撤诉 30 件，占 30.0%；{}为 12.5%。"
    )
    assert finding_text(**words, facts=facts) == expected.format(top)
    with django_assert_num_queries(0):  # a list passes the name it read once
        assert finding_text(**words, facts=facts, top="X") == expected.format("X")
        finding_text(kind=FindingKind.STALLED_LONG_PENDING, value=None, reference=None,
                     facts={"count": 2, "idle_days": 90, "since": "2025-03-01"})  # fmt: skip
