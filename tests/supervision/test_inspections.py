"""Joint inspections (联合督查): joining an inspector to cases — which lets them see those cases
everywhere — is done or approved by the office of the court, and bounded.

An inspection the office registers is approved at once; one an inspector registers is a request
that joins nobody until the office approves it, or rejects it with a reason. Today is 2025-06-30
(tests/conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.choices import Role
from cases.models import AuditEvent, Case, CaseInspector
from cases.permissions import Refused
from supervision import services
from supervision.choices import InspectionState, TraceKind
from supervision.models import JointInspection, Notification, TraceEntry
from tests.factories import UserFactory
from tests.supervision.conftest import ROLES

D = datetime.date
API = "/api/v1/supervision/joint-inspections"


def _register(world, actor, *, cases=None, participants=()):
    return services.joint_inspection_record(
        court=world.court,
        title="第二季度联合督查",
        inspected_on=D(2025, 6, 20),
        findings="财产查控不及时",
        cases=[world.case] if cases is None else cases,
        participants=list(participants),
        actor=actor,
    )


def _joined(world, user) -> bool:
    return CaseInspector.objects.filter(case=world.case, user=user).exists()


def _other_inspector(world):
    return UserFactory(username="inspector2", role=Role.INSPECTOR, court=world.court)


# The service


def test_an_inspection_an_inspector_registers_is_a_request_that_joins_nobody(world):
    inspector = world.user(Role.INSPECTOR)
    inspection = _register(world, inspector, participants=[_other_inspector(world)])
    assert inspection.state == InspectionState.REQUESTED and inspection.decided_by is None
    assert not CaseInspector.objects.exists()
    assert not Case.objects.in_scope(inspector).filter(pk=world.case.pk).exists()
    requested = TraceEntry.objects.get(kind=TraceKind.JOINT_INSPECTION_REQUESTED)
    assert requested.actor == inspector and requested.court_id == world.court.pk
    assert requested.detail["cases"] == [world.case.case_number]
    # the court's office is told there is a request to decide
    assert Notification.objects.filter(recipient=world.user(Role.OFFICE)).exists()


def test_the_office_approves_a_request_and_its_inspectors_are_joined_then(world):
    inspector, colleague = world.user(Role.INSPECTOR), _other_inspector(world)
    office = world.user(Role.OFFICE)
    inspection = _register(world, inspector, participants=[colleague, office])
    services.joint_inspection_decide(inspection=inspection, approve=True, note="", actor=office)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.APPROVED
    assert (inspection.decided_by, inspection.decided_at is not None) == (office, True)
    assert _joined(world, inspector) and _joined(world, colleague)
    assert not _joined(world, office)  # only inspectors are joined: the office sees the court
    assert Case.objects.in_scope(inspector).filter(pk=world.case.pk).exists()
    approved = world.case.supervision_trace.get(kind=TraceKind.JOINT_INSPECTION_APPROVED)
    assert approved.actor == office
    assert sorted(approved.detail["joined"]) == ["inspector", "inspector2"]
    assert Notification.objects.filter(recipient=inspector, title__contains="已批准").exists()


def test_the_office_rejects_a_request_with_a_reason_and_nobody_is_joined(world):
    inspector, office = world.user(Role.INSPECTOR), world.user(Role.OFFICE)
    inspection = _register(world, inspector)
    with pytest.raises(ValidationError, match="理由"):
        services.joint_inspection_decide(
            inspection=inspection, approve=False, note="", actor=office
        )
    services.joint_inspection_decide(
        inspection=inspection, approve=False, note="与本次督查无关", actor=office
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.REJECTED
    assert inspection.decision_note == "与本次督查无关"
    assert not CaseInspector.objects.exists()
    rejected = TraceEntry.objects.get(kind=TraceKind.JOINT_INSPECTION_REJECTED)
    assert (rejected.actor, rejected.note) == (office, "与本次督查无关")
    assert Notification.objects.filter(recipient=inspector, title__contains="未批准").exists()


def test_a_decided_request_is_not_decided_again(world):
    office = world.user(Role.OFFICE)
    inspection = _register(world, world.user(Role.INSPECTOR))
    services.joint_inspection_decide(
        inspection=inspection, approve=False, note="不需要", actor=office
    )
    with pytest.raises(ValidationError, match="已审批"):
        services.joint_inspection_decide(inspection=inspection, approve=True, note="", actor=office)
    assert not CaseInspector.objects.exists()


@pytest.mark.parametrize("role", [role for role in ROLES if role != Role.OFFICE])
def test_only_the_office_decides_a_request_and_a_refusal_is_recorded(world, role):
    inspection = _register(world, world.user(Role.INSPECTOR))
    actor = world.user(role)
    with pytest.raises(Refused) as refused:
        services.joint_inspection_decide(inspection=inspection, approve=True, note="", actor=actor)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(refused.value))
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.REQUESTED and not CaseInspector.objects.exists()
    entry = TraceEntry.objects.get(kind=TraceKind.REFUSED, actor=actor)
    assert entry.detail["action"] == "joint_inspection_approve"
    assert AuditEvent.objects.filter(user=actor, object_type="supervision.refused").exists()


def test_the_office_of_another_court_cannot_approve(world):
    inspection = _register(world, world.user(Role.INSPECTOR))
    stranger = UserFactory(role=Role.OFFICE, court=world.other_court)
    with pytest.raises(Refused, match="管辖范围"):
        services.joint_inspection_decide(
            inspection=inspection, approve=True, note="", actor=stranger
        )
    assert not CaseInspector.objects.exists()


def test_an_inspector_cannot_approve_their_own_request(world):
    inspector = world.user(Role.INSPECTOR)
    inspection = _register(world, inspector)
    with pytest.raises(Refused):
        services.joint_inspection_decide(
            inspection=inspection, approve=True, note="", actor=inspector
        )
    assert not _joined(world, inspector)


def test_an_inspection_the_office_registers_is_approved_at_once(world):
    office, inspector = world.user(Role.OFFICE), world.user(Role.INSPECTOR)
    inspection = _register(world, office, participants=[inspector])
    assert inspection.state == InspectionState.APPROVED and inspection.decided_by == office
    assert _joined(world, inspector)
    entry = world.case.supervision_trace.get(kind=TraceKind.JOINT_INSPECTION)
    assert entry.actor == office and entry.detail["state"] == InspectionState.APPROVED


def test_an_inspection_names_at_most_the_configured_number_of_cases(world, settings):
    settings.COURTDASH_INSPECTION_MAX_CASES = 2
    cases = [world.case, world.new_case(), world.new_case()]
    for actor in (world.user(Role.INSPECTOR), world.user(Role.OFFICE)):
        with pytest.raises(ValidationError, match="最多涉及2件案件，本次为3件"):
            _register(world, actor, cases=cases)
    assert not JointInspection.objects.exists() and not CaseInspector.objects.exists()
    _register(world, world.user(Role.INSPECTOR), cases=cases[:2])


# The pages


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _request_by_page(world, web):
    answer = web(Role.INSPECTOR).post(
        "/supervision/inspections/new/",
        {
            "court": world.court.pk,
            "title": "第二季度联合督查",
            "inspected_on": "2025-06-20",
            "findings": "财产查控不及时",
            "case_numbers": world.case.case_number,
        },
    )
    inspection = JointInspection.objects.get()
    assert answer["Location"] == f"/supervision/inspections/{inspection.pk}/"
    return inspection


def test_an_inspectors_page_request_waits_for_the_office_and_shows_no_case_detail(world, web):
    inspection = _request_by_page(world, web)
    assert inspection.state == InspectionState.REQUESTED and not CaseInspector.objects.exists()
    inspector = web(Role.INSPECTOR)
    page = _text(inspector.get(f"/supervision/inspections/{inspection.pk}/"))
    assert "待审管办批准" in page and 'id="approve-form"' not in page
    assert world.case.case_number in page
    assert f"/supervision/cases/{world.case.pk}/" not in page  # not joined: no way in
    assert world.judge.name not in page
    assert "待审管办批准" in _text(inspector.get("/supervision/inspections/"))


def test_the_office_approves_on_the_page(world, web):
    inspection = _request_by_page(world, web)
    office = web(Role.OFFICE)
    url = f"/supervision/inspections/{inspection.pk}/"
    page = _text(office.get(url))
    assert 'id="approve-form"' in page and 'id="reject-form"' in page
    answer = office.post(url, {"action": "approve", "note": "同意"})
    assert answer.status_code == 302 and answer["Location"] == url
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.APPROVED
    assert _joined(world, world.user(Role.INSPECTOR))
    page = _text(web(Role.INSPECTOR).get(url))
    assert f"/supervision/cases/{world.case.pk}/" in page and world.judge.name in page
    assert 'id="approve-form"' not in _text(office.get(url))  # decided: no more forms
    listing = _text(web(Role.INSPECTOR).get("/supervision/inspections/"))
    assert "已批准" in listing


def test_the_office_rejects_on_the_page_only_with_a_reason(world, web):
    inspection = _request_by_page(world, web)
    office = web(Role.OFFICE)
    url = f"/supervision/inspections/{inspection.pk}/"
    office.post(url, {"action": "reject", "reason": ""})
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.REQUESTED
    office.post(url, {"action": "reject", "reason": "案件与督查事项无关"})
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.REJECTED and not CaseInspector.objects.exists()
    assert "案件与督查事项无关" in _text(web(Role.INSPECTOR).get(url))


def test_an_inspector_posting_an_approval_on_the_page_is_refused(world, web):
    inspection = _request_by_page(world, web)
    url = f"/supervision/inspections/{inspection.pk}/"
    web(Role.INSPECTOR).post(url, {"action": "approve", "note": ""})
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.REQUESTED and not CaseInspector.objects.exists()
    assert TraceEntry.objects.filter(
        kind=TraceKind.REFUSED, actor=world.user(Role.INSPECTOR)
    ).exists()


def test_the_form_says_the_limit_on_the_cases(world, web, settings):
    settings.COURTDASH_INSPECTION_MAX_CASES = 1
    other = world.new_case()
    answer = web(Role.INSPECTOR).post(
        "/supervision/inspections/new/",
        {
            "court": world.court.pk,
            "title": "督查",
            "inspected_on": "2025-06-20",
            "findings": "无",
            "case_numbers": f"{world.case.case_number}\n{other.case_number}",
        },
    )
    assert "最多涉及1件案件" in _text(answer) and not JointInspection.objects.exists()


# The API


def _request_by_api(world, as_role) -> dict:
    created = as_role(Role.INSPECTOR).post(
        f"{API}/",
        {
            "court": world.court.pk,
            "title": "联合督查",
            "inspected_on": "2025-06-20",
            "findings": "卷宗不全",
            "cases": [world.case.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    return created.json()


def test_an_inspectors_api_request_counts_the_cases_but_does_not_show_them(world, as_role):
    body = _request_by_api(world, as_role)
    assert body["state"] == "requested" and body["state_label"] == "待审管办批准"
    assert body["case_count"] == 1 and body["cases"] == []
    assert world.case.case_number not in str(body)
    assert not CaseInspector.objects.exists()
    [listed] = as_role(Role.INSPECTOR).get(f"{API}/").json()["results"]
    assert listed["state"] == "requested" and listed["cases"] == []


def test_the_office_approves_through_the_api_and_others_are_refused(world, as_role):
    inspection_id = _request_by_api(world, as_role)["id"]
    refused = as_role(Role.INSPECTOR).post(f"{API}/{inspection_id}/approve/")
    assert refused.status_code == 403 and not CaseInspector.objects.exists()
    assert as_role(Role.COURT_LEADER).post(f"{API}/{inspection_id}/approve/").status_code == 403
    approved = as_role(Role.OFFICE).post(f"{API}/{inspection_id}/approve/", {"note": "同意"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    assert approved.json()["decided_by"]["username"] == "office"
    assert _joined(world, world.user(Role.INSPECTOR))
    detail = as_role(Role.INSPECTOR).get(f"{API}/{inspection_id}/").json()
    assert [case["case_number"] for case in detail["cases"]] == [world.case.case_number]
    again = as_role(Role.OFFICE).post(f"{API}/{inspection_id}/reject/", {"note": "撤回"})
    assert again.status_code == 400


def test_the_office_rejects_through_the_api_with_a_reason(world, as_role):
    inspection_id = _request_by_api(world, as_role)["id"]
    office = as_role(Role.OFFICE)
    assert office.post(f"{API}/{inspection_id}/reject/").status_code == 400
    rejected = office.post(f"{API}/{inspection_id}/reject/", {"note": "无需加入"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert rejected.json()["decision_note"] == "无需加入"
    assert not CaseInspector.objects.exists()


def test_the_api_refuses_more_cases_than_the_limit(world, as_role, settings):
    settings.COURTDASH_INSPECTION_MAX_CASES = 1
    answer = as_role(Role.OFFICE).post(
        f"{API}/",
        {
            "court": world.court.pk,
            "title": "联合督查",
            "inspected_on": "2025-06-20",
            "findings": "卷宗不全",
            "cases": [world.case.pk, world.new_case().pk],
        },
        format="json",
    )
    assert answer.status_code == 400 and "最多涉及1件案件" in str(answer.json())
    assert not JointInspection.objects.exists()


def test_the_decisions_are_in_the_schema(world, as_role):
    paths = as_role(Role.OFFICE).get("/api/schema/?format=json").json()["paths"]
    assert "/api/v1/supervision/joint-inspections/{id}/approve/" in paths
    assert "/api/v1/supervision/joint-inspections/{id}/reject/" in paths
