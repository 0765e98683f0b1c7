"""In-app notifications, and who a letter reaches: its recipients and their leader."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.choices import Role
from cases.models import User
from supervision.choices import RecipientKind
from supervision.models import Inquiry, Notice, Notification


def notify_users(
    *,
    users: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    notice: Notice | None = None,
    inquiry: Inquiry | None = None,
) -> list[Notification]:
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            title=title[:200],
            body=body,
            url=url,
            notice=notice,
            inquiry=inquiry,
            created_at=now,
        )
        for user in users
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Mark one's own notification read (anyone else's is not in their scope to begin with)."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all of one's unread notifications read; how many were."""
    return Notification.objects.in_scope(actor).unread().update(read_at=timezone.now())


def letter_url(letter: Notice | Inquiry) -> str:
    """The page of a letter, when the pages are installed."""
    name = "supervision:notice" if isinstance(letter, Notice) else "supervision:inquiry"
    try:
        return reverse(name, args=[letter.pk])
    except NoReverseMatch:
        return ""


def case_page_url(case, section: str = "") -> str:
    """A case's supervision page (its marks, measures, extensions), at `section`."""
    try:
        url = reverse("supervision:case", args=[case.pk])
    except NoReverseMatch:
        return ""
    return f"{url}#{section}" if section else url


def letter_recipients(letter: Notice | Inquiry) -> QuerySet[User]:
    """Who must answer: the judge's users; for a division, its analysts (the link between the
    division and the office), else its heads."""
    users = User.objects.filter(is_active=True)
    if isinstance(letter, Notice) and letter.recipient_kind == RecipientKind.JUDGE:
        return users.filter(role=Role.JUDGE, judge_id=letter.judge_id)
    analysts = users.filter(role=Role.ANALYST, division_id=letter.division_id)
    if analysts.exists():
        return analysts
    return users.filter(role=Role.DIVISION_HEAD, division_id=letter.division_id)


def letter_leaders(letter: Notice | Inquiry) -> QuerySet[User]:
    """The recipients' leader: the head of the division (of the judge, or the recipient one),
    unless that head is a recipient already."""
    recipients = letter_recipients(letter).values("pk")
    return User.objects.filter(
        is_active=True, role=Role.DIVISION_HEAD, division_id=letter.division_id
    ).exclude(pk__in=recipients)


def judge_users(judge_id: int | None) -> list[User]:
    """The accounts of a handling judge (who a case's measure, time limit… reminds)."""
    if judge_id is None:
        return []
    return list(User.objects.filter(is_active=True, role=Role.JUDGE, judge_id=judge_id))


def division_heads(division_id: int | None) -> list[User]:
    """The heads of a division (庭长): the leader above its judges."""
    if division_id is None:
        return []
    return list(
        User.objects.filter(is_active=True, role=Role.DIVISION_HEAD, division_id=division_id)
    )


def court_office(court_id: int) -> list[User]:
    """The office (审管办) of a court."""
    return list(User.objects.filter(is_active=True, role=Role.OFFICE, court_id=court_id))


def recipient_filters(user) -> tuple[Q | None, Q | None]:
    """The notices and the inquiries addressed to `user` (None: none can be): a judge's own;
    a division's, for its head and analysts. The one rule of who is addressed."""
    if user.role == Role.JUDGE and user.judge_id:
        return Q(recipient_kind=RecipientKind.JUDGE, judge_id=user.judge_id), None
    if user.role in (Role.DIVISION_HEAD, Role.ANALYST) and user.division_id:
        division = Q(division_id=user.division_id)
        return division & Q(recipient_kind=RecipientKind.DIVISION), division
    return None, None


def is_letter_recipient(user: User, letter: Notice | Inquiry) -> bool:
    """Who may acknowledge and answer (`recipient_filters` for one letter in hand): the judge;
    for a division, its head and analysts."""
    if isinstance(letter, Notice) and letter.recipient_kind == RecipientKind.JUDGE:
        return user.role == Role.JUDGE and user.judge_id == letter.judge_id
    return (
        user.role in (Role.DIVISION_HEAD, Role.ANALYST) and user.division_id == letter.division_id
    )
