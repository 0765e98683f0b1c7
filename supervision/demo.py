"""The demo's year of supervision (cases.demo.steps): written through the services, as the
demo accounts would have done it, day by day, so that the trail, the notifications and the
reminders exist and each account's work queue holds real work.

Each action runs "on" a day of the past year: the app's today (cases.dates, COURTDASH_TODAY)
is that day while the service runs, so deadlines then in the future are accepted; the
timestamps the services set (sent, acknowledged, answered…, and the notifications) are then
moved to that day. The trail (append-only) keeps the time of seeding.

Every call into a service is in this module, and nearly all go through `act(day, service,
**kwargs)` (or the `_mark`/`_confirm`/`_measure` helpers), so a changed signature is fixed here.
The reminders are sent by running `reminders_send_due` for each of the last fifteen days.
"""

from __future__ import annotations

import datetime
import importlib
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.demo.accounts import DEMO_ACCOUNTS
from cases.demo.people import DEMO_BASIC_COURT
from cases.demo.steps import DemoContext, on_day, register
from cases.models import Case, Court, Division, User
from metrics.definitions.indicators import INDICATORS
from supervision.choices import (
    LetterState,
    MarkState,
    MeasureKind,
    ReasonClass,
    ReferralBody,
    ReviewState,
    Severity,
)
from supervision.demo_consultations import consultations_demo, consultations_demo_reset
from supervision.demo_effects import effects_demo, effects_demo_reset
from supervision.demo_quality import quality_demo, quality_demo_reset
from supervision.models import (
    CampaignCase,
    Contact,
    FourTypeMark,
    Inquiry,
    Notification,
    Reminder,
    ReversalReview,
    SmsMessage,
)
from supervision.services import abnormality, clearance, extensions, fourtype, letters, reviews
from supervision.services.reminders import reminders_send_due
from supervision.services.settings import detection_rules_seed

DAY = datetime.timedelta(days=1)


# --- the clock --------------------------------------------------------------------------------


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), ZoneInfo(settings.TIME_ZONE))


def _last_notification() -> int:
    return Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def act(day: datetime.date, service, *, stamp: tuple[str, ...] = (), hour: int = 10, **kwargs):
    """Run a service on `day`; move the fields `stamp` of what it returns, and the
    notifications it wrote, to that day."""
    before = _last_notification()
    with on_day(day):
        obj = service(**kwargs)
    at = _moment(day, hour)
    if stamp and obj is not None:
        type(obj).objects.filter(pk=obj.pk).update(**dict.fromkeys(stamp, at))
    Notification.objects.filter(pk__gt=before).update(created_at=at)
    return obj


# --- the people and the cases -----------------------------------------------------------------


class Cast:
    """The demo accounts and the units and cases the story is about."""

    def __init__(self, today: datetime.date):
        users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
        self.judge = users["demo_judge"]
        self.head = users["demo_division_head"]
        self.analyst = users["demo_analyst"]
        self.office = users["demo_office"]  # the city (苏05) office
        self.office_basic = users["demo_office_basic"]
        self.leader = users["demo_court_leader"]
        self.basic = Court.objects.get(code=DEMO_BASIC_COURT)
        self.division = self.head.division
        self.today = today

    def cases(self, **filters):
        return Case.objects.filter(**filters).order_by("case_number")

    def pending_on(self, day: datetime.date, **filters):
        """Cases filed before `day` and still pending at its end (and today)."""
        return self.cases(filed_on__lt=day, closed_on__isnull=True, **filters)

    def open_on(self, day: datetime.date, **filters):
        """Cases filed before `day` and closed after it, or pending."""
        from django.db.models import Q

        return self.cases(filed_on__lt=day, **filters).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )


def _usernames() -> list[str]:
    return [row[0] for row in DEMO_ACCOUNTS]


def _pick(queryset, rng, n: int, exclude: set[int] | None = None) -> list:
    rows = [row for row in queryset[:400] if not exclude or row.pk not in exclude]
    rng.shuffle(rows)
    chosen = rows[:n]
    if exclude is not None:
        exclude.update(row.pk for row in chosen)
    return chosen


# --- the story --------------------------------------------------------------------------------


def supervision_demo(context: DemoContext) -> None:
    """A year of supervision in the demo city, consistent with its cases."""
    with on_day(context.today):
        _story(context)


def _story(context: DemoContext) -> None:
    rng = context.rng("supervision")
    cast = Cast(context.today)
    detection_rules_seed()  # an indicator added since the migrations: its default rule
    contacts_set(cast)
    approvers_designate(cast)
    marks_and_measures(cast, rng)
    extensions_story(cast, rng)
    letters_story(cast, rng)
    campaign_story(cast, rng)
    reviews_story(cast, rng)
    abnormality_story(cast)
    reminders_story(cast)
    old_notifications_read(cast)


def contacts_set(cast: Cast) -> None:
    """Demo mobile numbers (a 1380000 range no one has), so the reminders go by SMS too; the
    log gateway only records them."""
    for index, username in enumerate(_usernames()):
        user = User.objects.get(username=username)
        Contact.objects.update_or_create(
            user=user, defaults={"mobile": f"1380000{index:04d}", "sms_enabled": True}
        )


def approvers_designate(cast: Cast) -> None:
    """The court leader names the approvers of time-limit changes: the basic court's office
    (its one pen), and for 苏05 himself."""
    day = cast.today - 330 * DAY
    act(day, extensions.approver_designate, court=cast.basic, user=cast.office_basic,
        actor=cast.leader)  # fmt: skip
    act(day, extensions.approver_designate, court=cast.leader.court, user=cast.leader,
        actor=cast.leader)  # fmt: skip


def marks_and_measures(cast: Cast, rng) -> None:
    """Four-type marks: the rules' suggestions; in the demo judge's cases a report of theirs
    confirmed by the head, with a measure answered in time and a new one awaiting the answer,
    another case with an overdue measure and a referral to the judges' meeting with its result,
    and a fresh report awaiting confirmation; in the division, the office's marks awaiting the
    head, one the head confirmed and one he removed."""
    today = cast.today
    with on_day(today - DAY):
        fourtype.four_type_suggest(day=today - DAY)
    mine = list(
        cast.cases(judge_id=cast.judge.judge_id, closed_on__isnull=True).order_by(
            "filed_on", "case_number"
        )
    )
    # Cases filed long enough ago for their part of the story to have happened by today.
    older = [case for case in mine if case.filed_on <= today - 40 * DAY]
    if older:
        case = older[0]
        start = max(case.filed_on + 10 * DAY, today - 200 * DAY)
        mark = _mark(start, case, 2, _("涉及群体性纠纷，可能影响社会稳定"), cast.judge)
        _confirm(start + DAY, mark, _("经审核，属于涉及群体性纠纷的案件"), cast.head)
        measure = _measure(start + 3 * DAY, case, MeasureKind.REQUIRE_REPORT,
                           _("请于期限内书面报告案件审理进展和合议庭评议意见"),
                           start + 13 * DAY, cast.head)  # fmt: skip
        act(start + 9 * DAY, fourtype.measure_respond, stamp=("responded_at",), measure=measure,
            response=_("已组织合议庭评议，拟于下周开庭，评议意见附后。"),
            actor=cast.judge)  # fmt: skip
        _measure(today - 4 * DAY, case, MeasureKind.REVIEW_REPORT,
                 _("请提交审理报告初稿供审阅"), today + 6 * DAY, cast.head)  # fmt: skip
    if len(older) > 1:
        case = older[1]
        start = max(case.filed_on + 5 * DAY, today - 40 * DAY)
        mark = _mark(start, case, 3, _("与本院同类案件裁判尺度可能冲突"), cast.head)
        _confirm(start + DAY, mark, _("确认"), cast.head)
        _measure(start + 2 * DAY, case, MeasureKind.SIMILAR_CASES, _("请提供类案检索报告"),
                 min(start + 12 * DAY, today - 2 * DAY), cast.head)  # fmt: skip
        referral = act(start + 3 * DAY, fourtype.referral_create, stamp=("referred_at",),
                       case=case, body=ReferralBody.JUDGES_MEETING,
                       question=_("本案与类案裁判尺度是否一致"), actor=cast.head)  # fmt: skip
        act(start + 10 * DAY, fourtype.referral_result_record, stamp=("result_at",),
            referral=referral, discussed_on=start + 9 * DAY, actor=cast.head,
            result=_("专业法官会议多数意见：裁判尺度应与本院同类案件保持一致"))  # fmt: skip
    if len(mine) > 2 or (mine and not older):
        case = mine[-1]
        _mark(max(case.filed_on + DAY, today - 5 * DAY), case, 1,
              _("案情疑难复杂，涉及新类型法律适用问题，报请作为四类案件监督管理"),
              cast.judge)  # fmt: skip
    others = list(
        cast.cases(division=cast.division, closed_on__isnull=True)
        .exclude(judge_id=cast.judge.judge_id)
        .order_by("filed_on", "case_number")
    )
    rng.shuffle(others)
    for index, case in enumerate(others[:4]):
        day = min(max(case.filed_on + 3 * DAY, today - (60 - 12 * index) * DAY), today - 3 * DAY)
        if day < case.filed_on:
            continue
        if index < 2:  # the office's marks, awaiting the head
            reason = (
                _("当事人来信反映承办法官违规会见一方当事人")
                if index
                else _("涉及数十名劳动者的群体性纠纷，已引发媒体关注")
            )
            _mark(day, case, 4 if index else 2, reason, cast.office_basic)
        elif index == 2:
            mark = _mark(day, case, 1, _("案情重大复杂，关联案件较多"), cast.head)
            _confirm(day + DAY, mark, _("确认"), cast.head)
        else:
            mark = _mark(day, case, 4, _("反映违法审判线索，需重点监督"), cast.head)
            act(day + 2 * DAY, fourtype.four_type_mark_remove, stamp=("decided_at",), mark=mark,
                reason=_("经核实，线索不实，撤销标注"), actor=cast.head)  # fmt: skip
    # The basic court's office handles two of the rules' suggestions.
    suggested = list(
        FourTypeMark.objects.filter(case__court=cast.basic, state=MarkState.SUGGESTED).order_by(
            "case__case_number"
        )[:2]
    )
    for index, mark in enumerate(suggested):
        if index == 0:
            _confirm(today - 2 * DAY, mark, _("确认长期未结，纳入清理"), cast.office_basic)
        else:
            act(today - 2 * DAY, fourtype.four_type_mark_remove, stamp=("decided_at",),
                mark=mark, reason=_("已安排近期结案，不作为四类案件"),
                actor=cast.office_basic)  # fmt: skip


def _mark(day, case, category, reason, actor):
    return act(day, fourtype.four_type_mark, stamp=("marked_at",), case=case, category=category,
               reason=reason, actor=actor)  # fmt: skip


def _confirm(day, mark, reason, actor):
    return act(day, fourtype.four_type_mark_confirm, stamp=("decided_at",), mark=mark,
               reason=reason, actor=actor)  # fmt: skip


def _measure(day, case, kind, instruction, deadline, actor):
    return act(day, fourtype.measure_take, stamp=("taken_at",), case=case, kind=kind,
               instruction=instruction, deadline=deadline, actor=actor)  # fmt: skip


def extensions_story(cast: Cast, rng) -> None:
    """The judge's requests to extend time limits: approved and rejected months ago, two
    awaiting the approver now."""
    today = cast.today
    awaiting: set[int] = set()

    def candidates(day):
        # Courtdash's own deadline (no imported deadline_on), at least 20 days away then.
        return cast.pending_on(day, judge_id=cast.judge.judge_id, deadline_on__isnull=True,
                               deadline__gte=day + 20 * DAY)  # fmt: skip

    for day, decision in ((today - 75 * DAY, True), (today - 45 * DAY, False),
                          (today - 3 * DAY, None), (today - DAY, None)):  # fmt: skip
        chosen = _pick(candidates(day).exclude(pk__in=awaiting), rng, 1)
        for case in chosen:
            request = act(day, extensions.extension_request, stamp=("requested_at",), case=case,
                          days=30 if decision is not False else 60,
                          reason=_("需委托司法鉴定，鉴定期间较长，申请延长审限"),
                          actor=cast.judge)  # fmt: skip
            if decision is None:
                awaiting.add(case.pk)
            else:
                act(day + 2 * DAY, extensions.extension_decide, stamp=("decided_at",),
                    extension=request, approve=decision,
                    note=_("同意延长") if decision else _("理由不充分，请加快审理"),
                    actor=cast.office_basic)  # fmt: skip


def letters_story(cast: Cast, rng) -> None:
    """Notices and inquiries in every state, to the demo judge and division, from the basic
    court's office and the city's; more to other units of the city, some overdue."""
    today = cast.today
    judge = cast.judge.judge
    used: set[int] = set()
    office = cast.office_basic

    def notice(day, deadline, title, body, *, to_division=False, issuer=office, cases=None):
        recipient = {"division": cast.division} if to_division else {"judge": judge}
        unit = {"division": cast.division} if to_division else {"judge_id": judge.pk}
        open_then = cast.open_on(day, **unit)
        cases = cases or _pick(open_then, rng, 1, used) or _pick(open_then, rng, 1)
        if not cases:
            return None
        return act(day, letters.notice_issue, stamp=("created_at", "issued_at"), cases=cases,
                   title=title, body=body, deadline=deadline, actor=issuer,
                   **recipient)  # fmt: skip

    def inquiry(day, deadline, slug, value, *, send=True, issuer=office):
        label = str(INDICATORS[slug].label)
        return act(day, letters.inquiry_create, stamp=("created_at", "issued_at") if send else
                   ("created_at",), division=cast.division, indicator_slug=slug,
                   indicator_label=label, period="ytd", as_of=day - DAY, value=value,
                   title=_("关于%(label)s异常的函询") % {"label": label},
                   body=_("经研判，你庭%(label)s为%(value)s，明显偏离全院平均水平，请说明原因并提出整改措施。")
                   % {"label": label, "value": value}, deadline=deadline, actor=issuer,
                   send=send)  # fmt: skip

    def walk(letter, day, *steps):
        """acknowledge (a), answer (n), close (c), return (r) on the days after `day`."""
        answerer = cast.judge if getattr(letter, "judge_id", None) else cast.head
        for offset, step in steps:
            on = day + offset * DAY
            if step == "a":
                act(on, letters.letter_acknowledge, stamp=("acknowledged_at",), letter=letter,
                    actor=answerer)  # fmt: skip
            elif step == "n":
                act(on, letters.letter_answer, stamp=("answered_at",), letter=letter,
                    answer=_("已按要求核查，原因系案件集中移送、鉴定周期长；已制定计划，本月内完成整改。"),
                    actor=answerer)  # fmt: skip
            elif step == "c":
                act(on, letters.letter_close, stamp=("closed_at",), letter=letter,
                    note=_("答复属实，整改措施可行，予以办结"), actor=office)  # fmt: skip
            elif step == "r":
                act(on, letters.letter_return, letter=letter,
                    note=_("答复未说明具体整改时限，请补充"), deadline=max(on + 10 * DAY,
                    today + 4 * DAY), actor=office)  # fmt: skip

    title = _("关于案件审理进度的督办通知")
    body = _("该案已临近审限或超审限，请加快审理进度，并于期限内书面报告审理情况。")
    # Closed, months ago (a few across the year).
    for months in (10, 7, 4, 2):
        day = today - months * 30 * DAY
        letter = notice(day, day + 10 * DAY, title, body)
        if letter:
            walk(letter, day, (1, "a"), (5, "n"), (7, "c"))
    # Returned once and answered again, then closed; returned and awaiting the new answer.
    day = today - 50 * DAY
    letter = notice(day, day + 10 * DAY, title, body)
    if letter:
        walk(letter, day, (1, "a"), (4, "n"), (6, "r"), (9, "n"), (11, "c"))
    day = today - 12 * DAY
    letter = notice(day, day + 10 * DAY, title, body, to_division=True)
    if letter:
        walk(letter, day, (1, "a"), (3, "n"), (5, "r"))
    # Answered, awaiting the office; acknowledged, awaiting the answer; sent, due soon; sent
    # and overdue (the reminders and the leader's go out).
    day = today - 8 * DAY
    letter = notice(day, day + 10 * DAY, title, body)
    if letter:
        walk(letter, day, (1, "a"), (6, "n"))
    day = today - 6 * DAY
    letter = notice(day, today + 5 * DAY, title, body)
    if letter:
        walk(letter, day, (1, "a"))
    notice(today - 2 * DAY, today + 3 * DAY, title, body)
    notice(today - 20 * DAY, today - 5 * DAY, _("关于超审限案件的督办通知"), body)
    notice(today - 3 * DAY, today + 12 * DAY, _("关于长期未结案件的督办通知"), body,
           to_division=True, issuer=cast.office)  # fmt: skip
    # Inquiries to the division: closed, returned, answered, acknowledged, sent, a draft.
    rows = [
        (today - 150 * DAY, "mediation_withdrawal_rate", 31.5, ((2, "a"), (6, "n"), (8, "c"))),
        (today - 40 * DAY, "clearance_rate", 61.2, ((1, "a"), (5, "n"), (7, "r"))),
        (today - 9 * DAY, "avg_trial_days", 138.0, ((1, "a"), (4, "n"))),
        (today - 5 * DAY, "within_limit_rate", 88.1, ((1, "a"),)),
        (today - DAY, "long_pending_share", 3.3, ()),
    ]
    for day, slug, value, steps in rows:
        letter = inquiry(day, day + 15 * DAY, slug, value)
        walk(letter, day, *steps)
    inquiry(today, today + 15 * DAY, "first_instance_reversal_rate", 9.8, send=False)
    # The city office's notices to other divisions of the city: sent, some overdue.
    others = list(
        Division.objects.filter(court__code__in=[cast.leader.court.code, DEMO_BASIC_COURT])
        .exclude(pk=cast.division.pk)
        .order_by("court__code", "name")
    )
    for index, division in enumerate(others[:6]):
        day = today - (25 - 4 * index) * DAY
        cases = _pick(cast.open_on(day, division=division), rng, 2, used)
        if cases:
            act(day, letters.notice_issue, stamp=("created_at", "issued_at"), cases=cases,
                title=_("关于长期未结案件的督办通知"), body=body, deadline=day + 15 * DAY,
                actor=cast.office, division=division)  # fmt: skip


def campaign_story(cast: Cast, rng) -> None:
    """The basic court's clearance campaign, started four months ago, with leaders named for
    the demo division's cases; and the city's, at 苏05."""
    today = cast.today
    start = today - 120 * DAY
    campaign = act(start, clearance.campaign_start, stamp=("created_at",),
                   name=_("长期未结案件清理攻坚专项行动"), court=cast.basic,
                   target_on=today + 45 * DAY, actor=cast.office_basic,
                   note=_("立案超过12个月未结的案件，逐案明确包案领导和结案期限"))  # fmt: skip
    entries = CampaignCase.objects.filter(campaign=campaign).select_related("case")
    # The demo division's cases first (its head leads them), then the court's others.
    ordered = sorted(
        entries, key=lambda e: (e.case.division_id != cast.division.pk, e.case.case_number)
    )
    for index, entry in enumerate(ordered[:8]):
        act(start + (index + 1) * DAY, clearance.campaign_case_assign, stamp=("assigned_at",),
            entry=entry, leader=cast.head if entry.case.division_id == cast.division.pk
            else cast.office_basic,
            target_on=today + (index * 7 - 10) * DAY,
            actor=cast.office_basic)  # fmt: skip
    act(today - 100 * DAY, clearance.campaign_start, stamp=("created_at",),
        name=_("全市法院长期未结案件清理"), court=cast.leader.court, target_on=today + 60 * DAY,
        actor=cast.leader)  # fmt: skip


def reviews_story(cast: Cast, rng) -> None:
    """发改再 reviews: opened for every reversed case of the city half a year ago; the demo
    judge objected to the findings on their case (the office is to answer); in the basic court
    others reviewed, one objection answered where the judge has an account."""
    today = cast.today
    with on_day(today - 180 * DAY):
        reviews.reviews_open_missing(actor=cast.office)
    opened_on = {}
    for review in ReversalReview.objects.only("pk", "decided_on"):
        day = today - 180 * DAY
        if review.decided_on and review.decided_on + 3 * DAY > day:
            day = min(review.decided_on + 3 * DAY, today)
        opened_on[review.pk] = day
    for day in set(opened_on.values()):
        ids = [pk for pk, opened in opened_on.items() if opened == day]
        ReversalReview.objects.filter(pk__in=ids).update(created_at=_moment(day, 2))
    base = ReversalReview.objects.filter(
        case__court=cast.basic, state=ReviewState.PENDING
    ).order_by("case__case_number")
    mine = list(base.filter(case__judge_id=cast.judge.judge_id)[:3])
    others = list(base.exclude(case__judge_id=cast.judge.judge_id)[:3])
    # (review, when it was reviewed, where it ends)
    plan = [(r, today - 60 * DAY, "objected") for r in mine[:1]]
    plan += [(r, today - 3 * DAY, "reviewed") for r in mine[1:2]]
    plan += [(r, today - 100 * DAY, "answered") for r in mine[2:3]]
    plan += [(r, today - (50 - 10 * i) * DAY, "reviewed") for i, r in enumerate(others)]
    for index, (review, day, end) in enumerate(plan):
        latest = today - (15 if end != "reviewed" else 1) * DAY
        day = min(max(day, opened_on[review.pk] + 5 * DAY), latest)
        if day < opened_on[review.pk]:
            continue  # reversed too lately for this part of the story
        act(day, reviews.review_record, stamp=("reviewed_at",), review=review,
            reason_class=ReasonClass.FACT_FINDING if index % 2 else ReasonClass.APPLICATION_OF_LAW,
            is_error=True, severity=Severity.MINOR, actor=cast.office_basic,
            opinion=_("一审对关键事实认定证据不足，二审改判，构成轻微差错"))  # fmt: skip
        if end in ("objected", "answered"):
            act(day + 5 * DAY, reviews.review_object, stamp=("objected_at",), review=review,
                objection=_("二审改判系因当事人二审提交新证据，一审认定并无不当"),
                actor=cast.judge)  # fmt: skip
        if end == "answered":
            act(day + 12 * DAY, reviews.review_answer, stamp=("answered_at",), review=review,
                answer=_("经复核，改判确因新证据，改为不认定差错"), is_error=False,
                severity=Severity.NONE, actor=cast.office_basic)  # fmt: skip


def abnormality_story(cast: Cast) -> None:
    """The detection's drafts of yesterday (the metrics of yesterday and a week before are
    computed for it); the office sends one and discards another."""
    from metrics.services import metrics_nightly

    today = cast.today
    for day in (today - 8 * DAY, today - DAY):
        metrics_nightly(as_of=day)
        abnormality.abnormalities_detect(as_of=day)  # the pipeline's next step
    drafts = list(
        Inquiry.objects.filter(state=LetterState.DRAFT, abnormalities__isnull=False)
        .distinct()
        .order_by("court__code", "division__name", "pk")
    )
    basic = [d for d in drafts if d.court_id == cast.basic.pk]
    if basic:
        act(today, abnormality.abnormality_send, stamp=("issued_at",), inquiry=basic[0],
            deadline=today + 10 * DAY, actor=cast.office_basic)  # fmt: skip
    if len(basic) > 2:
        with on_day(today):
            abnormality.abnormality_discard(inquiry=basic[-1],
                reason=_("系季节性波动，已在月度讲评中说明，不予函询"),
                actor=cast.office_basic)  # fmt: skip


def reminders_story(cast: Cast) -> None:
    """The reminders of the past two weeks, day by day, each sent once."""
    for back in range(14, -1, -1):
        day = cast.today - back * DAY
        before = _last_notification()
        with on_day(day):
            reminders_send_due(day=day)
        at = _moment(day, 8)
        Notification.objects.filter(pk__gt=before).update(created_at=at)
        Reminder.objects.filter(sent_at__isnull=False, due_on=day).update(sent_at=at)


def old_notifications_read(cast: Cast) -> None:
    """What came more than a week ago has been read."""
    from django.db.models import F

    Notification.objects.filter(
        read_at__isnull=True, created_at__lt=_moment(cast.today - 7 * DAY)
    ).update(read_at=F("created_at") + datetime.timedelta(hours=2))


def supervision_demo_reset() -> None:
    """Before the demo is seeded again: the messages, reminders and SMS that do not point into
    the cases, and the trail of the cleared cases (append-only for the application; a demo
    reset lifts its trigger for the one statement, in the reset's transaction). The generic
    reset empties every table that points at a court, the four-type rules too: the two rules
    of DOMAIN.md that the migration seeds are put back."""
    Notification.objects.all().delete()
    SmsMessage.objects.all().delete()
    Reminder.objects.all().delete()
    table = connection.ops.quote_name("supervision_traceentry")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    seeding = importlib.import_module("supervision.migrations.0002_trace_append_only_and_rules")
    seeding.seed_rules(django_apps, None)


register(10, gettext_lazy("一年的审判监督（督办、函询、四类案件、清理攻坚、评查、提醒）"),
         supervision_demo, supervision_demo_reset)  # fmt: skip

# The mechanisms of issue 12 in supervision: after a year of supervision (10). Effects are
# checked after it (before the monthly reviews are kept, 20) and again late, after the talks,
# reviews and meeting actions of the later steps (idempotent).
register(12, gettext_lazy("拟发改再事先沟通（答复、结果、随发改再评查）"), consultations_demo,
         consultations_demo_reset)  # fmt: skip
register(14, gettext_lazy("案件质量评查：常规抽查、交叉评查、整改"), quality_demo,
         quality_demo_reset)  # fmt: skip
register(15, gettext_lazy("跟踪问效：督办、函询、清理攻坚的30、60、90天检查"), effects_demo,
         effects_demo_reset)  # fmt: skip
register(40, gettext_lazy("跟踪问效：约谈、评查、会商事项的检查"), effects_demo)
