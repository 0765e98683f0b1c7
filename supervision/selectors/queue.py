"""我的待办: one work queue per person — everything that waits for this user, of every kind,
nearest due date first (overdue first, undated last).

Each kind is a `QueueSource`: `rows(user, day)` is ONE queryset of what waits for the user
(None: this kind never does), annotated with `queue_due` (the date it is due, or NULL), and
`item(row, day)` turns a row into a `QueueItem`. Who is addressed is decided where it always
is: `Model.objects.in_scope(user)` (cases.units), `may` (cases.permissions), the letters'
`recipient_filters` (services.notify), a case's own judge (`user.judge_id`), the court's
designated extension approver. Nothing here checks a role.

Counting a kind is one COUNT query (`queue_counts`); a page of the queue reads, per kind, at
most as many rows as the page needs, ordered by due date, and merges them (`QueueList`).

Higher apps add kinds through `register` (reports registers the health-check findings from its
AppConfig.ready: supervision may not import reports).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import DateField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import choice_label
from cases.dates import today
from cases.models import Case
from cases.permissions import Action, may
from supervision.choices import (
    AWAITING_ANSWER_STATES,
    ExtensionState,
    LetterState,
    MarkState,
    ReviewState,
)
from supervision.models import (
    CampaignCase,
    ExtensionRequest,
    FourTypeMark,
    Inquiry,
    Measure,
    Notice,
    ReversalReview,
)
from supervision.services.notify import recipient_filters

# A judge's pending case is "nearing its time limit" this many days before it, or past it.
NEARING_DAYS = 15
# A finished review stays in its original judge's queue this many days, for an objection.
OBJECTION_DAYS = 15
FAR = datetime.date.max
NO_DATE = Value(None, output_field=DateField())


@dataclass
class QueueForm:
    """A one-step POST the item offers in the queue (to the object's own page)."""

    url: str
    label: str
    fields: dict = field(default_factory=dict)  # hidden fields
    text: str = ""  # the name of a required text input (e.g. a reason), if any
    text_label: str = ""


@dataclass
class QueueItem:
    kind: str
    kind_label: str
    pk: int
    title: str
    unit: str
    due_on: datetime.date | None
    overdue: bool
    url: str
    action: str  # what the user is to do (a code)
    action_label: str
    form: QueueForm | None = None
    state: str = ""
    state_label: str = ""
    court_code: str = ""
    division_name: str = ""
    since: datetime.datetime | None = None
    type: str = ""  # the inbox API's older name of the kind (letters: notice / inquiry)

    def __post_init__(self):
        self.type = self.type or self.kind

    @property
    def days_left(self) -> int | None:
        return None if self.due_on is None else (self.due_on - today()).days

    @property
    def days_late(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0


@dataclass(frozen=True)
class QueueSource:
    kind: str
    label: str
    rows: Callable[[object, datetime.date], QuerySet | None]
    item: Callable[[object, datetime.date], QueueItem]


SOURCES: list[QueueSource] = []


def register(source: QueueSource) -> QueueSource:
    """Add a kind to everybody's queue (once per kind)."""
    SOURCES[:] = [known for known in SOURCES if known.kind != source.kind]
    SOURCES.append(source)
    return source


def kinds() -> list[tuple[str, str]]:
    return [(source.kind, source.label) for source in SOURCES]


def _of_case(case) -> dict:
    """An item's unit fields, from the case it is about."""
    return {
        "unit": f"{case.court.code} {case.division.name}",
        "court_code": case.court.code,
        "division_name": case.division.name,
    }


def _ordered(rows: QuerySet) -> QuerySet:
    return rows.order_by(F("queue_due").asc(nulls_last=True), "pk")


# --- letters ---------------------------------------------------------------------------------


def _letter_rows(model, user, recipient: Q | None) -> QuerySet | None:
    """Letters addressed to the user awaiting their answer; for the office, answered letters
    to close or send back."""
    wanted = Q(pk__in=[])
    if recipient is not None:
        wanted |= Q(state__in=AWAITING_ANSWER_STATES) & recipient
    if may(user, Action.LETTER_CLOSE):
        answered = model.objects.in_scope(user).filter(state=LetterState.ANSWERED)
        wanted |= Q(pk__in=answered.values("pk"))
    if recipient is None and not may(user, Action.LETTER_CLOSE):
        return None
    return (
        model.objects.filter(wanted)
        .select_related("court", "division")
        .annotate(queue_due=F("deadline"))
    )


def _letter_item(kind: str, url_name: str):
    def item(letter, day: datetime.date) -> QueueItem:
        url = reverse(url_name, args=[letter.pk])
        answer = letter.state in AWAITING_ANSWER_STATES
        form = None
        if letter.state == LetterState.SENT:
            form = QueueForm(url=url, label=str(_("签收")), fields={"action": "acknowledge"})
        if answer:
            action, label = "answer", _("签收答复")
        else:
            action, label = "close", _("办结或退回")
        return QueueItem(
            kind=kind,
            kind_label=str(dict(kinds()).get(kind, kind)),
            pk=letter.pk,
            title=letter.title,
            unit=f"{letter.court.code} {letter.division.name}",
            due_on=letter.deadline,
            overdue=answer and letter.deadline < day,
            url=url,
            action=action,
            action_label=str(label),
            form=form,
            state=letter.state,
            state_label=choice_label(letter, "state"),
            court_code=letter.court.code,
            division_name=letter.division.name,
            since=letter.issued_at,
        )

    return item


def _notice_rows(user, day):
    return _letter_rows(Notice, user, recipient_filters(user)[0])


def _inquiry_rows(user, day):
    return _letter_rows(Inquiry, user, recipient_filters(user)[1])


def _draft_rows(user, day):
    """Draft inquiries (the nightly abnormality detection's, or the office's own) to review
    and send or discard."""
    if not may(user, Action.LETTER_ISSUE):
        return None
    return (
        Inquiry.objects.in_scope(user)
        .filter(state=LetterState.DRAFT)
        .select_related("court", "division")
        .annotate(queue_due=F("deadline"))
    )


def _draft_item(inquiry, day) -> QueueItem:
    return QueueItem(
        kind="draft",
        kind_label=str(_("函询草稿")),
        pk=inquiry.pk,
        title=inquiry.title,
        unit=f"{inquiry.court.code} {inquiry.division.name}",
        due_on=inquiry.deadline,
        overdue=False,
        url=reverse("supervision:inquiry", args=[inquiry.pk]),
        action="send",
        action_label=str(_("审核发送")),
        state=inquiry.state,
        state_label=choice_label(inquiry, "state"),
        court_code=inquiry.court.code,
        division_name=inquiry.division.name,
        since=inquiry.issued_at,
        type="inquiry",
    )


# --- four-type cases, time limits ------------------------------------------------------------

CASE_RELATED = ("case", "case__court", "case__division")


def _measure_rows(user, day):
    """Measures on the user's own cases awaiting their response."""
    if not (may(user, Action.MEASURE_RESPOND) and user.judge_id):
        return None
    return (
        Measure.objects.in_scope(user)
        .awaiting_response()
        .filter(case__judge_id=user.judge_id)
        .select_related(*CASE_RELATED)
        .annotate(queue_due=F("deadline"))
    )


def _measure_item(measure, day) -> QueueItem:
    case = measure.case
    return QueueItem(
        kind="measure",
        kind_label=str(_("监督管理措施")),
        pk=measure.pk,
        title=f"{case.case_number} {choice_label(measure, 'kind')}：{measure.instruction}",
        **_of_case(case),
        due_on=measure.deadline,
        overdue=measure.deadline < day,
        url=reverse("supervision:case", args=[case.pk]) + "#measures",
        action="respond",
        action_label=str(_("回复")),
        since=measure.taken_at,
    )


def _mark_rows(user, day):
    """Marks (a person's, or a rule's suggestion) awaiting confirmation, in the user's reach."""
    if not may(user, Action.MARK_CONFIRM):
        return None
    return (
        FourTypeMark.objects.in_scope(user)
        .filter(state__in=[MarkState.SUGGESTED, MarkState.MARKED], case__closed_on__isnull=True)
        .select_related(*CASE_RELATED)
        .annotate(queue_due=NO_DATE)
    )


def _mark_item(mark, day) -> QueueItem:
    case = mark.case
    url = reverse("supervision:case", args=[case.pk])
    return QueueItem(
        kind="mark",
        kind_label=str(_("四类案件确认")),
        pk=mark.pk,
        title=f"{case.case_number} {choice_label(mark, 'category')}：{mark.reason}",
        **_of_case(case),
        due_on=None,
        overdue=False,
        url=url + "#marks",
        action="confirm",
        action_label=str(_("确认或撤销")),
        form=QueueForm(
            url=url,
            label=str(_("确认")),
            fields={"action": "confirm", "object_id": mark.pk},
            text="reason",
            text_label=str(_("确认理由")),
        ),
        state=mark.state,
        state_label=choice_label(mark, "state"),
        since=mark.marked_at,
    )


def _extension_rows(user, day):
    """Pending requests of the courts whose designated approver the user is (never on a case
    they handle or a request they made: they must stand aside)."""
    if not may(user, Action.EXTENSION_DECIDE):
        return None
    rows = (
        ExtensionRequest.objects.in_scope(user)
        .filter(state=ExtensionState.PENDING, case__court__extension_approver__user=user)
        .exclude(requested_by=user)
    )
    if user.judge_id:
        rows = rows.exclude(case__judge_id=user.judge_id)
    return rows.select_related(*CASE_RELATED).annotate(
        queue_due=Coalesce("case__deadline", "deadline_at_request")
    )


def _extension_item(extension, day) -> QueueItem:
    case = extension.case
    return QueueItem(
        kind="extension",
        kind_label=str(_("延长审限审批")),
        pk=extension.pk,
        title=str(
            _("%(case)s 申请延长审限%(days)s日：%(reason)s")
            % {"case": case.case_number, "days": extension.days, "reason": extension.reason}
        ),
        **_of_case(case),
        due_on=extension.queue_due,
        overdue=extension.queue_due is not None and extension.queue_due < day,
        url=reverse("supervision:case", args=[case.pk]) + "#extensions",
        action="decide",
        action_label=str(_("审批")),
        state=extension.state,
        state_label=choice_label(extension, "state"),
        since=extension.requested_at,
    )


def _deadline_rows(user, day):
    """The user's own pending cases whose time limit ends within NEARING_DAYS, or has ended."""
    if not (may(user, Action.CASES_READ) and user.judge_id):
        return None
    return (
        Case.objects.in_scope(user)
        .pending()
        .filter(judge_id=user.judge_id, deadline__lte=day + datetime.timedelta(NEARING_DAYS))
        .select_related("court", "division")
        .annotate(queue_due=F("deadline"))
    )


def _deadline_item(case, day) -> QueueItem:
    left = (case.deadline - day).days
    if left < 0:
        state = _("已超审限 %(days)d 日") % {"days": -left}
    elif left == 0:
        state = _("今日审限届满")
    else:
        state = _("距审限届满还有 %(days)d 日") % {"days": left}
    return QueueItem(
        kind="deadline",
        kind_label=str(_("审限预警")),
        pk=case.pk,
        title=f"{case.case_number} {case.cause}".strip(),
        **_of_case(case),
        due_on=case.deadline,
        overdue=left < 0,
        url=reverse("cases:case_detail", args=[case.pk]),
        action="conclude",
        action_label=str(_("结案或申请延长")),
        state="overdue" if left < 0 else "nearing",
        state_label=str(state),
    )


# --- 发改再, campaigns -----------------------------------------------------------------------


def _review_rows(user, day):
    """The office: reviews to record, objections to answer. The original judge: a finished
    review of their case, for OBJECTION_DAYS after it, to read and object to if they will."""
    conduct = may(user, Action.REVIEW_CONDUCT)
    object_to = may(user, Action.REVIEW_OBJECT) and user.judge_id
    if not (conduct or object_to):
        return None
    wanted = Q(pk__in=[])
    if conduct:
        wanted |= Q(state__in=[ReviewState.PENDING, ReviewState.OBJECTED])
    rows = ReversalReview.objects.in_scope(user)
    if object_to:
        due = Cast(TruncDate("reviewed_at") + datetime.timedelta(OBJECTION_DAYS), DateField())
        rows = rows.annotate(queue_due=due)
        wanted |= Q(state=ReviewState.REVIEWED, case__judge_id=user.judge_id, queue_due__gte=day)
    else:
        rows = rows.annotate(queue_due=NO_DATE)
    return rows.filter(wanted).select_related(*CASE_RELATED)


REVIEW_ACTIONS = {
    ReviewState.PENDING: ("record", _("评查")),
    ReviewState.OBJECTED: ("answer_objection", _("答复异议")),
    ReviewState.REVIEWED: ("object", _("阅看评查意见，可提出异议")),
}


def _review_item(review, day) -> QueueItem:
    case = review.case
    action, label = REVIEW_ACTIONS[review.state]
    return QueueItem(
        kind="review",
        kind_label=str(_("发改再评查")),
        pk=review.pk,
        title=(
            f"{case.case_number} {choice_label(review, 'trigger')}{choice_label(review, 'outcome')}"
        ),
        **_of_case(case),
        due_on=review.queue_due,
        overdue=False,
        url=reverse("supervision:review", args=[review.pk]),
        action=action,
        action_label=str(label),
        state=review.state,
        state_label=choice_label(review, "state"),
        since=review.objected_at or review.reviewed_at or review.created_at,
    )


def _campaign_rows(user, day):
    """Cases still pending on a clearance campaign's list, for their leader and their judge."""
    if not may(user, Action.VIEW):
        return None
    mine = Q(leader=user)
    if user.judge_id:
        mine |= Q(case__judge_id=user.judge_id)
    return (
        CampaignCase.objects.in_scope(user)
        .filter(mine, case__closed_on__isnull=True)
        .select_related("campaign", *CASE_RELATED)
        .annotate(queue_due=Coalesce("target_on", "campaign__target_on"))
    )


def _campaign_item(entry, day) -> QueueItem:
    case = entry.case
    return QueueItem(
        kind="campaign",
        kind_label=str(_("清理攻坚")),
        pk=entry.pk,
        title=f"{case.case_number}（{entry.campaign.name}）",
        **_of_case(case),
        due_on=entry.queue_due,
        overdue=entry.queue_due < day,
        url=reverse("supervision:campaign", args=[entry.campaign_id]),
        action="clear",
        action_label=str(_("按期结案")),
        since=entry.assigned_at,
    )


for _source in (
    QueueSource(
        "notice", _("督办通知"), _notice_rows, _letter_item("notice", "supervision:notice")
    ),
    QueueSource(
        "inquiry", _("异常函询"), _inquiry_rows, _letter_item("inquiry", "supervision:inquiry")
    ),
    QueueSource("draft", _("函询草稿"), _draft_rows, _draft_item),
    QueueSource("measure", _("监督管理措施"), _measure_rows, _measure_item),
    QueueSource("mark", _("四类案件确认"), _mark_rows, _mark_item),
    QueueSource("extension", _("延长审限审批"), _extension_rows, _extension_item),
    QueueSource("review", _("发改再评查"), _review_rows, _review_item),
    QueueSource("campaign", _("清理攻坚"), _campaign_rows, _campaign_item),
    QueueSource("deadline", _("审限预警"), _deadline_rows, _deadline_item),
):
    register(_source)


# --- reading the queue -----------------------------------------------------------------------


def _sources(only: str | None) -> list[tuple[int, QueueSource]]:
    return [(rank, s) for rank, s in enumerate(SOURCES) if not only or s.kind == only]


def queue_rows(
    user,
    day: datetime.date | None = None,
    kind: str | None = None,
    *,
    kinds: Collection[str] | None = None,
) -> dict:
    """{kind: the queryset of what waits for the user} (kinds that never wait left out).
    `kinds`: only these (those a count says hold something: the others are not built)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    day = day or today()
    found = {}
    for _rank, source in _sources(kind):
        if kinds is not None and source.kind not in kinds:
            continue
        rows = source.rows(user, day)
        if rows is not None:
            found[source.kind] = rows
    return found


def queue_counts(user, day: datetime.date | None = None) -> dict[str, int]:
    """{kind: how many wait for the user}, every kind counted in ONE query (the top bar shows
    it on every page): SELECT (SELECT COUNT(*) FROM (<kind 1>)), (SELECT COUNT(*) …), …"""
    return _counted(queue_rows(user, day))


def _counted(found: dict[str, QuerySet]) -> dict[str, int]:
    if not found:
        return {}
    parts, params = [], []
    for rows in found.values():
        sql, kind_params = rows.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS queue_kind)")
        params.extend(kind_params)
    # Where the querysets read (a replica on a read-only page: courtdash.routers).
    database = next(iter(found.values())).db
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counted = cursor.fetchone()
    return dict(zip(found, counted, strict=True))


class QueueList(Sequence):
    """What waits for the user, nearest due date first, as a sequence a Paginator pages: its
    length is the counts' sum; a slice reads the keys (due date, pk) of each kind's first rows
    in one query, then the rows it shows, kind by kind."""

    def __init__(
        self,
        user,
        day: datetime.date | None = None,
        kind: str | None = None,
        counts: dict[str, int] | None = None,
        rows: dict | None = None,
        keep: Callable[[int, Callable[[], list]], list] | None = None,
    ):
        """`counts`: `queue_counts` already read this request (saves the COUNT queries);
        `rows`: the user's `queue_rows` of that day, already built (saves building them);
        `keep(stop, read)`: the keys of the first `stop` items as kept (`read` reads them:
        supervision.selectors.queue_count.cached_keys), or None to read them every time."""
        self.day = day or today()
        self.kind = kind
        self.keep = keep
        if rows is None:
            self.rows = queue_rows(user, self.day, kind)
        else:
            self.rows = {name: found for name, found in rows.items() if kind in (None, name)}
        self.ranks = {s.kind: rank for rank, s in enumerate(SOURCES)}
        self.makers = {s.kind: s.item for s in SOURCES}
        self._counts: dict[str, int] | None = None
        if counts is not None:
            self._counts = {kind: counts.get(kind, 0) for kind in self.rows}

    def counts(self) -> dict[str, int]:
        """{kind: rows}, in one query (or as given): a slice then reads only the kinds that
        hold something, however many kinds a person may receive."""
        if self._counts is None:
            self._counts = _counted(self.rows)
        return self._counts

    def __len__(self) -> int:
        return sum(self.counts().values())

    def _keys(self, stop: int) -> list[tuple]:
        """(due date or FAR, kind's rank, pk, kind) of the first `stop` rows of every kind that
        holds something, nearest due date first (none last), then the kind's rank, then pk:
        ONE query of the keys alone (UNION ALL of each kind's first rows)."""
        counts = self.counts()
        parts, params, kinds = [], [], {}
        for kind, rows in self.rows.items():
            if not counts.get(kind):
                continue
            rank = self.ranks[kind]
            kinds[rank] = kind
            keyed = _ordered(rows).annotate(queue_pk=F("pk")).values_list("queue_due", "queue_pk")
            sql, kind_params = keyed[:stop].query.sql_with_params()
            # An undated kind's NULL is text once out of its subquery: cast, as every kind's.
            keys = "queue_part.queue_due::date, queue_part.queue_pk"
            parts.append(f"(SELECT {rank:d}, {keys} FROM ({sql}) AS queue_part)")
            params.extend(kind_params)
        if not parts:
            return []
        database = next(iter(self.rows.values())).db
        with connections[database].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            found = cursor.fetchall()
        return sorted((due or FAR, rank, pk, kinds[rank]) for rank, due, pk in found)

    def _slice(self, start: int, stop: int) -> list[QueueItem]:
        """The items from `start` to `stop`: their keys first, then the rows shown, read kind
        by kind (only the kinds on the slice; each row with what its item shows)."""
        if stop <= start:
            return []  # (a query sliced to nothing does not compile)
        if self.keep is None:
            keys = self._keys(stop)[start:stop]
        else:
            keys = self.keep(stop, lambda: self._keys(stop))[start:stop]
        wanted: dict[str, list[int]] = {}
        for _due, _rank, pk, kind in keys:
            wanted.setdefault(kind, []).append(pk)
        found = {
            (kind, row.pk): row
            for kind, pks in wanted.items()
            for row in self.rows[kind].filter(pk__in=pks)
        }
        # A row gone between the two reads (answered meanwhile) is left out.
        return [
            self.makers[kind](found[kind, pk], self.day)
            for _due, _rank, pk, kind in keys
            if (kind, pk) in found
        ]

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step is None and 0 <= (index.start or 0) and (index.stop or -1) >= 0:
                return self._slice(index.start or 0, index.stop)  # no need to add up
            start, stop, step = index.indices(len(self))
            return self._slice(0, stop)[start:stop:step]
        if index < 0:
            index += len(self)
        found = self[index : index + 1]
        if not found:
            raise IndexError(index)
        return found[0]


def queue(user, day: datetime.date | None = None, kind: str | None = None) -> list[QueueItem]:
    """All that waits for the user, nearest due date first (overdue first, undated last)."""
    items = QueueList(user, day, kind)
    return items[: len(items)]
