"""Reminders for everything that has a due date (提示短信 + 提醒领导), each sent once.

What is due comes from one registry, SOURCES: one source per kind of subject (notices,
inquiries, measures, campaign cases, answers to review objections, extension decisions, cases'
time limits). A source says which of its open subjects are due near a day, the date each is
due, who is responsible for it, and how to name it. The stages, relative to the due date:

    before_15  15 to 6 days before (time limits only)       the person responsible
    before_5   5 to 1 days before (time limits only)        the person responsible
    due        on the day (all but letters)                 the person responsible
    overdue    from the day after                           the person responsible
    escalate_1 from the day after                           the division head (庭长)
    escalate_2 from COURTDASH_REMINDER_ESCALATE_DAYS after  the court leaders who lead the
                                                            division (分管院领导, DivisionLeader)

A stage missed (the job did not run that day) is sent at the next run inside its window; an
overdue subject is reminded only within COURTDASH_REMINDER_LOOKBACK_DAYS of its due date (so a
first run over an old import does not flood anyone). Nobody is reminded at two levels of one
subject: a person responsible is not also its leader. A new due date (a letter returned with a
new deadline, a time limit extended) is a new set of reminders.

Each person gets a reminder in the app, by e-mail when they have an address and want it, and
by SMS when they have a mobile number and want it (supervision.Contact, their "my settings").

Sent once. The key of a reminder is (subject kind, subject id, recipient, stage, channel, due
date). A run claims a reminder by inserting its row (INSERT … ON CONFLICT DO NOTHING RETURNING
id — only the run whose insert lands gets the id) and commits the claim before sending. Then:

- in-app and e-mail, per reminder, in one transaction: lock the row (SKIP LOCKED), deliver,
  mark it sent;
- SMS, per person, in one transaction: lock the person's Contact row (SKIP LOCKED: another run
  is bundling for them), check that no reminder SMS went to them today, lock all their pending
  SMS reminders, send ONE SMS listing them all, record it (SmsMessage with recipient and day,
  unique per person and day) and mark every bundled reminder sent with a link to it.

Crash and failure cases:

- A run dies after claiming, before sending: the claims stay pending, their locks died with
  the connection; once older than COURTDASH_REMINDER_STALE_MINUTES a later run takes them over
  (an UPDATE … WHERE state = 'pending' AND claimed_at < cutoff, SKIP LOCKED) and sends them.
- A run dies inside a delivery transaction: everything it wrote (in-app message, SMS record,
  the sent marks, the trail) rolls back and the reminders are taken over later. Only an
  e-mail or an HTTP SMS already handed over in that instant can go out again; the HTTP
  gateway gets a reference that is stable per person and day for a bundle (per reminder for a
  single message), so the gateway can drop the repeat.
- The gateway refuses or fails: the bundle's transaction rolls back; its reminders stay
  pending with the error and are retried once stale (no SMS was recorded that day).
- A person's SMS of the day has gone out and another SMS reminder for them falls due later
  that day: it is held (pending, and not taken over while that SMS of today exists) and goes
  out in the next day's SMS. So one person gets at most one reminder SMS a day.
- A person turned SMS off (or removed the number) between the claim and the sending: their
  SMS reminders are marked done without an SMS, with that as the note.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.dates import today
from cases.models import Case, User
from supervision.choices import (
    Channel,
    ExtensionState,
    ReminderKind,
    ReminderStage,
    ReminderState,
    ReminderSubject,
    ReviewState,
    TraceKind,
)
from supervision.models import (
    CampaignCase,
    Contact,
    DivisionLeader,
    ExtensionApprover,
    ExtensionRequest,
    Inquiry,
    Measure,
    Notice,
    Reminder,
    ReversalReview,
    SmsMessage,
)
from supervision.services.notify import (
    case_page_url,
    court_office,
    division_heads,
    judge_users,
    letter_leaders,
    letter_recipients,
    letter_url,
    notify_users,
)
from supervision.services.trail import trail_record
from supervision.sms import get_gateway

logger = logging.getLogger("courtdash.reminders")

Stage = ReminderStage
RECIPIENT_STAGES = (Stage.BEFORE_15, Stage.BEFORE_5, Stage.DUE, Stage.OVERDUE)
LETTER_STAGES = (Stage.OVERDUE, Stage.ESCALATE_1, Stage.ESCALATE_2)
TASK_STAGES = (Stage.DUE, Stage.OVERDUE, Stage.ESCALATE_1, Stage.ESCALATE_2)
TIME_LIMIT_STAGES = (Stage.BEFORE_15, Stage.BEFORE_5, *TASK_STAGES)


@dataclass
class ReminderRun:
    claimed: int = 0
    retried: int = 0
    sent: int = 0
    failed: int = 0
    held: int = 0  # SMS reminders waiting for the next day's SMS of their recipient
    sms: int = 0  # SMS handed to the gateway
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "claimed": self.claimed,
            "retried": self.retried,
            "sent": self.sent,
            "failed": self.failed,
            "held": self.held,
            "sms": self.sms,
        }


# When


def stage_due(stage: str, due_on: datetime.date, day: datetime.date) -> bool:
    """Whether `stage` of a subject due on `due_on` falls due on `day` (inside its window)."""
    offset = (day - due_on).days
    if offset > settings.COURTDASH_REMINDER_LOOKBACK_DAYS:
        return False
    if stage == Stage.BEFORE_15:
        return -15 <= offset < -5
    if stage == Stage.BEFORE_5:
        return -5 <= offset < 0
    if stage == Stage.DUE:
        return offset == 0
    if stage in (Stage.OVERDUE, Stage.ESCALATE_1):
        return offset >= 1
    return offset >= settings.COURTDASH_REMINDER_ESCALATE_DAYS  # ESCALATE_2


def _window(day: datetime.date, stages: Iterable[str]) -> tuple[datetime.date, datetime.date]:
    """The due dates a source must look at on `day`: from the lookback to the earliest stage."""
    ahead = 15 if Stage.BEFORE_15 in stages else 5 if Stage.BEFORE_5 in stages else 0
    lookback = settings.COURTDASH_REMINDER_LOOKBACK_DAYS
    return day - datetime.timedelta(days=lookback), day + datetime.timedelta(days=ahead)


# Who


def division_leaders(division_id: int | None) -> list[User]:
    """The court leaders who lead the division (分管院领导), as the office recorded them."""
    if division_id is None:
        return []
    return [
        row.user
        for row in DivisionLeader.objects.filter(division_id=division_id, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ]


def court_approver(court_id: int) -> list[User]:
    approver = ExtensionApprover.objects.filter(court_id=court_id).select_related("user").first()
    return [approver.user] if approver is not None and approver.user.is_active else []


# One run asks for the same judge's, division's or court's people many times (a judge has
# many cases): asked once per run.
_people_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "reminder_people", default=None
)


def _people(lookup, key) -> list[User]:
    cache = _people_cache.get()
    if cache is None:
        return lookup(key)
    if (lookup, key) not in cache:
        cache[lookup, key] = lookup(key)
    return list(cache[lookup, key])


# What: the registry of sources


class Source:
    """One kind of subject that falls due. Subclasses say which subjects, when, who, what."""

    kind: ReminderSubject
    stages: tuple[str, ...] = TASK_STAGES
    due_word: str = ""  # 回复期限, 审限届满日…
    section: str = ""  # of the case's supervision page

    def subjects(self, day: datetime.date) -> Iterable:
        """The open subjects whose due date lies in the window of `day`."""
        raise NotImplementedError

    def due_on(self, subject) -> datetime.date:
        raise NotImplementedError

    def responsible(self, subject) -> list[User]:
        return _people(judge_users, self.case(subject).judge_id)

    def division_id(self, subject) -> int | None:
        return self.case(subject).division_id

    def escalate_1(self, subject) -> list[User]:
        return _people(division_heads, self.division_id(subject))

    def escalate_2(self, subject) -> list[User]:
        return _people(division_leaders, self.division_id(subject))

    def name(self, subject) -> str:
        """How the texts call the subject (案件…的监督管理措施)."""
        raise NotImplementedError

    def who(self, subject) -> str:
        """Who is responsible, for the leader's text."""
        return self.case(subject).judge.name

    def case(self, subject) -> Case | None:
        return subject.case

    def letter(self, subject) -> Notice | Inquiry | None:
        return None

    def court_id(self, subject) -> int | None:
        """The court whose trail records the reminder of a subject about no case nor letter
        (a talk's commitment, a meeting's action)."""
        return None

    def url(self, subject) -> str:
        case = self.case(subject)
        return case_page_url(case, self.section) if case is not None else ""

    def get(self, subject_id: int):
        """The subject of a claimed reminder, with what its texts need."""
        raise NotImplementedError

    def levels(self, subject) -> list[tuple[str, list[User]]]:
        """(stage, users) for every stage of this source, up the chain: the people responsible,
        the division head, the division's court leaders; nobody at two levels."""
        chain = (
            ([s for s in self.stages if s in RECIPIENT_STAGES], self.responsible),
            ([s for s in self.stages if s == Stage.ESCALATE_1], self.escalate_1),
            ([s for s in self.stages if s == Stage.ESCALATE_2], self.escalate_2),
        )
        seen: set[int] = set()
        levels: list[tuple[str, list[User]]] = []
        for stages, people_of in chain:
            if not stages:
                continue
            users = [user for user in people_of(subject) if user.pk not in seen]
            seen.update(user.pk for user in users)
            levels.extend((stage, users) for stage in stages)
        return levels


def _reverse(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


class LetterSource(Source):
    model: type
    stages = LETTER_STAGES

    def subjects(self, day):
        start, _end = _window(day, self.stages)
        return (
            self.model.objects.overdue(day)
            .filter(deadline__gte=start)
            .select_related(*self.related)
        )

    def get(self, subject_id):
        return self.model.objects.select_related(*self.related).get(pk=subject_id)

    def due_on(self, subject):
        return subject.deadline

    def responsible(self, subject):
        return list(letter_recipients(subject))

    def division_id(self, subject):
        return subject.division_id

    def escalate_1(self, subject):
        return list(letter_leaders(subject))

    def case(self, subject):
        return None

    def letter(self, subject):
        return subject

    def url(self, subject):
        return letter_url(subject)

    def who(self, subject):
        judge = getattr(subject, "judge", None)
        return judge.name if judge is not None else subject.division.name


class NoticeSource(LetterSource):
    kind = ReminderSubject.NOTICE
    model = Notice
    related = ("judge", "division")

    @property
    def due_word(self):
        return _("答复期限")

    def name(self, subject):
        return _("督办通知《%(title)s》") % {"title": subject.title}


class InquirySource(LetterSource):
    kind = ReminderSubject.INQUIRY
    model = Inquiry
    related = ("division",)

    @property
    def due_word(self):
        return _("答复期限")

    def name(self, subject):
        return _("异常函询《%(title)s》") % {"title": subject.title}


class MeasureSource(Source):
    kind = ReminderSubject.MEASURE
    section = "measures"

    @property
    def due_word(self):
        return _("回复期限")

    def subjects(self, day):
        start, end = _window(day, self.stages)
        return (
            Measure.objects.awaiting_response()
            .filter(deadline__range=(start, end), case__closed_on__isnull=True)
            .select_related("case__judge")
        )

    def get(self, subject_id):
        return Measure.objects.select_related("case__judge").get(pk=subject_id)

    def due_on(self, subject):
        return subject.deadline

    def name(self, subject):
        return _("案件%(case)s的监督管理措施（%(measure)s）") % {
            "case": subject.case.case_number,
            "measure": subject.get_kind_display(),
        }


class CampaignCaseSource(Source):
    """A case on a clearance campaign's list, due at its own target date, else the campaign's;
    the judge and the leader in charge of it (包案领导) are responsible."""

    kind = ReminderSubject.CAMPAIGN_CASE

    @property
    def due_word(self):
        return _("目标结案日期")

    def _rows(self):
        return CampaignCase.objects.select_related("case__judge", "campaign", "leader").annotate(
            due=Coalesce(F("target_on"), F("campaign__target_on"))
        )

    def subjects(self, day):
        start, end = _window(day, self.stages)
        return self._rows().filter(case__closed_on__isnull=True, due__range=(start, end))

    def get(self, subject_id):
        return self._rows().get(pk=subject_id)

    def due_on(self, subject):
        return subject.due

    def responsible(self, subject):
        users = _people(judge_users, subject.case.judge_id)
        if subject.leader is not None and subject.leader.is_active:
            users.append(subject.leader)
        return users

    def url(self, subject):
        return _reverse("supervision:campaign", subject.campaign_id)

    def name(self, subject):
        return _("清理攻坚（%(campaign)s）案件%(case)s") % {
            "campaign": subject.campaign.name,
            "case": subject.case.case_number,
        }


class ReviewSource(Source):
    """A judge's objection to a 发改再 review, to be answered by the reviewer (else the court's
    office) within COURTDASH_REVIEW_ANSWER_DAYS. The office has no division head above it: an
    overdue answer goes to the court leaders who lead the judge's division."""

    kind = ReminderSubject.REVIEW
    stages = (Stage.DUE, Stage.OVERDUE, Stage.ESCALATE_2)

    @property
    def due_word(self):
        return _("异议答复期限")

    def subjects(self, day):
        start, end = _window(day, self.stages)
        days = settings.COURTDASH_REVIEW_ANSWER_DAYS
        return [
            review
            for review in ReversalReview.objects.filter(
                state=ReviewState.OBJECTED,
                objected_at__date__gte=start - datetime.timedelta(days=days + 1),
            ).select_related("case__judge", "reviewer")
            if start <= self.due_on(review) <= end
        ]

    def get(self, subject_id):
        return ReversalReview.objects.select_related("case__judge", "reviewer").get(pk=subject_id)

    def due_on(self, subject):
        objected = timezone.localdate(subject.objected_at)
        return objected + datetime.timedelta(days=settings.COURTDASH_REVIEW_ANSWER_DAYS)

    def responsible(self, subject):
        if subject.reviewer is not None and subject.reviewer.is_active:
            return [subject.reviewer]
        return _people(court_office, subject.case.court_id)

    def who(self, subject):
        return _("审管办")

    def name(self, subject):
        return _("案件%(case)s发改再评查的原审法官异议") % {"case": subject.case.case_number}

    def url(self, subject):
        return _reverse("supervision:review", subject.pk)


class ExtensionSource(Source):
    """A request to extend a time limit, to be decided by the court's designated approver
    within COURTDASH_EXTENSION_DECISION_DAYS of the request, and before the time limit runs
    out. Above the approver: the court leaders who lead the case's division."""

    kind = ReminderSubject.EXTENSION
    section = "extensions"
    stages = (Stage.DUE, Stage.OVERDUE, Stage.ESCALATE_2)

    @property
    def due_word(self):
        return _("审批期限")

    def subjects(self, day):
        start, end = _window(day, self.stages)
        days = settings.COURTDASH_EXTENSION_DECISION_DAYS
        return [
            request
            for request in ExtensionRequest.objects.filter(
                state=ExtensionState.PENDING,
                requested_at__date__gte=start - datetime.timedelta(days=days + 1),
            ).select_related("case__judge")
            if start <= self.due_on(request) <= end
        ]

    def get(self, subject_id):
        return ExtensionRequest.objects.select_related("case__judge").get(pk=subject_id)

    def due_on(self, subject):
        requested = timezone.localdate(subject.requested_at)
        due = requested + datetime.timedelta(days=settings.COURTDASH_EXTENSION_DECISION_DAYS)
        if subject.deadline_at_request and requested <= subject.deadline_at_request < due:
            return subject.deadline_at_request
        return due

    def responsible(self, subject):
        return _people(court_approver, subject.case.court_id)

    def who(self, subject):
        return _("审限变更审批人")

    def name(self, subject):
        return _("案件%(case)s延长审限%(days)s日的申请") % {
            "case": subject.case.case_number,
            "days": subject.days,
        }


class TimeLimitSource(Source):
    """A pending case's time limit (审限): its judge at 15 and 5 days before it runs out and on
    the day (the seed's 提示短信), then the leaders."""

    kind = ReminderSubject.TIME_LIMIT
    stages = TIME_LIMIT_STAGES

    @property
    def due_word(self):
        return _("审限届满日")

    def subjects(self, day):
        start, end = _window(day, self.stages)
        return Case.objects.pending().filter(deadline__range=(start, end)).select_related("judge")

    def get(self, subject_id):
        return Case.objects.select_related("judge").get(pk=subject_id)

    def due_on(self, subject):
        return subject.deadline

    def case(self, subject):
        return subject

    def name(self, subject):
        return _("案件%(case)s的审限") % {"case": subject.case_number}


SOURCES: dict[str, Source] = {
    source.kind.value: source
    for source in (
        NoticeSource(),
        InquirySource(),
        MeasureSource(),
        CampaignCaseSource(),
        ReviewSource(),
        ExtensionSource(),
        TimeLimitSource(),
    )
}


def register_source(source: Source) -> Source:
    """Add (or replace) the source of one kind of subject. supervision's own are listed above;
    an app above supervision (reports: the data-review meeting's actions) registers its own
    from its AppConfig.ready, as it does its work-queue kinds."""
    SOURCES[source.kind.value] = source
    return source


# Claiming


def channels_of(user: User, contact: Contact | None) -> list[Channel]:
    """The channels a person is reminded by: the app always; e-mail and SMS as they chose."""
    channels = [Channel.IN_APP]
    if user.email and (contact is None or contact.email_enabled):
        channels.append(Channel.EMAIL)
    if contact is not None and contact.mobile and contact.sms_enabled:
        channels.append(Channel.SMS)
    return channels


def _due_rows(day: datetime.date) -> list[tuple]:
    """(subject_kind, subject_id, notice_id, inquiry_id, recipient_id, kind, stage, channel,
    due_on) of every reminder due on `day` and not claimed yet."""
    targets: list[tuple] = []  # (source, subject, stage, user)
    for source in SOURCES.values():
        subjects = list(source.subjects(day))
        if not subjects:
            continue
        claimed = set(
            Reminder.objects.filter(
                subject_kind=source.kind, subject_id__in=[s.pk for s in subjects]
            ).values_list("subject_id", "recipient_id", "stage", "channel", "due_on")
        )
        for subject in subjects:
            due_on = source.due_on(subject)
            for stage, users in source.levels(subject):
                if not stage_due(stage, due_on, day):
                    continue
                for user in users:
                    targets.append((source, subject, due_on, stage, user, claimed))
    contacts = Contact.objects.in_bulk({t[4].pk for t in targets}, field_name="user_id")
    rows: dict[tuple, tuple] = {}
    for source, subject, due_on, stage, user, claimed in targets:
        letter = source.letter(subject)
        for channel in channels_of(user, contacts.get(user.pk)):
            if (subject.pk, user.pk, stage, channel.value, due_on) in claimed:
                continue
            kind = ReminderKind.RECIPIENT if stage in RECIPIENT_STAGES else ReminderKind.LEADER
            key = (source.kind.value, subject.pk, user.pk, stage, channel.value, due_on)
            rows[key] = (
                source.kind.value,
                subject.pk,
                letter.pk if isinstance(letter, Notice) else None,
                letter.pk if isinstance(letter, Inquiry) else None,
                user.pk,
                kind.value,
                str(stage),
                channel.value,
                due_on,
            )
    return list(rows.values())


def _claim_new(rows: list[tuple]) -> list[tuple[int, str, int]]:
    """Insert the claims; (id, channel, recipient_id) of those this run won."""
    claimed = []
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        values = ", ".join(
            ["(%s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', now(), 1, '')"] * len(batch)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO supervision_reminder
                  (subject_kind, subject_id, notice_id, inquiry_id, recipient_id, kind, stage,
                   channel, due_on, state, claimed_at, attempts, error)
                VALUES {values}
                ON CONFLICT DO NOTHING
                RETURNING id, channel, recipient_id
                """,
                [value for row in batch for value in row],
            )
            claimed.extend(cursor.fetchall())
    return claimed


def _claim_stale(day: datetime.date) -> list[tuple[int, str, int]]:
    """Take over the claims of runs that died; not an SMS reminder held for tomorrow's SMS."""
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.COURTDASH_REMINDER_STALE_MINUTES)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE supervision_reminder SET claimed_at = now(), attempts = attempts + 1
            WHERE id IN (
              SELECT r.id FROM supervision_reminder r
              WHERE r.state = 'pending' AND r.claimed_at < %(cutoff)s
                AND NOT (r.channel = 'sms' AND EXISTS (
                  SELECT 1 FROM supervision_smsmessage m
                  WHERE m.recipient_id = r.recipient_id AND m.day = %(day)s))
              FOR UPDATE OF r SKIP LOCKED
            )
            RETURNING id, channel, recipient_id
            """,
            {"cutoff": cutoff, "day": day},
        )
        return cursor.fetchall()


# Sending


def _values(reminder: Reminder, source: Source, subject, day: datetime.date) -> dict:
    return {
        "subject": source.name(subject),
        "due_word": source.due_word,
        "due": reminder.due_on.isoformat(),
        "days": (reminder.due_on - day).days,
        "late": (day - reminder.due_on).days,
        "who": source.who(subject),
        "case": getattr(source.case(subject), "case_number", ""),
    }


def texts(reminder: Reminder, source: Source, subject, day: datetime.date) -> tuple[str, str]:
    values = _values(reminder, source, subject, day)
    stage = reminder.stage
    if stage in (Stage.BEFORE_15, Stage.BEFORE_5):
        title = _("【提示】%(subject)s还有%(days)s天到期") % values
        body = _("%(subject)s的%(due_word)s为%(due)s，还有%(days)s天，请抓紧办理。") % values
    elif stage == Stage.DUE:
        title = _("【提示】%(subject)s今日到期") % values
        body = _("%(subject)s的%(due_word)s为今日（%(due)s），请及时办理。") % values
    elif stage == Stage.OVERDUE and source.kind == ReminderSubject.TIME_LIMIT:
        title = _("【超审限】案件%(case)s已超过审限") % values
        body = (
            _(
                "案件%(case)s的审限届满日为%(due)s，已超审限%(late)s天，请尽快结案或依法办理审限变更。"
            )
            % values
        )
    elif stage == Stage.OVERDUE:
        title = _("【催办】%(subject)s已超过%(due_word)s") % values
        body = _("%(subject)s的%(due_word)s为%(due)s，至今未办理，请尽快办理。") % values
    elif source.kind == ReminderSubject.TIME_LIMIT:
        values["leader"] = _("提醒领导") if stage == Stage.ESCALATE_1 else _("提醒分管院领导")
        title = _("【%(leader)s】%(who)s承办的案件%(case)s已超审限") % values
        body = (
            _("%(who)s承办的案件%(case)s审限届满日为%(due)s，已超审限%(late)s天，请督促办理。")
            % values
        )
    else:
        leader = _("提醒领导") if stage == Stage.ESCALATE_1 else _("提醒分管院领导")
        values["leader"] = leader
        title = _("【%(leader)s】%(who)s的%(subject)s逾期未办理") % values
        body = (
            _("%(who)s的%(subject)s%(due_word)s为%(due)s，已逾期%(late)s天，请督促办理。") % values
        )
    return title, body


def _trail(reminder: Reminder, source: Source, subject, title: str) -> None:
    trail_record(
        kind=TraceKind.REMINDER_SENT,
        actor=None,
        obj=reminder,
        case=source.case(subject),
        letter=source.letter(subject),
        court_id=source.court_id(subject),
        note=title,
        detail={
            "recipient": reminder.recipient.get_username(),
            "subject_kind": reminder.subject_kind,
            "subject_id": reminder.subject_id,
            "stage": reminder.stage,
            "channel": reminder.channel,
            "due_on": reminder.due_on.isoformat(),
        },
    )


def _subject(reminder: Reminder):
    """The source and the subject of a reminder (None: the subject was deleted since)."""
    source = SOURCES[reminder.subject_kind]
    try:
        return source, source.get(reminder.subject_id)
    except ObjectDoesNotExist:
        return source, None


GONE = gettext_lazy("事项已删除，未发送")


def _deliver(reminder: Reminder, day: datetime.date) -> bool:
    """Send one in-app or e-mail reminder; False when its subject is gone (nothing sent)."""
    source, subject = _subject(reminder)
    if subject is None:
        return False
    title, body = texts(reminder, source, subject, day)
    user = reminder.recipient
    if reminder.channel == Channel.IN_APP:
        letter = source.letter(subject)
        notify_users(
            users=[user],
            title=title,
            body=body,
            url=source.url(subject),
            **({letter._meta.model_name: letter} if letter is not None else {}),
        )
    else:
        send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    _trail(reminder, source, subject, title)
    return True


def _failed(ids: list[int], error: Exception, run: ReminderRun) -> None:
    run.failed += len(ids)
    run.errors.append(f"{ids}: {error}")
    # Left pending: a later run retries them once the claim is stale.
    Reminder.objects.filter(pk__in=ids, state=ReminderState.PENDING).update(error=str(error)[:2000])


def _send_one(reminder_id: int, day: datetime.date, run: ReminderRun) -> None:
    try:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=reminder_id, state=ReminderState.PENDING)
                .first()
            )
            if reminder is None:  # sent meanwhile, or being sent by another run right now
                return
            delivered = _deliver(reminder, day)
            reminder.state = ReminderState.SENT
            reminder.sent_at = timezone.now()
            reminder.error = "" if delivered else str(GONE)
            reminder.save(update_fields=["state", "sent_at", "error"])
            run.sent += 1
    except Exception as error:  # one bad address must not stop the others
        logger.exception("reminder %s not sent", reminder_id)
        _failed([reminder_id], error, run)


def bundle_text(lines: list[tuple[str, str]]) -> str:
    """One SMS for a person's reminders of a day: one reminder as it is, several numbered."""
    if len(lines) == 1:
        title, body = lines[0]
        return f"{title}。{body}"
    items = "；".join(f"{number}. {title}" for number, (title, _body) in enumerate(lines, 1))
    return _("【审判管理提醒】您有%(count)s条提醒：%(items)s。详情请登录系统查看。") % {
        "count": len(lines),
        "items": items,
    }


def _send_bundle(user_id: int, day: datetime.date, run: ReminderRun) -> None:
    ids: list[int] = []
    try:
        with transaction.atomic():
            contact = (
                Contact.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(user_id=user_id)
                .first()
            )
            if contact is None and Contact.objects.filter(user_id=user_id).exists():
                return  # another run is sending this person's SMS right now
            reminders = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(recipient_id=user_id, channel=Channel.SMS, state=ReminderState.PENDING)
                .order_by("due_on", "id")
            )
            if not reminders:
                return
            ids = [reminder.pk for reminder in reminders]
            if SmsMessage.objects.filter(recipient_id=user_id, day=day).exists():
                run.held += len(reminders)  # today's SMS went out: tomorrow's takes them
                return
            now = timezone.now()
            if contact is None or not (contact.mobile and contact.sms_enabled):
                Reminder.objects.filter(pk__in=ids).update(
                    state=ReminderState.SENT, sent_at=now, error=_("收件人已关闭短信提醒，未发送")
                )
                run.sent += len(ids)
                return
            lines, subjects, gone = [], [], []
            for reminder in reminders:
                source, subject = _subject(reminder)
                if subject is None:
                    gone.append(reminder.pk)
                    continue
                lines.append(texts(reminder, source, subject, day))
                subjects.append((source, subject))
            if gone:
                Reminder.objects.filter(pk__in=gone).update(
                    state=ReminderState.SENT, sent_at=now, error=str(GONE)
                )
                run.sent += len(gone)
                reminders = [reminder for reminder in reminders if reminder.pk not in gone]
                ids = [reminder.pk for reminder in reminders]
                if not reminders:
                    return
            message = get_gateway().send(
                mobile=contact.mobile,
                text=bundle_text(lines),
                reminder=reminders[0] if len(reminders) == 1 else None,
                recipient=contact.user,
                day=day,
            )
            Reminder.objects.filter(pk__in=ids).update(
                state=ReminderState.SENT, sent_at=now, error="", sms=message
            )
            for reminder, (source, subject), (title, _body) in zip(
                reminders, subjects, lines, strict=True
            ):
                _trail(reminder, source, subject, title)
            run.sent += len(ids)
            run.sms += 1
    except Exception as error:  # one bad number must not stop the others
        logger.exception("SMS to user %s not sent", user_id)
        _failed(ids, error, run)


def reminders_send_due(*, day: datetime.date | None = None) -> ReminderRun:
    """Claim every reminder due on `day` (default today) and every stale claim, and send them:
    in-app and e-mail one by one, SMS as one message per person."""
    day = day or today()
    run = ReminderRun()
    token = _people_cache.set({})
    try:
        rows = _due_rows(day)
    finally:
        _people_cache.reset(token)
    new = _claim_new(rows)
    stale = _claim_stale(day)
    run.claimed, run.retried = len(new), len(stale)
    sms_recipients: dict[int, None] = {}
    for reminder_id, channel, recipient_id in [*new, *stale]:
        if channel == Channel.SMS:
            sms_recipients[recipient_id] = None
        else:
            _send_one(reminder_id, day, run)
    for recipient_id in sms_recipients:
        _send_bundle(recipient_id, day, run)
    if run.claimed or run.retried:
        logger.info("reminders: %s", run.as_dict())
    return run
