"""The admin is no back door: what a service guards and records on the trail — the designated
approver of time-limit changes (审限变更一支笔) — is shown there but cannot be added, changed or
deleted; the rules, data edited there, are edited with every change on the audit trail."""

from __future__ import annotations

import pytest

from cases.choices import AuditAction, Role
from cases.models import AuditEvent
from supervision.choices import RuleKind, TraceKind
from supervision.models import DetectionRule, ExtensionApprover, FourTypeRule, TraceEntry


@pytest.fixture
def rules(world):
    four_type = FourTypeRule.objects.create(
        slug="admin-test", name="超12个月未结", kind=RuleKind.LONG_PENDING, params={"months": 12}
    )
    detection = DetectionRule.objects.get_or_create(indicator="closed_to_filed_ratio")[0]
    return {"fourtyperule": four_type, "detectionrule": detection}


def test_the_admin_cannot_designate_or_change_the_extension_approver(world, admin_client):
    approver = ExtensionApprover.objects.get(court=world.court)
    base = "/admin/supervision/extensionapprover"
    assert admin_client.get(f"{base}/").status_code == 200
    assert admin_client.get(f"{base}/{approver.pk}/change/").status_code == 200  # view only
    # Anyone at all as the approver — a judge of the court here — bypassing eligibility and trail
    judge = world.user(Role.JUDGE)
    changed = admin_client.post(
        f"{base}/{approver.pk}/change/",
        {"court": world.court.pk, "user": judge.pk, "designated_at_0": "2025-06-30"},
    )
    assert changed.status_code == 403
    added = admin_client.post(f"{base}/add/", {"court": world.other_court.pk, "user": judge.pk})
    assert added.status_code == 403
    deleted = admin_client.post(f"{base}/{approver.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert list(ExtensionApprover.objects.values_list("court", "user")) == [
        (world.court.pk, world.user(Role.COURT_LEADER).pk)
    ]
    assert not TraceEntry.objects.filter(kind=TraceKind.APPROVER_DESIGNATED).exists()


def test_a_rule_changed_in_the_admin_is_on_the_audit_trail(rules, admin_client):
    rule = rules["fourtyperule"]
    base = "/admin/supervision/fourtyperule"
    form = {
        "slug": rule.slug,
        "name": "超18个月未结",
        "kind": rule.kind,
        "category": rule.category or "",
        "params": '{"months": 18}',
        "auto_confirm": "",
        "active": "on",
        "court": "",
    }
    response = admin_client.post(f"{base}/{rule.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.params == {"months": 18}
    event = AuditEvent.objects.get(object_type="supervision.fourtyperule", object_id=str(rule.pk))
    assert event.action == AuditAction.CHANGE
    assert event.detail["via"] == "admin"
    assert set(event.detail["changed"]) == {"name", "params"}
    assert admin_client.post(f"{base}/{rule.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not FourTypeRule.objects.filter(pk=rule.pk).exists()
    deleted = AuditEvent.objects.filter(object_id=str(rule.pk), detail__deleted=True)
    assert deleted.count() == 1
