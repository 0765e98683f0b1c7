"""Reads of notices and inquiries: the inbox of a user."""

from __future__ import annotations

import datetime

from cases.dates import today
from cases.permissions import Action, may
from supervision.choices import AWAITING_ANSWER_STATES, LetterState
from supervision.models import Inquiry, Notice
from supervision.services.notify import recipient_filters

# What the user is to do with an inbox item.
ANSWER, CLOSE, SEND = "answer", "close", "send"


def _item(letter, action: str, day: datetime.date) -> dict:
    return {
        "type": letter._meta.model_name,
        "id": letter.pk,
        "title": letter.title,
        "state": letter.state,
        "state_label": letter.get_state_display(),
        "deadline": letter.deadline,
        "overdue": letter.state in AWAITING_ANSWER_STATES and letter.deadline < day,
        "division_name": letter.division.name,
        "court_code": letter.court.code,
        "action": action,
        "issued_at": letter.issued_at,
    }


def inbox(*, user, day: datetime.date | None = None) -> list[dict]:
    """What waits on the user: letters addressed to them and not yet answered; for the office,
    answered letters to close or send back, and draft inquiries to review and send.
    Nearest deadline first."""
    day = day or today()
    items: list[dict] = []
    notice_filter, inquiry_filter = recipient_filters(user)
    related = ("court", "division")
    if notice_filter is not None:
        for notice in (
            Notice.objects.awaiting_answer().filter(notice_filter).select_related(*related)
        ):
            items.append(_item(notice, ANSWER, day))
    if inquiry_filter is not None:
        for inquiry in (
            Inquiry.objects.awaiting_answer().filter(inquiry_filter).select_related(*related)
        ):
            items.append(_item(inquiry, ANSWER, day))
    if may(user, Action.LETTER_CLOSE):
        for model in (Notice, Inquiry):
            answered = model.objects.in_scope(user).filter(state=LetterState.ANSWERED)
            for letter in answered.select_related(*related):
                items.append(_item(letter, CLOSE, day))
        drafts = Inquiry.objects.in_scope(user).filter(state=LetterState.DRAFT)
        for inquiry in drafts.select_related(*related):
            items.append(_item(inquiry, SEND, day))
    return sorted(items, key=lambda item: (item["deadline"], item["type"], item["id"]))
