"""Filter sets of the supervision API. Ids are plain numbers: an unknown unit and one out of
scope look alike (the querysets are scoped before these filters apply)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.api.views import MomentFilter
from supervision.choices import (
    ExtensionState,
    FourTypeCategory,
    LetterState,
    MarkSource,
    MarkState,
    MeasureKind,
    ReferralBody,
    ReviewState,
    ReviewTrigger,
    TraceKind,
)
from supervision.models import (
    CampaignCase,
    ExtensionRequest,
    FourTypeMark,
    Inquiry,
    Measure,
    Notice,
    Referral,
    ReversalReview,
    TraceEntry,
)


def _number(label, field):
    return django_filters.NumberFilter(label=label, field_name=field)


class CaseUnitFilterSet(django_filters.FilterSet):
    case = _number(_("案件"), "case_id")
    court = _number(_("法院"), "case__court_id")
    division = _number(_("部门"), "case__division_id")
    judge = _number(_("法官"), "case__judge_id")


class FourTypeMarkFilterSet(CaseUnitFilterSet):
    category = django_filters.MultipleChoiceFilter(
        label=_("类别"), choices=FourTypeCategory.choices
    )
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=MarkState.choices)
    source = django_filters.MultipleChoiceFilter(label=_("标注来源"), choices=MarkSource.choices)

    class Meta:
        model = FourTypeMark
        fields = ["case", "court", "division", "judge", "category", "state", "source"]


class MeasureFilterSet(CaseUnitFilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("措施"), choices=MeasureKind.choices)
    responded = django_filters.BooleanFilter(
        label=_("已回复"), field_name="responded_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Measure
        fields = ["case", "court", "division", "judge", "kind", "responded"]


class ReferralFilterSet(CaseUnitFilterSet):
    body = django_filters.ChoiceFilter(label=_("提交至"), choices=ReferralBody.choices)

    class Meta:
        model = Referral
        fields = ["case", "court", "division", "judge", "body"]


class ExtensionRequestFilterSet(CaseUnitFilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ExtensionState.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["case", "court", "division", "judge", "state"]


class LetterFilterSet(django_filters.FilterSet):
    court = _number(_("法院"), "court_id")
    division = _number(_("部门"), "division_id")
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=LetterState.choices)
    deadline_before = django_filters.DateFilter(
        label=_("答复期限早于"), field_name="deadline", lookup_expr="lt"
    )


class NoticeFilterSet(LetterFilterSet):
    judge = _number(_("收件法官"), "judge_id")
    case = _number(_("案件"), "cases")

    class Meta:
        model = Notice
        fields = ["court", "division", "state", "deadline_before", "judge", "case"]


class InquiryFilterSet(LetterFilterSet):
    indicator_slug = django_filters.CharFilter(label=_("指标"))

    class Meta:
        model = Inquiry
        fields = ["court", "division", "state", "deadline_before", "indicator_slug"]


class ReviewFilterSet(CaseUnitFilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ReviewState.choices)
    trigger = django_filters.ChoiceFilter(label=_("评查事由"), choices=ReviewTrigger.choices)
    decided_from = django_filters.DateFilter(
        label=_("改判、发回日期起"), field_name="decided_on", lookup_expr="gte"
    )
    decided_to = django_filters.DateFilter(
        label=_("改判、发回日期止"), field_name="decided_on", lookup_expr="lte"
    )

    class Meta:
        model = ReversalReview
        fields = [
            "case",
            "court",
            "division",
            "judge",
            "state",
            "trigger",
            "decided_from",
            "decided_to",
        ]


class CampaignCaseFilterSet(CaseUnitFilterSet):
    campaign = _number(_("清理攻坚"), "campaign_id")
    closed = django_filters.BooleanFilter(
        label=_("已结"), field_name="case__closed_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = CampaignCase
        fields = ["campaign", "case", "court", "division", "judge", "closed"]


class TraceEntryFilterSet(django_filters.FilterSet):
    case = _number(_("案件"), "case_id")
    notice = _number(_("督办通知"), "notice_id")
    inquiry = _number(_("异常函询"), "inquiry_id")
    court = _number(_("法院"), "court_id")
    division = _number(_("部门"), "division_id")
    kind = django_filters.MultipleChoiceFilter(label=_("事项"), choices=TraceKind.choices)
    at_from = MomentFilter(label=_("时间起"), field_name="at", lookup_expr="gte")
    at_to = MomentFilter(label=_("时间止"), field_name="at", lookup_expr="lt")

    class Meta:
        model = TraceEntry
        fields = ["case", "notice", "inquiry", "court", "division", "kind", "at_from", "at_to"]
