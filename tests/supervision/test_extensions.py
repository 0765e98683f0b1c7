"""Time-limit control: one approver per court (审限变更一支笔), requests, decisions, deadlines."""

import csv
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cases.choices import AuditAction, Role
from cases.importing import case_import, open_source
from cases.models import AuditEvent
from cases.permissions import Refused
from supervision import selectors, services
from supervision.choices import ExtensionState, TraceKind
from supervision.models import ExtensionApprover, ExtensionRequest, TraceEntry
from tests.factories import CaseFactory, JudgeFactory, UserFactory

D = datetime.date


def _request(world, days=30):
    return services.extension_request(
        case=world.case, days=days, reason="委托鉴定", actor=world.user(Role.JUDGE)
    )


def test_approval_by_the_designated_approver_moves_the_deadline_and_records_it(world):
    assert world.case.deadline == D(2025, 9, 1)
    extension = services.extension_decide(
        extension=_request(world), approve=True, note="同意", actor=world.user(Role.COURT_LEADER)
    )
    world.case.refresh_from_db()
    # Courtdash's own record of the approval; the imported column stays the source's
    assert (world.case.extension_days, world.case.approved_extension_days) == (0, 30)
    assert world.case.deadline == D(2025, 10, 1)
    assert (extension.old_deadline, extension.new_deadline) == (D(2025, 9, 1), D(2025, 10, 1))
    change = world.case.supervision_trace.get(kind=TraceKind.DEADLINE_CHANGED)
    assert change.detail["old_deadline"] == "2025-09-01"
    assert change.detail["new_deadline"] == "2025-10-01"
    assert change.actor == world.user(Role.COURT_LEADER)
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_CHANGE, object_id=str(world.case.pk)
    ).exists()


@pytest.mark.parametrize("role", [Role.OFFICE, Role.DIVISION_HEAD, Role.JUDGE])
def test_an_approval_by_anyone_but_the_designated_approver_is_refused_and_recorded(world, role):
    extension = _request(world)
    intruder = world.user(role)
    with pytest.raises(Refused, match="审限变更一支笔"):
        services.extension_decide(extension=extension, approve=True, note="", actor=intruder)
    extension.refresh_from_db()
    world.case.refresh_from_db()
    assert extension.state == ExtensionState.PENDING
    assert world.case.extension_days == 0
    refused = world.case.supervision_trace.get(kind=TraceKind.REFUSED)
    assert refused.actor == intruder
    assert refused.detail["action"] == "extension_decide"
    assert AuditEvent.objects.filter(
        user=intruder, object_type="supervision.refused", detail__action="extension_decide"
    ).exists()


def test_another_court_leader_of_the_same_court_cannot_approve(world):
    vice_president = UserFactory(role=Role.COURT_LEADER, court=world.court)
    with pytest.raises(Refused):
        services.extension_decide(
            extension=_request(world), approve=True, note="", actor=vice_president
        )
    assert world.case.supervision_trace.filter(
        kind=TraceKind.REFUSED, actor=vice_president
    ).exists()


def test_a_court_has_exactly_one_designated_approver(world):
    with pytest.raises(IntegrityError):
        ExtensionApprover.objects.create(court=world.court, user=world.user(Role.OFFICE))


def test_designating_a_new_approver_replaces_the_old_one(world):
    new_leader = UserFactory(role=Role.COURT_LEADER, court=world.court)
    services.approver_designate(
        court=world.court, user=new_leader, actor=world.user(Role.COURT_LEADER)
    )
    assert ExtensionApprover.objects.get(court=world.court).user == new_leader
    with pytest.raises(Refused):
        services.extension_decide(
            extension=_request(world), approve=True, note="", actor=world.user(Role.COURT_LEADER)
        )


def test_an_approver_must_reach_the_whole_court(world):
    with pytest.raises(ValidationError):
        services.approver_designate(
            court=world.court,
            user=world.user(Role.DIVISION_HEAD),
            actor=world.user(Role.COURT_LEADER),
        )


def test_a_civil_extension_less_than_15_days_before_expiry_is_refused_clearly(world):
    # filed 2025-01-14, 6 months: expires 2025-07-14, 14 days after today (2025-06-30)
    late = CaseFactory(judge=world.judge, filed_on=D(2025, 1, 14))
    with pytest.raises(ValidationError, match="15日前申请"):
        services.extension_request(case=late, days=30, reason="x", actor=world.user(Role.JUDGE))
    in_time = CaseFactory(judge=world.judge, filed_on=D(2025, 1, 15))  # 15 days left
    services.extension_request(case=in_time, days=30, reason="x", actor=world.user(Role.JUDGE))


def test_a_criminal_case_may_ask_later(world):
    criminal = CaseFactory(judge=world.judge, type_code="刑初", filed_on=D(2025, 4, 5))
    assert criminal.deadline == D(2025, 7, 5)
    services.extension_request(case=criminal, days=30, reason="x", actor=world.user(Role.JUDGE))


def test_only_one_pending_request_per_case(world):
    _request(world)
    with pytest.raises(ValidationError, match="待审批"):
        _request(world)


def test_a_concurrent_second_request_is_refused_by_the_constraint(world, monkeypatch):
    """Two requests that both pass the service's check (neither sees the other yet): the
    database keeps one pending request per case, and the service says why in Chinese."""
    _request(world)
    manager = ExtensionRequest.objects
    nothing_seen = manager.none()
    monkeypatch.setattr(manager, "filter", lambda *args, **kwargs: nothing_seen)
    with pytest.raises(ValidationError, match="待审批"):
        _request(world)
    monkeypatch.undo()
    assert ExtensionRequest.objects.filter(case=world.case).count() == 1


def test_approving_a_request_twice_adds_its_days_once(world):
    extension = _request(world)
    approver = world.user(Role.COURT_LEADER)
    services.extension_decide(extension=extension, approve=True, note="同意", actor=approver)
    # the caller's copy still says pending: the service reads the locked row again
    assert extension.state == ExtensionState.PENDING
    with pytest.raises(ValidationError, match="已审批"):
        services.extension_decide(extension=extension, approve=True, note="同意", actor=approver)
    world.case.refresh_from_db()
    assert world.case.approved_extension_days == 30
    assert world.case.deadline == D(2025, 10, 1)


# An approval is Courtdash's own decision: an import of the case never takes it back


def _import_case(world, tmp_path, name, **fields):
    """Import the world's case as its court's system exports it, with `fields` changed."""
    case = world.case
    row = {
        "case_number": case.case_number,
        "division": world.division.name,
        "judge_id": world.judge.staff_id,
        "judge_name": world.judge.name,
        "track": case.track or "ordinary",
        "cause": case.cause,
        "filed_on": case.filed_on.isoformat(),
        **{key: str(value) for key, value in fields.items()},
    }
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    summary = case_import(sources=[open_source(path)])
    assert not summary.rejected, summary
    world.case.refresh_from_db()


def _approve(world, days=30):
    services.extension_decide(
        extension=_request(world, days=days),
        approve=True,
        note="同意",
        actor=world.user(Role.COURT_LEADER),
    )
    world.case.refresh_from_db()


def test_an_approved_extension_survives_a_reimport_of_the_same_file(world, tmp_path):
    _import_case(world, tmp_path, "export.csv", extension_days=0)
    assert world.case.deadline == D(2025, 9, 1)
    _approve(world)
    assert world.case.deadline == D(2025, 10, 1)
    _import_case(world, tmp_path, "export.csv", extension_days=0)
    assert world.case.deadline == D(2025, 10, 1)
    # another change of the record (a re-assigned cause) keeps it too
    _import_case(world, tmp_path, "changed.csv", extension_days=0, cause="买卖合同纠纷")
    assert world.case.cause == "买卖合同纠纷"
    assert world.case.deadline == D(2025, 10, 1)


def test_the_source_recording_the_same_extension_does_not_count_it_twice(world, tmp_path):
    _import_case(world, tmp_path, "before.csv", extension_days=10)
    assert world.case.deadline == D(2025, 9, 11)
    _approve(world)  # 10 imported + 30 approved here
    assert world.case.deadline == D(2025, 10, 11)
    _import_case(world, tmp_path, "recorded.csv", extension_days=40)
    assert world.case.deadline == D(2025, 10, 11)
    # an extension the source adds beyond it (e.g. a higher court's) does count
    _import_case(world, tmp_path, "higher.csv", extension_days=70)
    assert world.case.deadline == D(2025, 11, 10)
    # and a second approval here builds on the larger total
    _approve(world, days=20)
    assert world.case.approved_extension_days == 90
    assert world.case.deadline == D(2025, 11, 30)


def test_a_rejection_leaves_the_deadline_and_needs_a_reason(world):
    extension = _request(world)
    approver = world.user(Role.COURT_LEADER)
    with pytest.raises(ValidationError):
        services.extension_decide(extension=extension, approve=False, note="", actor=approver)
    services.extension_decide(extension=extension, approve=False, note="理由不足", actor=approver)
    world.case.refresh_from_db()
    assert world.case.deadline == D(2025, 9, 1)
    assert world.case.supervision_trace.filter(kind=TraceKind.EXTENSION_REJECTED).exists()


def test_overdue_list_holds_the_pending_cases_past_their_deadline_in_scope(world):
    overdue = CaseFactory(judge=world.judge, filed_on=D(2024, 12, 1))  # expired 2025-06-01
    CaseFactory(
        judge=world.judge,
        filed_on=D(2024, 11, 1),
        closed_on=D(2025, 6, 1),
        closing_method="judgment",
    )
    assert list(selectors.overdue_cases(user=world.user(Role.JUDGE))) == [overdue]
    assert list(selectors.overdue_cases(user=world.user(Role.OFFICE))) == [overdue]
    other_judge = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    assert list(selectors.overdue_cases(user=other_judge)) == []


def test_a_case_whose_record_gives_its_deadline_is_extended_in_the_source_system(world):
    given = CaseFactory(judge=world.judge, filed_on=D(2025, 3, 1), deadline_on=D(2025, 10, 1))
    with pytest.raises(ValidationError, match="办案系统"):
        services.extension_request(case=given, days=30, reason="x", actor=world.user(Role.JUDGE))


# The approver is checked again at every decision (审限变更一支笔), never for their own cases


def _reprovision(user, **fields):
    """The user's account changed by the administrators, read back as a new request would."""
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    return type(user).objects.get(pk=user.pk)


def _assert_refused_on_the_trail(world, extension, actor, reason: str):
    extension.refresh_from_db()
    world.case.refresh_from_db()
    assert extension.state == ExtensionState.PENDING and extension.decided_by is None
    refused = TraceEntry.objects.get(kind=TraceKind.REFUSED, actor=actor)
    assert refused.detail["action"] == "extension_decide" and reason in refused.note
    assert AuditEvent.objects.filter(
        user=actor, object_type="supervision.refused", detail__action="extension_decide"
    ).exists()


def test_an_approver_reprovisioned_as_the_judge_of_a_case_cannot_approve_its_extension(world):
    own_judge = JudgeFactory(division=world.division, staff_id="J5", name="赵法官")
    own_case = CaseFactory(judge=own_judge, filed_on=D(2025, 3, 1))
    approver = _reprovision(
        world.user(Role.COURT_LEADER),
        role=Role.JUDGE,
        judge=own_judge,
        division=world.division,
    )
    extension = services.extension_request(case=own_case, days=30, reason="鉴定", actor=approver)
    with pytest.raises(Refused, match="本人承办"):
        services.extension_decide(extension=extension, approve=True, note="", actor=approver)
    own_case.refresh_from_db()
    assert own_case.extension_days == 0
    assert ExtensionRequest.objects.get(pk=extension.pk).state == ExtensionState.PENDING
    assert own_case.supervision_trace.filter(kind=TraceKind.REFUSED, actor=approver).exists()


def test_an_approver_who_also_handles_cases_never_decides_an_extension_of_their_own(world):
    # A court leader who keeps a docket (院领导办案) may be the approver, but not for their cases.
    own_judge = JudgeFactory(division=world.division, staff_id="J6", name="院长")
    approver = _reprovision(world.user(Role.COURT_LEADER), judge=own_judge)
    own_case = CaseFactory(judge=own_judge, filed_on=D(2025, 3, 1))
    extension = ExtensionRequest.objects.create(
        case=own_case, days=30, reason="鉴定", requested_by=approver
    )
    with pytest.raises(Refused, match="本人承办"):
        services.extension_decide(extension=extension, approve=False, note="不同意", actor=approver)
    extension.refresh_from_db()
    assert extension.state == ExtensionState.PENDING
    # the rest of the court's extensions are still theirs to decide
    services.extension_decide(extension=_request(world), approve=True, note="", actor=approver)


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.DIVISION_HEAD},  # now sees one division only
        {"role": Role.INSPECTOR},  # sees only the cases joined to them
        {"role": Role.JUDGE},
    ],
    ids=["division_head", "inspector", "judge"],
)
def test_an_approver_no_longer_eligible_is_refused_at_decision_time(world, change):
    extension = _request(world)
    approver = _reprovision(world.user(Role.COURT_LEADER), division=world.division, **change)
    with pytest.raises(Refused):
        services.extension_decide(extension=extension, approve=True, note="", actor=approver)
    extension.refresh_from_db()
    world.case.refresh_from_db()
    assert extension.state == ExtensionState.PENDING and world.case.extension_days == 0
    assert world.case.supervision_trace.filter(kind=TraceKind.REFUSED).exists()


def test_an_approver_moved_to_a_division_of_the_case_is_refused_with_the_rule_said(world):
    extension = _request(world)
    approver = _reprovision(
        world.user(Role.COURT_LEADER), role=Role.DIVISION_HEAD, division=world.division
    )
    with pytest.raises(Refused, match="全院案件"):
        services.extension_decide(extension=extension, approve=True, note="", actor=approver)
    _assert_refused_on_the_trail(world, extension, approver, "全院案件")


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.JUDGE, Role.ANALYST])
def test_only_a_person_who_sees_every_case_of_the_court_may_be_designated(world, role):
    with pytest.raises(ValidationError, match="全院案件"):
        services.approver_designate(
            court=world.court, user=world.user(role), actor=world.user(Role.COURT_LEADER)
        )
    assert ExtensionApprover.objects.get(court=world.court).user == world.user(Role.COURT_LEADER)


def test_an_inactive_person_cannot_be_designated(world):
    gone = UserFactory(role=Role.COURT_LEADER, court=world.court, is_active=False)
    with pytest.raises(ValidationError):
        services.approver_designate(
            court=world.court, user=gone, actor=world.user(Role.COURT_LEADER)
        )
