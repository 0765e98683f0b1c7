"""The demo's 拟发改再事先沟通 (supervision/demo_consultations.py, step 12): on a demo city's
cases and accounts, consultations in every state — one awaiting the demo judge's answer (in
their queue, reminded today), one changed after the division head disagreed, one reversed as
intended whose appeal then closed 改判 and whose 发改再 review carries it, one overdue, one
referred to the adjudication committee."""

import datetime
import io

import pytest
from django.core.management import call_command

from cases.demo.accounts import DEMO_PASSWORD
from cases.demo.steps import DemoContext, demo_steps
from cases.models import User
from supervision.choices import ConsultOutcome, ConsultState, ReminderSubject
from supervision.demo_consultations import APPEAL_HEAD, consultations_demo
from supervision.models import Consultation, Reminder
from supervision.selectors.queue import queue
from supervision.services.consultations import consultation_review

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def demo(settings):
    settings.COURTDASH_TODAY = TODAY.isoformat()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command(
        "seed_demo", "--cases", "20000", "--seed", "2026", "--today", TODAY.isoformat(),
        "--no-supervision", "--monthly-reviews", "0", stdout=io.StringIO(),
    )  # fmt: skip
    consultations_demo(DemoContext(today=TODAY, seed=2026))


def test_the_step_is_registered_after_the_year_of_supervision():
    orders = {step.seed.__name__: step.order for step in demo_steps()}
    assert orders["consultations_demo"] == 12
    assert orders["supervision_demo"] < 12


def test_the_demo_has_consultations_in_every_state_and_one_carried_by_its_review(demo):
    consultations = list(Consultation.objects.select_related("original_case"))
    assert {c.state for c in consultations} == {ConsultState.AWAITING, ConsultState.CONCLUDED}
    outcomes = {c.outcome for c in consultations}
    assert {ConsultOutcome.CHANGED, ConsultOutcome.AS_INTENDED} <= outcomes
    reversed_one = next(c for c in consultations if c.outcome == ConsultOutcome.AS_INTENDED)
    review = consultation_review(reversed_one)
    assert review is not None and review.case == reversed_one.original_case

    judge = User.objects.get(username="demo_judge")
    items = queue(judge, day=TODAY, kind="consultation")
    assert [(item.action, item.due_on) for item in items] == [("answer", TODAY)]
    assert Reminder.objects.filter(
        subject_kind=ReminderSubject.CONSULTATION, recipient=judge
    ).exists()
    head = User.objects.get(username=APPEAL_HEAD)
    assert head.check_password(DEMO_PASSWORD)
    assert Consultation.objects.in_scope(head).count() == len(consultations)
