"""评查 (case quality review campaigns): campaigns (open, assign reviewers, results), reviews
(score), rectifications (answer, accept or return)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases.permissions import Action, may
from cases.units import ScopeKey, user_unit
from supervision.api.serializers import quality as s
from supervision.api.views.base import ReadViewSet
from supervision.models import QualityReview
from supervision.selectors import quality as selectors
from supervision.services import quality as services

TAGS = ["supervision: case quality review"]


def _reader(user) -> bool:
    return may(user, Action.QUALITY_REVIEW_READ) or may(user, Action.QUALITY_REVIEW_MANAGE)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("案件评查"), tags=TAGS),
    retrieve=extend_schema(summary=gettext_lazy("案件评查详情"), tags=TAGS),
)
class QualityCampaignViewSet(ReadViewSet):
    serializer_class = s.QualityCampaignSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.campaigns_in_scope(self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in ("list", "retrieve", "results") and not _reader(request.user):
            raise PermissionDenied(_("您的角色不能查看案件评查"))

    @extend_schema(
        summary=gettext_lazy("开展评查"),
        description=gettext_lazy(
            "审管办开展评查：按来源（常规抽查、多次延长审限、长期未结后撤诉、指定案件）确定案件，"
            "常规抽查按随机种子可重现。"
        ),
        request=s.QualityCampaignCreateSerializer,
        responses={201: s.QualityCampaignSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.QualityCampaignCreateSerializer)
        campaign = services.quality_campaign_open(actor=request.user, **data)
        return self.answer(campaign, created=True)

    @extend_schema(
        summary=gettext_lazy("轮流指定评查人"),
        request=s.PoolSerializer,
        responses=s.QualityCampaignSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        campaign = self.get_object()
        data = self.validated(s.PoolSerializer)
        pool = s.reviewer_users(data["reviewers"])
        if len(pool) < len(set(data["reviewers"])):
            raise ValidationError(_("评查人不存在"))
        # The service checks the actor first, then that every reviewer is one they may name.
        services.quality_reviewers_assign(campaign=campaign, pool=pool, actor=request.user)
        return self.answer(campaign)

    @extend_schema(
        summary=gettext_lazy("评查结果"),
        description=gettext_lazy("按单位、按评查项目（您可见的案件）。"),
        tags=TAGS,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request, pk=None):
        campaign = self.get_object()
        user = request.user
        unit = user_unit(user) or ScopeKey.city()
        if campaign.court_id is not None and unit.scope == "city":
            unit = ScopeKey.of(court=campaign.court_id)
        reviews = selectors.results_reviews(user, unit=unit, campaign=campaign)
        progress = selectors.progress_of(selectors.campaign_reviews(user, campaign))
        by_unit = [
            {key: value for key, value in row.items() if key != "unit"}
            for row in selectors.results_by_unit(reviews, unit)
        ]
        return Response(
            {
                "campaign": campaign.pk,
                "progress": progress,
                "by_unit": by_unit,
                "by_item": selectors.results_by_item(reviews),
            }
        )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("评查案件"), tags=TAGS),
    retrieve=extend_schema(summary=gettext_lazy("评查案件详情"), tags=TAGS),
)
class QualityReviewViewSet(ReadViewSet):
    serializer_class = s.QualityReviewSerializer
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        seen = QualityReview.objects.in_scope(user)
        if not _reader(user):
            seen = seen.filter(case__judge_id=user.judge_id) if user.judge_id else seen.none()
        return (
            QualityReview.objects.filter(Q(pk__in=seen.values("pk")) | Q(reviewer=user))
            .select_related("campaign", "case__court", "case__division", "case__judge")
            .prefetch_related("deductions__item")
            .order_by("campaign_id", "case_id")
        )

    @extend_schema(
        summary=gettext_lazy("评查打分"),
        description=gettext_lazy("指定的评查人按评查表逐项扣分，得出得分和等次。"),
        request=s.ScoreSerializer,
        responses=s.QualityReviewSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        data = self.validated(s.ScoreSerializer)
        deductions = {row["item"]: (row["points"], row["note"]) for row in data["deductions"]}
        review = services.quality_review_score(
            review=self.get_object(),
            deductions=deductions,
            opinion=data["opinion"],
            actor=request.user,
        )
        return self.answer(review)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("评查整改"), tags=TAGS),
    retrieve=extend_schema(summary=gettext_lazy("评查整改详情"), tags=TAGS),
)
class RectificationViewSet(ReadViewSet):
    serializer_class = s.RectificationSerializer
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        rows = selectors.rectifications_for(user)
        if not (_reader(user) or user.judge_id):
            return rows.none()
        return rows.order_by("due_on", "pk")

    @extend_schema(
        summary=gettext_lazy("答复整改情况"),
        request=s.RectifyAnswerSerializer,
        responses=s.RectificationSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = self.validated(s.RectifyAnswerSerializer)
        item = services.rectification_answer(
            rectification=self.get_object(), answer=data["answer"], actor=request.user
        )
        return self.answer_object(item)

    @extend_schema(
        summary=gettext_lazy("审核整改答复"),
        request=s.RectifyDecideSerializer,
        responses=s.RectificationSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = self.validated(s.RectifyDecideSerializer)
        item = services.rectification_decide(
            rectification=self.get_object(), actor=request.user, **data
        )
        return self.answer_object(item)

    def answer_object(self, item):
        return ReadViewSet.answer(self, item)
