"""跟踪问效: the pages and the API (who may read, scope), and the actions that start a track
(a notice, an inquiry sent, a clearance campaign)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.choices import Role
from cases.units import ScopeKey
from supervision import services
from supervision.models import EffectTrack
from supervision.services.effects import effects_check_due, track_effect
from tests.factories import CaseFactory, UserFactory
from tests.supervision.test_effects import D, plant, planted  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _tracked(world):
    track = track_effect(
        source="inquiry",
        object_id=1,
        unit=ScopeKey.of(court=world.court, division=world.division),
        slugs=["clearance_rate"],
        case_ids=[world.case.pk],
        started_on=D(2025, 4, 1),
        title="民一庭结案率异常函询",
    )
    effects_check_due(D(2025, 5, 1))
    return track


def test_the_office_reads_the_summary_and_the_track(planted, web):  # noqa: F811
    track = _tracked(planted)
    page = web(Role.OFFICE).get(reverse("supervision:effects"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "民一庭结案率异常函询" in text and "好于同级" in text
    assert "100.00%" in text  # the inquiries: 1 of 1 better than the peers at 30 days
    detail = web(Role.OFFICE).get(reverse("supervision:effect", args=[track.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    # 0.65 now, +0.15 for the unit, +0.04 for the peers, +0.11 against them (percent points)
    assert "0.65%" in text and "+0.15 个百分点" in text and "+0.11 个百分点" in text
    assert "民二庭" in text and "民四庭" in text  # kept, and left out (targeted too)
    assert planted.case.case_number in text
    filtered = web(Role.OFFICE).get(reverse("supervision:effects") + "?kind=notice")
    assert "民一庭结案率异常函询" not in filtered.content.decode()


def test_who_may_read_and_scope(planted, web):  # noqa: F811
    track = _tracked(planted)
    assert web(Role.JUDGE).get(reverse("supervision:effects")).status_code == 403
    assert web(Role.JUDGE).get(reverse("supervision:effect", args=[track.pk])).status_code == 403
    foreign = UserFactory(role=Role.OFFICE, court=planted.other_court)
    assert web(foreign).get(reverse("supervision:effect", args=[track.pk])).status_code == 404
    assert (
        "民一庭结案率异常函询"
        not in web(foreign).get(reverse("supervision:effects")).content.decode()
    )
    assert web(Role.COURT_LEADER).get(reverse("supervision:effects")).status_code == 200


def test_bad_input_is_no_error(planted, web):  # noqa: F811
    _tracked(planted)
    office = web(Role.OFFICE)
    assert office.get(reverse("supervision:effects") + "?kind=<x>&page=zz").status_code == 200
    assert office.get("/supervision/effects/999999/").status_code == 404


def test_the_api(planted, as_role):  # noqa: F811
    track = _tracked(planted)
    office = as_role(Role.OFFICE)
    listed = office.get("/api/v1/supervision/effects/").json()
    assert track.pk in [row["id"] for row in listed["results"]]  # and 民四庭's (the fixture's)
    detail = office.get(f"/api/v1/supervision/effects/{track.pk}/").json()
    [check] = detail["checks"]
    assert check["mark"] == 30 and check["improved"] is True
    assert check["results"]["clearance_rate"]["did"] == pytest.approx(0.11)
    summary = office.get("/api/v1/supervision/effects/summary/").json()
    inquiries = next(row for row in summary if row["source"] == "inquiry")
    assert inquiries["tracked"] == 2 and inquiries["marks"][0]["improved"] == 1
    assert as_role(Role.JUDGE).get("/api/v1/supervision/effects/").status_code == 403
    foreign = UserFactory(role=Role.OFFICE, court=planted.other_court)
    assert as_role(foreign).get(f"/api/v1/supervision/effects/{track.pk}/").status_code == 404
    assert office.get("/api/v1/supervision/effects/?kind=nonsense").status_code == 400


def test_a_notice_an_inquiry_and_a_campaign_are_tracked(world):
    office = world.user(Role.OFFICE)
    deadline = D(2025, 7, 15)
    notice = services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="督办",
        body="请尽快审结",
        deadline=deadline,
        actor=office,
        indicators=["within_limit_rate"],
    )
    track = EffectTrack.objects.get(source="notice", object_id=notice.pk)
    assert track.unit == ScopeKey.of(court=world.court, division=world.division, judge=world.judge)
    assert track.case_ids == [world.case.pk] and track.indicators == ["within_limit_rate"]
    assert track.started_on == D(2025, 6, 30) and track.url.endswith(f"/{notice.pk}/")
    inquiry = services.inquiry_create(
        division=world.division,
        indicator_slug="clearance_rate",
        period="ytd",
        as_of=D(2025, 6, 29),
        value=60,
        title="函询",
        body="结案率偏低",
        deadline=deadline,
        actor=office,
    )
    track = EffectTrack.objects.get(source="inquiry", object_id=inquiry.pk)
    assert track.indicators == ["clearance_rate"] and track.case_ids == []
    old = CaseFactory(judge=world.judge, filed_on=D(2024, 1, 10))
    campaign = services.campaign_start(
        name="清理", court=world.court, target_on=D(2025, 12, 31), actor=office
    )
    track = EffectTrack.objects.get(source="campaign", object_id=campaign.pk)
    assert track.indicators == ["long_pending_share"] and old.pk in track.case_ids
    assert track.unit == ScopeKey.of(court=world.court)


def test_the_letter_page_shows_its_effect(planted, web):  # noqa: F811
    office = planted.user(Role.OFFICE)
    inquiry = services.inquiry_create(
        division=planted.division,
        indicator_slug="clearance_rate",
        period="ytd",
        as_of=D(2025, 6, 29),
        value=60,
        title="函询",
        body="结案率偏低",
        deadline=D(2025, 7, 15),
        actor=office,
    )
    page = web(Role.OFFICE).get(reverse("supervision:inquiry", args=[inquiry.pk]))
    assert "跟踪问效" in page.content.decode()
    assert datetime.date(2025, 6, 30) == EffectTrack.objects.get(object_id=inquiry.pk).started_on


def test_a_notice_from_a_prefilled_form_tracks_the_indicator_it_was_seen_in(world, web):
    url = reverse("supervision:notice_new") + "?indicator=within_limit_rate&judge=1"
    answer = web(Role.OFFICE).post(
        url,
        {
            "case_numbers": world.case.case_number,
            "judge": world.judge.pk,
            "title": "督办",
            "body": "请尽快审结",
            "deadline": "2025-07-15",
        },
    )
    assert answer.status_code == 302
    track = EffectTrack.objects.get(source="notice")
    assert track.indicators == ["within_limit_rate"] and track.case_ids == [world.case.pk]
    web(Role.OFFICE).post(
        reverse("supervision:notice_new") + "?indicator=<script>",
        {
            "case_numbers": world.case.case_number,
            "judge": world.judge.pk,
            "title": "督办二",
            "body": "请尽快审结",
            "deadline": "2025-07-15",
        },
    )
    assert EffectTrack.objects.filter(source="notice").latest("pk").indicators == []


def test_a_notice_from_the_api_names_its_indicators(world, as_role):
    office = as_role(Role.OFFICE)
    body = {
        "cases": [world.case.pk],
        "judge": world.judge.pk,
        "title": "督办",
        "body": "请尽快审结",
        "deadline": "2025-07-15",
        "indicators": ["within_limit_rate"],
    }
    created = office.post("/api/v1/supervision/notices/", body, format="json")
    assert created.status_code == 201, created.content
    track = EffectTrack.objects.get(source="notice", object_id=created.json()["id"])
    assert track.indicators == ["within_limit_rate"]
    wrong = office.post(
        "/api/v1/supervision/notices/", body | {"indicators": ["nonsense"]}, format="json"
    )
    assert wrong.status_code == 400
