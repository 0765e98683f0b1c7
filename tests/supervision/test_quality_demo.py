"""The demo's 评查 step (supervision/demo_quality.py) on a small demo city: a routine campaign
of the basic court sampled from its seed, reviewers of the city court only, most cases scored,
rectifications answered (the demo judge's, accepted) and open (one overdue)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from supervision.models import QualityCampaign, Rectification
from supervision.services.trail import user_court_id

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 30)


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    COURTDASH_TODAY=TODAY.isoformat(),
)
def test_the_demo_has_a_campaign_scored_across_courts_and_rectified():
    call_command(
        "seed_demo", "--cases", "1500", "--seed", "7", "--today", TODAY.isoformat(),
        "--monthly-reviews", "0", stdout=io.StringIO(),
    )  # fmt: skip
    campaign = QualityCampaign.objects.get()
    reviews = list(campaign.reviews.select_related("case", "reviewer"))
    assert campaign.seed and len(reviews) >= 5
    scored = [review for review in reviews if review.state == "scored"]
    assert len(scored) >= len(reviews) * 3 // 4
    assert all(user_court_id(review.reviewer) != review.case.court_id for review in reviews)
    states = set(Rectification.objects.values_list("state", flat=True))
    assert "accepted" in states and "open" in states
    assert Rectification.objects.filter(state="open", due_on__lt=TODAY).exists()
