"""拟发改再事先沟通's pages and API: the link from the case's supervision page, the forms (bad
input: a Chinese message, never a 500), who sees which form, the list's filters and the
drill-down from the quarterly figures, the API's create / answer / outcome / figures."""

from __future__ import annotations

import datetime
import re

from cases.choices import Role
from supervision.choices import ConsultState
from supervision.models import Consultation
from tests.supervision import test_consultations as base

_open = base._open
appeal = base.appeal  # the fixtures
planted = base.planted

D = datetime.date


def _text(response) -> str:
    return response.content.decode()


def test_the_case_page_links_to_the_form_for_whoever_may_open(appeal, web):
    case = appeal.extra["appeal_case"]
    page = web(appeal.extra["appeal_user"]).get(f"/supervision/cases/{case.pk}/")
    assert f"/supervision/cases/{case.pk}/consult/" in _text(page)
    # a first-instance case offers no consultation
    page = web(Role.JUDGE).get(f"/supervision/cases/{appeal.case.pk}/")
    assert "/consult/" not in _text(page)


def test_the_form_records_the_intention_and_refuses_bad_input(appeal, web):
    case = appeal.extra["appeal_case"]
    client = web(appeal.extra["appeal_user"])
    url = f"/supervision/cases/{case.pk}/consult/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"intention": "modify", "reasoning": "x"}, follow=True)
    assert bad.status_code == 200
    assert "请至少选择一类理由" in _text(bad)
    assert not Consultation.objects.exists()
    bad = client.post(url, {"intention": "nope", "reasons": ["procedure"], "reasoning": "x"})
    assert bad.status_code == 200 and not Consultation.objects.exists()
    done = client.post(
        url, {"intention": "remand", "reasons": ["procedure"], "reasoning": "遗漏必要共同诉讼人"}
    )
    consultation = Consultation.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/supervision/consultations/{consultation.pk}/"
    assert consultation.reasons == ["procedure"]


def test_the_form_is_not_for_the_office_and_not_for_a_case_out_of_reach(appeal, web):
    case = appeal.extra["appeal_case"]
    assert web(Role.OFFICE).get(f"/supervision/cases/{case.pk}/consult/").status_code == 404
    own = appeal.case
    assert web(Role.ANALYST).get(f"/supervision/cases/{own.pk}/consult/").status_code == 403


def test_the_detail_offers_the_answer_only_to_the_original_side(appeal, web):
    consultation = _open(appeal)
    url = f"/supervision/consultations/{consultation.pk}/"
    assert 'id="answer-form"' in _text(web(Role.JUDGE).get(url))
    assert 'id="answer-form"' in _text(web(Role.DIVISION_HEAD).get(url))
    assert 'id="answer-form"' not in _text(web(Role.OFFICE).get(url))
    assert 'id="answer-form"' not in _text(web(appeal.extra["appeal_user"]).get(url))
    # the office's attempt is refused with the rule, nothing changes
    refused = web(Role.OFFICE).post(url, {"action": "answer", "answer": "agree"}, follow=True)
    assert "不能答复拟发改再事先沟通" in _text(refused)
    # disagreeing without reasons: the rule as a message
    missing = web(Role.JUDGE).post(url, {"action": "answer", "answer": "disagree"}, follow=True)
    assert "不同意时请说明理由" in _text(missing)
    web(Role.JUDGE).post(url, {"action": "answer", "answer": "agree", "answer_text": "同意"})
    consultation.refresh_from_db()
    assert consultation.state == ConsultState.ANSWERED
    page = _text(web(appeal.extra["appeal_user"]).get(url))
    assert 'id="outcome-form"' in page
    assert 'data-kind="consult_answered"' in page


def test_the_list_filters_and_the_figures_drill_down(planted, appeal, web):
    office = web(Role.OFFICE)
    page = _text(office.get("/supervision/consultations/figures/?year=2025&quarter=2"))
    links = re.findall(r'href="(/supervision/consultations/\?[^"]+figure=answered_in_time)"', page)
    civil = next(link for link in links if "court=" in link and "division=" in link)
    drilled = _text(office.get(civil.replace("&amp;", "&")))
    numbers = set(
        re.findall(r'class="case-number" href="/supervision/consultations/(\d+)/"', drilled)
    )
    assert numbers == {str(planted["in_time_changed"].pk)}
    unanswered = _text(office.get("/supervision/consultations/?state=awaiting"))
    assert f"/supervision/consultations/{planted['unanswered'].pk}/" in unanswered
    assert f"/supervision/consultations/{planted['next_quarter'].pk}/" not in unanswered
    assert office.get("/supervision/consultations/?figure=nope").status_code == 404
    assert office.get("/supervision/consultations/figures/?quarter=9").status_code == 404


def test_the_api_creates_answers_and_concludes(appeal, as_role):
    case = appeal.extra["appeal_case"]
    intending = as_role(appeal.extra["appeal_user"])
    bad = intending.post(
        "/api/v1/supervision/consultations/",
        {"case": case.pk, "intention": "modify", "reasons": [], "reasoning": "x"},
        format="json",
    )
    assert bad.status_code == 400
    made = intending.post(
        "/api/v1/supervision/consultations/",
        {
            "case": case.pk,
            "intention": "modify",
            "reasons": ["new_evidence"],
            "reasoning": "新证据",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["original_case"]["id"] == appeal.extra["original"].pk
    office = as_role(Role.OFFICE)
    refused = office.post(f"/api/v1/supervision/consultations/{pk}/answer/", {"answer": "agree"})
    assert refused.status_code == 403
    early = intending.post(
        f"/api/v1/supervision/consultations/{pk}/outcome/", {"outcome": "as_intended"}
    )
    assert early.status_code == 400
    answered = as_role(Role.JUDGE).post(
        f"/api/v1/supervision/consultations/{pk}/answer/", {"answer": "agree"}
    )
    assert answered.status_code == 200 and answered.json()["answered_in_time"] is True
    done = intending.post(
        f"/api/v1/supervision/consultations/{pk}/outcome/",
        {"outcome": "changed", "outcome_note": "采纳原审意见，改为维持"},
    )
    assert done.status_code == 200 and done.json()["state"] == "concluded"
    figures = office.get("/api/v1/supervision/consultations/figures/?year=2025&quarter=2")
    assert figures.status_code == 200
    assert figures.json()[0]["outcome_changed"] == 1
    assert office.get("/api/v1/supervision/consultations/figures/?year=x").status_code == 400
    drill = office.get("/api/v1/supervision/consultations/?figure=outcome_changed")
    assert [row["id"] for row in drill.json()["results"]] == [pk]


def test_the_quarterly_page_shows_the_planted_numbers(planted, appeal, web):
    page = _text(web(Role.OFFICE).get("/supervision/consultations/figures/?year=2025&quarter=2"))
    assert "民一庭" in page and "民二庭" in page
    assert "/supervision/consultations/?year=2025&amp;quarter=2&amp;figure=consulted" in page
