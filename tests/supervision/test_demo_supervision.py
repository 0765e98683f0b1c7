"""seed_demo's year of supervision (supervision/demo.py, reports/demo.py through
cases.demo.steps): a demo city seeded once for the module, with its supervision, targets,
findings and one month of monthly reviews, rolled back at the end."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from cases.demo import demo_seed
from cases.demo.people import DEMO_BASIC_COURT
from cases.demo.steps import demo_steps
from cases.models import Court, User
from reports.models import Finding, HealthCheckRun, MonthlyReport, QuarterlyTarget
from supervision.choices import LetterState, MarkState, ReviewState, TraceKind
from supervision.models import (
    CampaignCase,
    ClearanceCampaign,
    ExtensionApprover,
    ExtensionRequest,
    FourTypeMark,
    Inquiry,
    Measure,
    Notice,
    Notification,
    Referral,
    Reminder,
    ReversalReview,
    SmsMessage,
    TraceEntry,
)
from supervision.selectors.queue import queue_counts

# One worker for the module: its demo (20,000 cases, about 40 s) is built once, not once per
# worker its tests are dealt to.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_supervision")]
TODAY = datetime.date(2026, 11, 20)
SEED = 2026
COUNT = 20_000
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SETTINGS = {"PASSWORD_HASHERS": FAST_HASHER, "COURTDASH_TODAY": TODAY.isoformat()}
COUNTED = [
    Notice, Inquiry, FourTypeMark, Measure, Referral, ExtensionRequest, ExtensionApprover,
    ClearanceCampaign, CampaignCase, ReversalReview, Reminder, SmsMessage, Notification,
    TraceEntry, QuarterlyTarget,
]  # fmt: skip


def counts() -> dict[str, int]:
    found = {model.__name__: model.objects.count() for model in COUNTED}
    yesterday = TODAY - datetime.timedelta(days=1)
    return {**found, "findings": Finding.objects.filter(run__as_of=yesterday).count()}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(**SETTINGS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command(
                "seed_demo", "--cases", str(COUNT), "--seed", str(SEED),
                "--today", TODAY.isoformat(), "--monthly-reviews", "1", stdout=out,
            )  # fmt: skip
            yield {"output": out.getvalue(), "counts": counts()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _settings(settings):
    for name, value in SETTINGS.items():
        setattr(settings, name, value)


def user(username: str) -> User:
    return User.objects.select_related("judge", "division", "court").get(username=username)


def states(queryset) -> set[str]:
    return set(queryset.values_list("state", flat=True))


def test_the_steps_are_found_in_each_apps_demo_module_and_timed(demo):
    # Found through each app's `demo` module (which registers its mechanisms' steps too), in
    # order: a year of supervision, then what builds on it, the reports, and what reads them.
    assert [(step.order, step.seed.__module__) for step in demo_steps()] == [
        (10, "supervision.demo"),
        (12, "supervision.demo_consultations"),
        (14, "supervision.demo_quality"),
        (15, "supervision.demo_effects"),
        (19, "reports.ranges_demo"),  # the reviews (20) and the meeting (24) read the ranges
        (20, "reports.demo"),
        (22, "reports.talks.demo"),
        (24, "reports.meeting_demo"),
        (40, "supervision.demo_effects"),
    ]
    for step in demo_steps():
        assert f"{step.name}：" in demo["output"]


def test_notices_and_inquiries_in_every_state_in_the_demo_units(demo):
    judge, head = user("demo_judge"), user("demo_division_head")
    basic = Court.objects.get(code=DEMO_BASIC_COURT)
    assert states(Notice.objects.all()) == {
        LetterState.SENT, LetterState.ACKNOWLEDGED, LetterState.ANSWERED, LetterState.RETURNED,
        LetterState.CLOSED,
    }  # fmt: skip
    assert states(Inquiry.objects.all()) == set(LetterState.values)
    to_judge = Notice.objects.filter(judge=judge.judge)
    assert to_judge.count() >= 6
    for notice in to_judge:
        assert (notice.court_id, notice.division_id) == (basic.pk, head.division_id)
        assert {case.judge_id for case in notice.cases.all()} == {judge.judge_id}
    # Overdue and unanswered, answered and awaiting the office, answered on time and closed.
    assert to_judge.filter(state=LetterState.SENT, deadline__lt=TODAY).exists()
    assert to_judge.filter(state=LetterState.SENT, deadline__gte=TODAY).exists()
    closed = to_judge.filter(state=LetterState.CLOSED)
    assert all(n.issued_at < n.answered_at < n.closed_at for n in closed)
    assert min(n.issued_at.date() for n in closed) < TODAY - datetime.timedelta(days=250)
    handwritten = Inquiry.objects.filter(abnormalities__isnull=True)
    assert set(handwritten.values_list("division_id", flat=True)) == {head.division_id}
    # The city office wrote to other divisions of the city too.
    assert (
        Notice.objects.filter(issued_by__username="demo_office")
        .exclude(division=head.division)
        .exists()
    )


def test_four_type_marks_measures_and_a_referral_on_the_demo_division(demo):
    judge, head = user("demo_judge"), user("demo_division_head")
    division_marks = FourTypeMark.objects.filter(case__division=head.division_id)
    assert {MarkState.MARKED, MarkState.CONFIRMED, MarkState.REMOVED} <= states(division_marks)
    assert FourTypeMark.objects.filter(state=MarkState.SUGGESTED).exists()
    measures = Measure.objects.filter(case__judge_id=judge.judge_id)
    assert measures.filter(responded_at__isnull=False).exists()
    assert measures.filter(responded_at__isnull=True, deadline__gte=TODAY).exists()
    assert measures.filter(responded_at__isnull=True, deadline__lt=TODAY).exists()
    assert set(Measure.objects.values_list("taken_by__username", flat=True)) == {
        "demo_division_head"
    }
    assert Referral.objects.filter(case__judge_id=judge.judge_id, result_at__isnull=False).exists()


def test_extension_requests_decided_and_awaiting_the_basic_courts_approver(demo):
    judge = user("demo_judge")
    approver = ExtensionApprover.objects.get(court__code=DEMO_BASIC_COURT)
    assert approver.user.username == "demo_office_basic"
    requests = ExtensionRequest.objects.all()
    assert states(requests) == {"pending", "approved", "rejected"}
    assert set(requests.values_list("case__judge_id", flat=True)) == {judge.judge_id}
    assert requests.filter(state="pending").count() == 2


def test_a_clearance_campaign_with_leaders_named(demo):
    campaign = ClearanceCampaign.objects.get(court__code=DEMO_BASIC_COURT)
    entries = CampaignCase.objects.filter(campaign=campaign)
    assert entries.exists()
    named = entries.filter(leader__isnull=False)
    assert named.exists()
    assert set(named.values_list("leader__username", flat=True)) <= {
        "demo_division_head", "demo_office_basic",
    }  # fmt: skip
    assert ClearanceCampaign.objects.filter(court__code="苏05").exists()


def test_reversal_reviews_reviewed_and_objected_to(demo):
    judge = user("demo_judge")
    assert {ReviewState.PENDING, ReviewState.REVIEWED, ReviewState.OBJECTED} <= states(
        ReversalReview.objects.all()
    )
    objected = ReversalReview.objects.get(state=ReviewState.OBJECTED)
    assert objected.case.judge_id == judge.judge_id
    assert objected.reviewed_at < objected.objected_at


def test_abnormality_drafts_findings_and_reminders(demo):
    assert Inquiry.objects.filter(state=LetterState.DRAFT, abnormalities__isnull=False).exists()
    assert Inquiry.objects.filter(state=LetterState.SENT, abnormalities__isnull=False).exists()
    run = HealthCheckRun.objects.get(as_of=TODAY - datetime.timedelta(days=1))
    assert run.status == "done"
    assert Finding.objects.filter(run=run).exists()
    sent = Reminder.objects.filter(sent_at__isnull=False)
    assert sent.exists()
    assert SmsMessage.objects.exists()
    assert sent.filter(recipient__username="demo_division_head").exists()  # the leader's


def test_quarterly_targets_and_kept_monthly_reviews(demo):
    quarters = set(QuarterlyTarget.objects.values_list("quarter", flat=True))
    assert quarters == {1, 2, 3, 4}
    assert set(QuarterlyTarget.objects.values_list("scope", flat=True)) == {
        "city", "court", "division",
    }  # fmt: skip
    reports = MonthlyReport.objects.filter(month=datetime.date(2026, 10, 1))
    assert {(r.scope, r.court.code if r.court else None) for r in reports} == {
        ("city", None), ("court", "苏05"), ("court", DEMO_BASIC_COURT),
    }  # fmt: skip
    for report in reports:
        files = {doc.kind: bytes(doc.content) for doc in report.documents.all()}
        assert files["pdf"].startswith(b"%PDF")
        assert files["xlsx"].startswith(b"PK")


def test_the_trail_and_the_messages_tell_the_story(demo):
    kinds = set(TraceEntry.objects.values_list("kind", flat=True))
    assert {
        TraceKind.NOTICE_ISSUED, TraceKind.INQUIRY_SENT, TraceKind.LETTER_ANSWERED,
        TraceKind.LETTER_RETURNED, TraceKind.LETTER_CLOSED, TraceKind.MARKED,
        TraceKind.MARK_CONFIRMED, TraceKind.MEASURE_TAKEN, TraceKind.MEASURE_RESPONDED,
        TraceKind.EXTENSION_REQUESTED, TraceKind.EXTENSION_APPROVED, TraceKind.REVIEW_OBJECTED,
        TraceKind.CAMPAIGN_ASSIGNED, TraceKind.APPROVER_DESIGNATED,
    } <= kinds  # fmt: skip
    mine = Notification.objects.filter(recipient__username="demo_judge")
    assert mine.filter(read_at__isnull=True).exists()
    old = mine.filter(created_at__date__lt=TODAY - datetime.timedelta(days=30))
    assert old.exists()
    assert not old.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("username", "kinds"),
    [
        ("demo_judge", {"notice", "measure", "deadline"}),
        ("demo_division_head", {"notice", "inquiry", "mark"}),
        ("demo_office_basic", {"notice", "inquiry", "draft", "extension", "review"}),
        ("demo_office", {"notice", "draft", "review"}),
    ],
)
def test_each_working_account_finds_work_in_its_queue(demo, client, username, kinds):
    counts = queue_counts(user(username), TODAY)
    assert {kind for kind, n in counts.items() if n} >= kinds
    client.force_login(user(username))
    assert client.get(reverse("supervision:inbox")).status_code == 200


@pytest.mark.parametrize("username", ["demo_court_leader", "demo_party"])
def test_the_leaders_see_the_kept_monthly_reviews(demo, client, username):
    client.force_login(user(username))
    page = client.get(reverse("reports:monthly_list")).content.decode()
    assert page.count("data-report=") == 3
    assert "2026-10" in page


def test_seeding_again_with_reset_writes_the_same_and_nothing_twice(demo):
    demo_seed(count=COUNT, seed=SEED, today=TODAY, reset=True, steps=True, monthly_reviews=0)
    assert counts() == demo["counts"]
    assert not MonthlyReport.objects.exists()  # none asked for this time
