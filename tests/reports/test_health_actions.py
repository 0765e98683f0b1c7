"""From a health-check finding to a letter, and the health check's thresholds as the office's
data: the finding page links to a notice and an inquiry prefilled with its unit, cases and
evidence (for whoever may send one); the thresholds are edited on a page that keeps their
history, and the next health check reads them."""

import datetime
import html
import re

import pytest

from cases.choices import AuditAction, Role
from cases.dates import today
from cases.models import AuditEvent, Case, Court, Division, Judge
from reports.healthcheck import DEFAULTS, detect, rules
from reports.models import Finding, HealthRuleSetting
from reports.services.healthcheck import health_check_run
from supervision.choices import LetterState
from supervision.models import Inquiry
from tests.reports.conftest import city_court
from tests.reports.generate import AS_OF, PLANTED_AT, health_city

pytestmark = pytest.mark.django_db

STALLED = "stalled_long_pending"


def _href(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}" href="([^"]+)"', page)
    assert match, f"no #{element_id} link"
    return html.unescape(match.group(1))


def _planted_finding():
    built = health_city(plant=(STALLED,))
    run = health_check_run(as_of=AS_OF)
    return built, Finding.objects.get(run=run, kind=STALLED)


def test_the_office_sends_an_inquiry_from_a_finding_prefilled_with_its_unit_cases_and_evidence(
    client, role_user
):
    built, finding = _planted_finding()
    court_code, division_name, _number = PLANTED_AT[STALLED]
    court = Court.objects.get(code=court_code)
    division = Division.objects.get(court=court, name=division_name)
    client.force_login(role_user(Role.OFFICE, court=court, username="office0506"))
    page = client.get(f"/reports/health/findings/{finding.pk}/").text
    inquiry_url = _href(page, "finding-inquiry")
    notice_url = _href(page, "finding-notice")
    assert inquiry_url.startswith("/supervision/inquiries/new/?")
    assert f"judge={finding.judge_id}" in inquiry_url

    form = client.get(inquiry_url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["division"] == division.pk
    numbers = set(
        Case.objects.filter(pk__in=built.planted[STALLED]).values_list("case_number", flat=True)
    )
    assert all(number in initial["body"] for number in numbers)
    assert "立案已超过 12 个月仍未结" in initial["body"]
    assert "长期未结无进展" in initial["title"] or "长期未结" in initial["title"]
    assert 'id="prefill-note"' in form.text and 'id="prefill-errors"' not in form.text

    notice = client.get(notice_url)
    assert notice.status_code == 200
    assert notice.context["form"].initial["judge"] == finding.judge_id
    assert set(notice.context["form"].initial["case_numbers"].splitlines()) == numbers

    deadline = (today() + datetime.timedelta(days=7)).isoformat()
    sent = client.post(
        "/supervision/inquiries/new/",
        {
            "division": division.pk,
            "indicator": "",
            "period": "",
            "as_of": AS_OF.isoformat(),
            "value": "",
            "reference": "",
            "title": initial["title"],
            "body": initial["body"],
            "deadline": deadline,
        },
    )
    inquiry = Inquiry.objects.get()
    assert sent.status_code == 302 and sent.url == f"/supervision/inquiries/{inquiry.pk}/"
    assert inquiry.state == LetterState.SENT and inquiry.division == division
    assert inquiry.issued_by.username == "office0506"


def test_who_may_not_send_sees_no_letter_links_on_a_finding(client, role_user):
    _built, finding = _planted_finding()
    court_code, division_name, _number = PLANTED_AT[STALLED]
    division = Division.objects.get(court__code=court_code, name=division_name)
    client.force_login(role_user(Role.DIVISION_HEAD, division=division))
    page = client.get(f"/reports/health/findings/{finding.pk}/")
    assert page.status_code == 200
    assert "finding-inquiry" not in page.text and "finding-notice" not in page.text


def test_the_health_check_reads_the_thresholds_the_city_office_set_and_keeps_their_history(
    client, role_user
):
    health_city(plant=(STALLED,))
    assert any(draft.kind == STALLED for draft in detect(as_of=AS_OF))
    client.force_login(role_user(Role.OFFICE, court=city_court(), username="cityoffice"))
    bad = client.post(
        "/reports/settings/health/",
        {"kind": STALLED, f"{STALLED}-months": "十二", f"{STALLED}-idle_days": "0"},
    )
    assert bad.status_code == 200
    assert "输入整数" in bad.text and "确保该值大于或等于1" in bad.text
    assert not HealthRuleSetting.objects.exists()

    saved = client.post(
        "/reports/settings/health/",
        {
            "kind": STALLED,
            f"{STALLED}-months": "120",
            f"{STALLED}-idle_days": "90",
            "note": "只看十年以上",
        },
    )
    assert saved.status_code == 302
    setting = HealthRuleSetting.objects.get()
    assert setting.params == {"months": 120, "idle_days": 90}
    assert setting.changed_by.username == "cityoffice"
    assert rules()[STALLED]["months"] == 120
    assert rules()["month_end_closings"] == DEFAULTS["month_end_closings"]
    assert not any(draft.kind == STALLED for draft in detect(as_of=AS_OF))
    event = AuditEvent.objects.get(object_type="reports.healthrulesetting")
    assert event.action == AuditAction.CHANGE and event.detail["changed"] == ["months"]
    assert event.detail["before"]["months"] == 12

    page = client.get("/reports/settings/health/").text
    assert "只看十年以上" in page and "立案超过（月） 120" in page
    # The health page's rule list shows what holds now.
    assert "立案超过 120 个月仍未结" in client.get("/reports/health/").text


def test_a_courts_office_and_a_leader_read_the_thresholds_but_only_the_citys_office_changes_them(
    client, role_user
):
    health_city()
    court = Court.objects.get(code="苏0505")
    for role in (Role.OFFICE, Role.COURT_LEADER):
        client.force_login(role_user(role, court=court))
        page = client.get("/reports/settings/health/")
        assert page.status_code == 200 and "health-rule-form" not in page.text
        denied = client.post("/reports/settings/health/", {"kind": STALLED})
        assert denied.status_code == 403
    assert not HealthRuleSetting.objects.exists()
    judge = Judge.objects.filter(court=court).first()
    client.force_login(role_user(Role.JUDGE, judge=judge))
    assert client.get("/reports/settings/health/").status_code == 403
    assert client.get("/reports/settings/ranking/").status_code == 403


def test_from_a_ranking_row_the_office_sends_a_notice_prefilled_with_the_unit(
    client, computed_city, role_user
):
    court = Court.objects.get(code="苏0505")
    office = role_user(Role.OFFICE, court=court)
    client.force_login(office)
    page = client.get(f"/metrics/ranking/?court={court.pk}").text
    links = re.findall(r'class="row-letter" href="([^"]+)" data-unit-notice="([^"]+)"', page)
    assert links, "no letter link on the ranking rows"
    url, code = links[0]
    url = html.unescape(url)
    division = Division.objects.get(court=court, name=code.split("/")[-1])
    assert f"division={division.pk}" in url
    form = client.get(url)
    assert form.status_code == 200 and 'id="prefill-errors"' not in form.text
    initial = form.context["form"].initial
    assert initial["division"] == division.pk and division.name in initial["title"]
    assert "综合得分" in initial["body"] or "达标指标" in initial["body"]
    # The inquiry form, from the same row, carries the day of the ranking.
    inquiry = client.get(url.replace("/supervision/notices/new/", "/supervision/inquiries/new/"))
    assert inquiry.context["form"].initial["division"] == division.pk
    client.force_login(role_user(Role.DIVISION_HEAD, division=division))
    assert "row-letter" not in client.get("/metrics/ranking/").text
