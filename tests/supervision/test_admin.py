"""The admin is no back door: what a service guards and records on the trail — the designated
approver of time-limit changes (审限变更一支笔), the four-type and detection rules — is shown
there but cannot be added, changed or deleted; it is changed through the services only."""

from __future__ import annotations

import pytest

from cases.choices import Role
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


@pytest.mark.parametrize("model", ["fourtyperule", "detectionrule"])
def test_the_admin_shows_the_rules_but_does_not_change_them(rules, admin_client, model):
    rule = rules[model]
    base = f"/admin/supervision/{model}"
    assert admin_client.get(f"{base}/").status_code == 200
    assert admin_client.get(f"{base}/{rule.pk}/change/").status_code == 200
    assert admin_client.get(f"{base}/add/").status_code == 403
    assert admin_client.post(f"{base}/{rule.pk}/change/", {"active": ""}).status_code == 403
    assert admin_client.post(f"{base}/{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(rule).objects.filter(pk=rule.pk).exists()


def test_the_rule_list_is_not_editable_in_place(rules, admin_client):
    rule = rules["detectionrule"]
    page = admin_client.get("/admin/supervision/detectionrule/").content.decode()
    assert f'name="form-0-id" value="{rule.pk}"' not in page
    assert 'name="_save"' not in page
