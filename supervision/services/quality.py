"""评查 (case quality review campaigns): sheets, campaigns and their case sets, reviewers from
another court, scoring, and the rectification asked of the judge.

The case set of a campaign is built once, when it is opened:

- routine sampling: per judge, `share_percent` of their cases closed in the period (at least
  one), drawn with `random.Random(seed)` over each judge's cases ordered by id, judges in id
  order — the same seed over the same cases draws the same sample (`routine_sample`);
- targeted: the cases closed in the period with two or more approved extensions, those closed
  by withdrawal after more than `min_pending_days`, and cases named one by one (e.g. from a
  health-check finding), each within the campaign's scope and the office's reach.

No one reviews a case of their own court: `reviewers_round_robin` skips them, and every
assignment and every score checks it again.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import ClosingMethod, CourtLevel
from cases.context_processors import top_court_office_name
from cases.dates import today
from cases.models import Case, Court, User
from cases.permissions import Action, Refused, may, refuse_personal, require
from cases.units import ScopeKey, case_reached, city_court_ids, reaches, top_unit_name
from supervision.choices import (
    ExtensionState,
    QualityReviewState,
    QualitySource,
    RectificationState,
    TraceKind,
)
from supervision.models import (
    QualityCampaign,
    QualityDeduction,
    QualityReview,
    Rectification,
    ScoringSheet,
    SheetItem,
)
from supervision.services.notify import judge_users, notify_users
from supervision.services.trail import (
    require_case,
    require_text,
    require_unit,
    supervision_service,
    trail_record,
    user_court_id,
)

WITHDRAWN = (ClosingMethod.WITHDRAWAL.value, ClosingMethod.APPEAL_WITHDRAWN.value)
MAX_CHOSEN = 500
MAX_ITEMS = 40
NEEDS_RECTIFICATION = ("flaw", "error")


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return ""


# --- scope -------------------------------------------------------------------------------------


def _require_scope(actor, court: Court | None, detail: dict) -> None:
    """The office of the court (a court's campaign or sheet), of the city (the city's)."""
    if court is not None:
        require_unit(actor, Action.QUALITY_REVIEW_MANAGE, court_id=court.pk, detail=detail)
        return
    require(actor, Action.QUALITY_REVIEW_MANAGE, detail=detail)
    if not reaches(actor, ScopeKey.city()):
        raise Refused(
            _("只有%(office)s可以开展%(top)s评查")
            % {"top": (top := top_unit_name()), "office": top_court_office_name(top)},
            action=Action.QUALITY_REVIEW_MANAGE,
            actor=actor,
            detail=detail,
        )


def scope_court_ids(court: Court | None, actor) -> set[int]:
    """The courts whose cases a campaign of `court` (None: the actor's city) takes."""
    if court is not None:
        return {court.pk}
    own = Court.objects.filter(pk=user_court_id(actor)).first()
    if own is None:
        return set()
    root = own if own.level == CourtLevel.INTERMEDIATE or own.parent_id is None else own.parent
    return city_court_ids(root)


def reviewer_candidates(actor) -> list[User]:
    """Who may be put in a campaign's pool of reviewers: the active people of the city whose
    role may score a case (QUALITY_REVIEW_SCORE). Reviewers come from other courts, so only
    an office that reaches the whole city (the intermediate court's) names them; a basic
    court's office, which sees no other court's people, has none to offer."""
    if not reaches(actor, ScopeKey.city()):
        return []
    courts = scope_court_ids(None, actor)
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(court_id__in=courts)
            | Q(division__court_id__in=courts)
            | Q(judge__court_id__in=courts)
        )
        .select_related("court", "division__court", "judge__court")
        .order_by("pk")
    )
    return [user for user in people if may(user, Action.QUALITY_REVIEW_SCORE)]


# --- sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    name: str
    max_deduction: Decimal
    options: tuple[Decimal, ...] = ()


def _number(text, message: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(message) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.1")) or abs(value) >= 1000:
        raise ValidationError(message)
    return value


def parse_items(text: str) -> list[ItemSpec]:
    """The sheet's items from text, one a line: 名称｜最高扣分｜扣分选项（逗号分隔，可省略）."""
    items: list[ItemSpec] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace("｜", "|").split("|")]
        if len(parts) not in (2, 3) or not parts[0]:
            raise ValidationError(
                _("第%(n)s行格式应为：评查项目｜最高扣分｜扣分选项（可省略）") % {"n": number}
            )
        message = _("第%(n)s行的扣分应为不超过一位小数的正数") % {"n": number}
        top = _number(parts[1], message)
        options = tuple(
            _number(part, message)
            for part in (parts[2] if len(parts) == 3 else "").replace("，", ",").split(",")
            if part.strip()
        )
        if top <= 0 or any(option <= 0 or option > top for option in options):
            raise ValidationError(message + _("，扣分选项不得超过最高扣分"))
        items.append(ItemSpec(name=parts[0][:100], max_deduction=top, options=options))
    if not items:
        raise ValidationError(_("评查表至少应有一个评查项目"))
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("评查项目不能超过%(max)s项") % {"max": MAX_ITEMS})
    if len({item.name for item in items}) < len(items):
        raise ValidationError(_("评查项目名称不能重复"))
    return items


def items_text(sheet: ScoringSheet) -> str:
    """The sheet's items as `parse_items` reads them (the edit form's first value)."""
    return "\n".join(
        "｜".join(filter(None, [item.name, str(item.max_deduction), item.options]))
        for item in sheet.items.all()
    )


def _thresholds(excellent_from, pass_from, flaw_from) -> tuple[Decimal, Decimal, Decimal]:
    values = tuple(
        _number(value, _("等次分数线应为0至100之间的数"))
        for value in (excellent_from, pass_from, flaw_from)
    )
    if not (100 >= values[0] > values[1] > values[2] >= 0):
        raise ValidationError(_("分数线应为：100 ≥ 优秀 > 合格 > 瑕疵 ≥ 0"))
    return values


def _write_sheet(*, name, court, version, previous, thresholds, items, note, actor) -> ScoringSheet:
    excellent, passing, flaw = thresholds
    sheet = ScoringSheet.objects.create(
        name=name,
        court=court,
        version=version,
        previous=previous,
        current=True,
        excellent_from=excellent,
        pass_from=passing,
        flaw_from=flaw,
        note=note,
        created_by=actor,
    )
    SheetItem.objects.bulk_create(
        SheetItem(
            sheet=sheet,
            position=position,
            name=item.name,
            max_deduction=item.max_deduction,
            options=",".join(str(option) for option in item.options),
        )
        for position, item in enumerate(items, start=1)
    )
    trail_record(
        kind=TraceKind.QUALITY_SHEET_CHANGED,
        actor=actor,
        obj=sheet,
        court_id=court.pk if court is not None else user_court_id(actor),
        note=note or name,
        detail={
            "sheet": sheet.pk,
            "version": version,
            "previous": previous.pk if previous is not None else None,
            "thresholds": [str(value) for value in thresholds],
            "items": [[item.name, str(item.max_deduction)] for item in items],
        },
    )
    return sheet


@supervision_service
def quality_sheet_create(
    *,
    name: str,
    court: Court | None,
    items: Sequence[ItemSpec],
    actor: User,
    excellent_from=Decimal("90"),
    pass_from=Decimal("80"),
    flaw_from=Decimal("60"),
    note: str = "",
) -> ScoringSheet:
    """A new scoring sheet of a court or of the city (its first version)."""
    _require_scope(actor, court, {"sheet": name})
    name = require_text(name, _("请填写评查表名称"))[:100]
    if not items:
        raise ValidationError(_("评查表至少应有一个评查项目"))
    return _write_sheet(
        name=name,
        court=court,
        version=1,
        previous=None,
        thresholds=_thresholds(excellent_from, pass_from, flaw_from),
        items=items,
        note=note[:200],
        actor=actor,
    )


@supervision_service
def quality_sheet_revise(
    *,
    sheet: ScoringSheet,
    items: Sequence[ItemSpec],
    actor: User,
    excellent_from,
    pass_from,
    flaw_from,
    note: str = "",
    name: str = "",
) -> ScoringSheet:
    """A new version of a sheet; the campaigns opened with the old one keep it."""
    sheet = ScoringSheet.objects.select_for_update().get(pk=sheet.pk)
    _require_scope(actor, sheet.court, {"sheet": sheet.pk})
    if not sheet.current:
        raise ValidationError(_("只能修改现行版本的评查表"))
    if not items:
        raise ValidationError(_("评查表至少应有一个评查项目"))
    note = require_text(note, _("请填写修改说明"))[:200]
    sheet.current = False
    sheet.save(update_fields=["current"])
    return _write_sheet(
        name=(name or sheet.name).strip()[:100] or sheet.name,
        court=sheet.court,
        version=sheet.version + 1,
        previous=sheet,
        thresholds=_thresholds(excellent_from, pass_from, flaw_from),
        items=items,
        note=note,
        actor=actor,
    )


# --- the case set ------------------------------------------------------------------------------


def routine_sample(
    cases_by_judge: dict[int, Sequence[int]], share_percent: Decimal, seed: int
) -> list[int]:
    """`share_percent` of each judge's cases (at least one), at random from `seed`: judges in
    id order, each judge's case ids in order, one `random.Random(seed)` for all of them."""
    rng = random.Random(seed)
    chosen: list[int] = []
    for judge_id in sorted(cases_by_judge):
        ids = sorted(cases_by_judge[judge_id])
        if not ids:
            continue
        wanted = max(1, math.ceil(len(ids) * Decimal(share_percent) / 100))
        chosen.extend(sorted(rng.sample(ids, min(wanted, len(ids)))))
    return chosen


def _closed_in(court_ids: Iterable[int], closed_from, closed_to):
    return Case.objects.filter(
        court_id__in=list(court_ids),
        closed_on__isnull=False,
        closed_on__range=(closed_from, closed_to),
        judge__isnull=False,
    )


def _routine(base, share_percent, seed) -> list[int]:
    by_judge: dict[int, list[int]] = {}
    for case_id, judge_id in base.order_by("pk").values_list("pk", "judge_id"):
        by_judge.setdefault(judge_id, []).append(case_id)
    return routine_sample(by_judge, share_percent, seed)


def _extensions(base) -> list[int]:
    approved = Count(
        "extension_requests", filter=Q(extension_requests__state=ExtensionState.APPROVED)
    )
    return list(
        base.annotate(approved=approved)
        .filter(approved__gte=2)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _withdrawals(base, min_days: int) -> list[int]:
    return list(
        base.filter(
            closing_method__in=WITHDRAWN,
            closed_on__gt=F("filed_on") + datetime.timedelta(days=min_days),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _chosen(actor, court_ids: set[int], case_ids: Sequence[int]) -> list[int]:
    wanted = list(dict.fromkeys(int(pk) for pk in case_ids))
    if len(wanted) > MAX_CHOSEN:
        raise ValidationError(_("指定案件不能超过%(max)s件") % {"max": MAX_CHOSEN})
    found = Case.objects.filter(pk__in=wanted, court_id__in=court_ids).select_related(
        "court", "division", "judge"
    )
    reached = [case.pk for case in found if case_reached(actor, case)]
    if len(reached) < len(wanted):
        raise ValidationError(_("部分指定案件不存在、不在本次评查范围或不在您的管辖范围内"))
    return reached


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


@supervision_service
def quality_campaign_open(
    *,
    name: str,
    court: Court | None,
    closed_from: datetime.date,
    closed_to: datetime.date,
    sheet: ScoringSheet,
    actor: User,
    sources: Sequence[str] = (QualitySource.ROUTINE,),
    share_percent: Decimal | None = Decimal("5"),
    seed: int | None = None,
    min_pending_days: int | None = None,
    case_ids: Sequence[int] = (),
    score_due_on: datetime.date | None = None,
    rectify_days: int = 15,
    note: str = "",
) -> QualityCampaign:
    """Open a campaign: its case set is drawn now and kept (module docstring)."""
    _require_scope(actor, court, {"name": name})
    name = require_text(name, _("请填写名称"))[:100]
    sources = list(dict.fromkeys(sources))
    if not sources or any(source not in QualitySource.values for source in sources):
        raise ValidationError(_("请选择案件来源"))
    if closed_to < closed_from:
        raise ValidationError(_("结案期间的结束日期不能早于开始日期"))
    if closed_from > today():
        raise ValidationError(_("结案期间不能在今天之后"))
    if not sheet.current or (
        sheet.court_id is not None and sheet.court_id != getattr(court, "pk", None)
    ):
        raise ValidationError(_("请选择本院或%(top)s现行的评查表") % {"top": top_unit_name()})
    if not 1 <= rectify_days <= 90:
        raise ValidationError(_("整改答复期限应为1至90日"))
    if score_due_on is not None and score_due_on < today():
        raise ValidationError(_("评查截止日期不能早于今天"))
    court_ids = scope_court_ids(court, actor)
    base = _closed_in(court_ids, closed_from, closed_to)
    picked: dict[int, str] = {}
    if QualitySource.ROUTINE in sources:
        if share_percent is None or not (Decimal("0.1") <= share_percent <= 100):
            raise ValidationError(_("抽查比例应在0.1%至100%之间"))
        seed = seed if seed is not None else new_seed()
        if not 0 < seed < 2**62:
            raise ValidationError(_("随机种子应为正整数"))
        for pk in _routine(base, share_percent, seed):
            picked.setdefault(pk, QualitySource.ROUTINE)
    else:
        share_percent = seed = None
    if QualitySource.EXTENSIONS in sources:
        for pk in _extensions(base):
            picked.setdefault(pk, QualitySource.EXTENSIONS)
    if QualitySource.WITHDRAWALS in sources:
        if min_pending_days is None or not 1 <= min_pending_days <= 3650:
            raise ValidationError(_("请填写撤诉前的审理天数（1至3650日）"))
        for pk in _withdrawals(base, min_pending_days):
            picked.setdefault(pk, QualitySource.WITHDRAWALS)
    else:
        min_pending_days = None
    if QualitySource.CHOSEN in sources or case_ids:
        if not case_ids:
            raise ValidationError(_("请指定案件"))
        for pk in _chosen(actor, court_ids, case_ids):
            picked.setdefault(pk, QualitySource.CHOSEN)
        if QualitySource.CHOSEN not in sources:
            sources.append(QualitySource.CHOSEN)
    if not picked:
        raise ValidationError(_("按所选来源，本次评查范围内没有案件"))
    campaign = QualityCampaign.objects.create(
        name=name,
        court=court,
        closed_from=closed_from,
        closed_to=closed_to,
        sheet=sheet,
        sources=sources,
        share_percent=share_percent,
        seed=seed,
        min_pending_days=min_pending_days,
        score_due_on=score_due_on,
        rectify_days=rectify_days,
        note=note,
        created_by=actor,
    )
    QualityReview.objects.bulk_create(
        QualityReview(campaign=campaign, case_id=pk, source=source)
        for pk, source in sorted(picked.items())
    )
    counts = {source: list(picked.values()).count(source) for source in sources}
    trail_record(
        kind=TraceKind.QUALITY_CAMPAIGN_OPENED,
        actor=actor,
        obj=campaign,
        court_id=court.pk if court is not None else user_court_id(actor),
        note=name,
        detail={
            "campaign": campaign.pk,
            "cases": len(picked),
            "sources": counts,
            "seed": seed,
            "share_percent": str(share_percent) if share_percent is not None else None,
            "closed_from": closed_from.isoformat(),
            "closed_to": closed_to.isoformat(),
            "sheet": sheet.pk,
        },
    )
    _track(campaign, list(picked), actor)
    return campaign


def _track(campaign: QualityCampaign, case_ids: list[int], actor) -> None:
    """跟踪问效: the campaign's cases, watched from its opening (supervision.services.effects)."""
    from supervision.services.effects import track_effect

    unit = ScopeKey.of(court=campaign.court_id) if campaign.court_id else ScopeKey.city()
    track_effect(
        source="quality_review",
        object_id=campaign.pk,
        unit=unit,
        case_ids=case_ids,
        started_on=timezone.localdate(campaign.created_at),
        title=campaign.name,
        url=_url("supervision:quality_campaign", campaign.pk),
        actor=actor,
    )


# --- reviewers ---------------------------------------------------------------------------------


def _require_candidates(actor, people: Sequence[User]) -> None:
    if not reaches(actor, ScopeKey.city()):
        raise Refused(
            _("交叉评查的评查人由%(office)s指定") % {"office": top_court_office_name()},
            action=Action.QUALITY_REVIEW_MANAGE,
            actor=actor,
        )
    allowed = {user.pk for user in reviewer_candidates(actor)}
    for user in people:
        if user.pk not in allowed:
            raise ValidationError(_("%(name)s不能担任评查人") % {"name": user.display_name})


def _check_reviewer(reviewer: User, case: Case) -> None:
    if not may(reviewer, Action.QUALITY_REVIEW_SCORE):
        raise ValidationError(_("%(name)s不能担任评查人") % {"name": reviewer.display_name})
    court_id = user_court_id(reviewer)
    if court_id is None or court_id == case.court_id:
        raise ValidationError(
            _("评查人不能评查本院案件：%(name)s与案件%(case)s同属一院")
            % {"name": reviewer.display_name, "case": case.case_number}
        )


def reviewers_round_robin(
    reviews: Sequence[tuple[int, int]], pool: Sequence[tuple[int, int | None]]
) -> dict[int, int]:
    """{review id: reviewer id}: reviews (review id, case's court id) in the order given, each
    to the next person of the pool (user id, their court id, in the order given) who is not of
    the case's court — a round robin that skips a reviewer's own court. A review that nobody
    of the pool may take is left out."""
    assigned: dict[int, int] = {}
    if not pool:
        return assigned
    turn = 0
    for review_id, court_id in reviews:
        for step in range(len(pool)):
            user_id, user_court = pool[(turn + step) % len(pool)]
            if user_court is not None and user_court != court_id:
                assigned[review_id] = user_id
                turn = (turn + step + 1) % len(pool)
                break
    return assigned


@supervision_service
def quality_reviewers_assign(
    *, campaign: QualityCampaign, pool: Sequence[User], actor: User
) -> int:
    """Give every unassigned, unscored case of the campaign a reviewer from `pool`, in turn
    (cases by id, the pool by id: the same pool gives the same assignment). How many."""
    campaign = QualityCampaign.objects.select_for_update().get(pk=campaign.pk)
    _require_scope(actor, campaign.court, {"campaign": campaign.pk})
    people = sorted({user.pk: user for user in pool}.values(), key=lambda user: user.pk)
    if not people:
        raise ValidationError(_("请选择评查人"))
    _require_candidates(actor, people)
    rows = list(
        campaign.reviews.filter(state=QualityReviewState.PENDING, reviewer__isnull=True)
        .order_by("case_id")
        .values_list("pk", "case__court_id")
    )
    plan = reviewers_round_robin(rows, [(user.pk, user_court_id(user)) for user in people])
    if len(plan) < len(rows):
        raise ValidationError(
            _("有%(count)s件案件找不到外院评查人：评查人不能评查本院案件，请增加其他法院的评查人")
            % {"count": len(rows) - len(plan)}
        )
    now = timezone.now()
    by_user: dict[int, list[int]] = {}
    for review_id, user_id in plan.items():
        by_user.setdefault(user_id, []).append(review_id)
    for user_id, review_ids in by_user.items():
        QualityReview.objects.filter(pk__in=review_ids, reviewer__isnull=True).update(
            reviewer_id=user_id, assigned_by=actor, assigned_at=now
        )
    names = {user.pk: user.display_name for user in people}
    trail_record(
        kind=TraceKind.QUALITY_REVIEWER_ASSIGNED,
        actor=actor,
        obj=campaign,
        court_id=campaign.court_id or user_court_id(actor),
        note=_("轮流指定评查人：%(names)s") % {"names": "、".join(names.values())},
        detail={
            "campaign": campaign.pk,
            "pool": [user.pk for user in people],
            "assigned": {str(user_id): len(ids) for user_id, ids in by_user.items()},
        },
    )
    for user_id, review_ids in by_user.items():
        notify_users(
            users=[next(user for user in people if user.pk == user_id)],
            title=(
                _("案件评查：%(campaign)s指定您评查%(count)s件案件")
                % {
                    "campaign": campaign.name,
                    "count": len(review_ids),
                }
            )[:200],
            url=_url("supervision:quality_campaigns"),
        )
    return len(plan)


@supervision_service
def quality_reviewer_set(*, review: QualityReview, reviewer: User, actor: User) -> QualityReview:
    """Name (or change) the reviewer of one case, before it is scored."""
    review = (
        QualityReview.objects.select_for_update()
        .select_related("campaign", "case")
        .get(pk=review.pk)
    )
    _require_scope(actor, review.campaign.court, {"review": review.pk})
    if not case_reached(actor, review.case):
        raise Refused(
            _("案件%(case)s不在您的管辖范围内") % {"case": review.case.case_number},
            action=Action.QUALITY_REVIEW_MANAGE,
            actor=actor,
            case=review.case,
        )
    if review.state != QualityReviewState.PENDING:
        raise ValidationError(_("已评查的案件不能更换评查人"))
    _require_candidates(actor, [reviewer])
    _check_reviewer(reviewer, review.case)
    before = review.reviewer_id
    review.reviewer = reviewer
    review.assigned_by = actor
    review.assigned_at = timezone.now()
    review.save(update_fields=["reviewer", "assigned_by", "assigned_at"])
    trail_record(
        kind=TraceKind.QUALITY_REVIEWER_ASSIGNED,
        actor=actor,
        obj=review,
        case=review.case,
        note=_("评查人：%(name)s") % {"name": reviewer.display_name},
        detail={"campaign": review.campaign_id, "before": before, "reviewer": reviewer.pk},
    )
    notify_users(
        users=[reviewer],
        title=(_("案件评查：请评查案件%(case)s") % {"case": review.case.case_number})[:200],
        url=_url("supervision:quality_review", review.pk),
    )
    return review


# --- scoring -----------------------------------------------------------------------------------


def _deductions(sheet: ScoringSheet, given: dict) -> list[tuple[SheetItem, Decimal, str]]:
    """[(item, points, note)] for the items with a deduction; every number checked against the
    item (its maximum, its options)."""
    items = {item.pk: item for item in sheet.items.all()}
    unknown = [key for key in given if int(key) not in items]
    if unknown:
        raise ValidationError(_("评查项目不属于本次评查表"))
    found = []
    for item_id, (points, note) in given.items():
        item = items[int(item_id)]
        points = _number(points or 0, _("“%(item)s”的扣分无效") % {"item": item.name})
        note = (note or "").strip()[:500]
        if points == 0:
            continue
        if points < 0 or points > item.max_deduction:
            raise ValidationError(
                _("“%(item)s”的扣分应在0至%(max)s之间")
                % {"item": item.name, "max": item.max_deduction}
            )
        if item.option_values and points not in item.option_values:
            raise ValidationError(
                _("“%(item)s”的扣分只能是：%(options)s")
                % {"item": item.name, "options": item.options}
            )
        if not note:
            raise ValidationError(_("请写明“%(item)s”的扣分理由") % {"item": item.name})
        found.append((item, points, note))
    return found


@supervision_service
def quality_review_score(
    *, review: QualityReview, deductions: dict, opinion: str, actor: User
) -> QualityReview:
    """The assigned reviewer scores a case: deductions per item (`{item id: (points, note)}`)
    → score (100 less their sum) → grade by the sheet's thresholds. A 瑕疵 or 差错 grade asks
    the case's judge for a rectification, due in the campaign's `rectify_days`."""
    review = (
        QualityReview.objects.select_for_update()
        .select_related("campaign__sheet", "case__judge")
        .get(pk=review.pk)
    )
    case = review.case
    require(actor, Action.QUALITY_REVIEW_SCORE, case=case, detail={"quality_review": review.pk})
    if review.reviewer_id != actor.pk:
        raise refuse_personal(
            actor, Action.QUALITY_REVIEW_SCORE, case=case, detail={"quality_review": review.pk}
        )
    _check_reviewer(actor, case)
    if review.state != QualityReviewState.PENDING:
        raise ValidationError(_("该案件已评查"))
    opinion = require_text(opinion, _("请填写评查意见"))
    sheet = review.campaign.sheet
    found = _deductions(sheet, deductions)
    total = sum((points for _item, points, _note in found), Decimal("0"))
    score = max(Decimal("100") - total, Decimal("0"))
    QualityDeduction.objects.bulk_create(
        QualityDeduction(review=review, item=item, points=points, note=note)
        for item, points, note in found
    )
    review.deduction = total
    review.score = score
    review.grade = sheet.grade_of(score)
    review.opinion = opinion
    review.state = QualityReviewState.SCORED
    review.scored_at = timezone.now()
    review.save()
    trail_record(
        kind=TraceKind.QUALITY_SCORED,
        actor=actor,
        obj=review,
        case=case,
        note=opinion,
        detail={
            "campaign": review.campaign_id,
            "score": str(score),
            "grade": review.grade,
            "deductions": {str(item.pk): str(points) for item, points, _note in found},
        },
    )
    if review.grade in NEEDS_RECTIFICATION:
        _request_rectification(review, found, actor)
    return review


def _request_rectification(review: QualityReview, found, actor) -> Rectification:
    case = review.case
    lines = [
        _("评查等次：%(grade)s（%(score)s分）")
        % {
            "grade": review.get_grade_display(),
            "score": review.score,
        },
        *(f"{item.name}（-{points}）：{note}" for item, points, note in found),
        review.opinion,
    ]
    rectification = Rectification.objects.create(
        review=review,
        case=case,
        request="\n".join(lines),
        due_on=today() + datetime.timedelta(days=review.campaign.rectify_days),
        requested_by=actor,
    )
    trail_record(
        kind=TraceKind.RECTIFY_REQUESTED,
        actor=actor,
        obj=rectification,
        case=case,
        note=_("请于%(due)s前答复整改情况") % {"due": rectification.due_on.isoformat()},
        detail={
            "review": review.pk,
            "grade": review.grade,
            "due_on": rectification.due_on.isoformat(),
        },
    )
    notify_users(
        users=judge_users(case.judge_id),
        title=(
            _("案件评查：案件%(case)s评为%(grade)s，请整改并答复")
            % {"case": case.case_number, "grade": review.get_grade_display()}
        )[:200],
        body=_("答复期限：%(due)s") % {"due": rectification.due_on.isoformat()},
        url=_url("supervision:rectification", rectification.pk),
    )
    return rectification


# --- rectification -----------------------------------------------------------------------------


def _locked_rectification(rectification: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update()
        .select_related("case", "review__campaign")
        .get(pk=rectification.pk)
    )


@supervision_service
def rectification_answer(
    *, rectification: Rectification, answer: str, actor: User
) -> Rectification:
    """The case's judge reports what was rectified."""
    rectification = _locked_rectification(rectification)
    case = rectification.case
    detail = {"rectification": rectification.pk}
    require_case(actor, Action.RECTIFY_ANSWER, case, detail=detail)
    if actor.judge_id is None or actor.judge_id != case.judge_id:
        raise refuse_personal(actor, Action.RECTIFY_ANSWER, case=case, detail=detail)
    answer = require_text(answer, _("请填写整改情况"))
    if rectification.state != RectificationState.OPEN:
        raise ValidationError(_("该整改要求已答复"))
    rectification.answer = answer
    rectification.answered_by = actor
    rectification.answered_at = timezone.now()
    rectification.state = RectificationState.ANSWERED
    rectification.save(update_fields=["answer", "answered_by", "answered_at", "state"])
    trail_record(
        kind=TraceKind.RECTIFY_ANSWERED,
        actor=actor,
        obj=rectification,
        case=case,
        note=answer,
        detail={"review": rectification.review_id, "on_time": today() <= rectification.due_on},
    )
    return rectification


@supervision_service
def rectification_decide(
    *,
    rectification: Rectification,
    accept: bool,
    note: str,
    actor: User,
    due_on: datetime.date | None = None,
) -> Rectification:
    """The office accepts the answer (整改完成) or returns it with a new due date."""
    rectification = _locked_rectification(rectification)
    case = rectification.case
    detail = {"rectification": rectification.pk}
    require_case(actor, Action.QUALITY_REVIEW_MANAGE, case, detail=detail)
    if rectification.state != RectificationState.ANSWERED:
        raise ValidationError(_("没有待审核的整改答复"))
    note = (note or "").strip()
    rectification.decided_by = actor
    rectification.decided_at = timezone.now()
    if accept:
        rectification.state = RectificationState.ACCEPTED
        rectification.decision_note = note
        kind, text = TraceKind.RECTIFY_ANSWERED, _("整改完成") + (f"：{note}" if note else "")
    else:
        note = require_text(note, _("退回时请写明理由"))
        if due_on is None or due_on < today():
            raise ValidationError(_("请填写新的答复期限（不早于今天）"))
        rectification.state = RectificationState.OPEN
        rectification.decision_note = note
        rectification.due_on = due_on
        rectification.returned += 1
        kind, text = TraceKind.RECTIFY_REQUESTED, _("整改答复被退回：%(note)s") % {"note": note}
    rectification.save()
    trail_record(
        kind=kind,
        actor=actor,
        obj=rectification,
        case=case,
        note=text,
        detail={
            "decision": "accepted" if accept else "returned",
            "due_on": rectification.due_on.isoformat(),
        },
    )
    if not accept:
        notify_users(
            users=judge_users(case.judge_id),
            title=(_("案件评查：案件%(case)s的整改答复被退回") % {"case": case.case_number})[:200],
            body=note,
            url=_url("supervision:rectification", rectification.pk),
        )
    return rectification


__all__ = [
    "ItemSpec",
    "items_text",
    "new_seed",
    "parse_items",
    "quality_campaign_open",
    "quality_review_score",
    "quality_reviewer_set",
    "quality_reviewers_assign",
    "quality_sheet_create",
    "quality_sheet_revise",
    "rectification_answer",
    "rectification_decide",
    "reviewer_candidates",
    "reviewers_round_robin",
    "routine_sample",
    "scope_court_ids",
]
