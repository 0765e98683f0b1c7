"""Read-only REST API of the reports app: the leadership's data, as the reports pages show it.

- quarter-targets: the quarter's targets of a unit and of the units one level down, with where
  each stands and what it takes (the 季目标 page's target rows);
- projections: every indicator of a unit projected to the quarter's end, against its target
  (the 季目标 page's table);
- daily-dynamics: the 日动态 page's numbers of a unit on a day, and its three lists;
- health-findings: the 办案体检 findings of a unit and below, one finding, its cases;
- monthly-reviews: the kept 月讲评, one review as kept, its stored PDF and XLSX.

Each answers from the selector its page uses (reports.selectors), so page and API show the
same numbers. Who may call is the permission table's (`allowed(Action.…)`, as the pages'
`may`); which rows, `in_scope(user)` and `reaches` (cases.units): a unit or a record outside
the caller's scope is not found (404). Case lists and file downloads go to the audit trail,
as on the pages. A query parameter that is not understood: 400 with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cases.api.permissions import allowed
from cases.api.serializers import CaseSerializer
from cases.api.views import FILTER_BACKENDS, ID
from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action
from cases.services import audit_record
from cases.units import (
    ScopeKey,
    UnitNotFound,
    reaches,
    top_unit_name,
    unit_info,
    unit_resolve,
    user_unit,
)
from metrics.definitions.periods import quarter_of
from reports.api import serializers as s
from reports.api.filters import HealthFindingFilterSet, MonthlyReviewFilterSet
from reports.api.meetings import ROUTES as MEETING_ROUTES
from reports.choices import DocumentKind
from reports.downloads import CONTENT_TYPES, document_download
from reports.models import ReportDocument
from reports.selectors.daily import daily_dynamics
from reports.selectors.health import (
    described,
    finding_cases,
    finding_reached,
    health_run,
    unit_findings,
    visible_findings,
)
from reports.selectors.monthly import monthly_reviews
from reports.selectors.targets import quarter_targets
from reports.talks.api import ROUTES as TALK_ROUTES

# The API's pagination (courtdash.pagination, a layer above: named by the settings).
Pagination = api_settings.DEFAULT_PAGINATION_CLASS
OUTSIDE = _("单位不存在或不在您的可见范围内")


def _query(view, serializer_class) -> dict:
    query = serializer_class(data=view.request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def requested_unit(user, data: dict):
    """The unit the query names (court code, division id, judge id), else the caller's own,
    with its names; 404 when it does not exist or lies outside the caller's scope — as the
    pages' `unit_requested`."""
    named = {name: data.get(name) for name in ("court", "division", "judge")}
    if all(value in (None, "") for value in named.values()):
        unit = user_unit(user)
    else:
        try:
            unit = unit_resolve(
                court=named["court"] or None, division=named["division"], judge=named["judge"]
            )
        except (UnitNotFound, ValueError):  # ValueError: a judge of no division
            unit = None
    if unit is None or not reaches(user, unit):
        raise NotFound(OUTSIDE)
    info = unit_info(unit)
    if info is None:
        raise NotFound(OUTSIDE)
    return info


def _quarter(data: dict) -> tuple[int, int]:
    year, quarter = quarter_of(today())
    return data.get("year", year), data.get("quarter", quarter)


@dataclass(frozen=True)
class Entry:
    """One row of progress with its unit and the quarter (what TargetProgressSerializer shows)."""

    unit: ScopeKey
    name: str
    year: int
    quarter: int
    row: object


class ListViewSet(viewsets.GenericViewSet):
    """A computed list (not a queryset), paginated like every list of the API."""

    filter_backends: list = []

    def paginated(self, rows, serializer_class=None):
        page = self.paginate_queryset(rows)
        serializer_class = serializer_class or self.get_serializer_class()
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


# --- quarterly targets and projections -----------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("季目标及进度"),
        description=_(
            "一个单位（默认本人单位）及其下一级单位在一个季度（默认本季度）设定的季目标："
            "当前值、季末预测、目标进度与要达到目标须做到的，与季目标页面相同。"
            "单位不存在或不在您的可见范围内时返回 404。分页。"
        ),
        parameters=[s.TargetQuarterQuerySerializer],
    ),
)
@extend_schema(tags=["reports"])
class QuarterTargetViewSet(ListViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = s.TargetProgressSerializer

    def list(self, request):
        data = _query(self, s.TargetQuarterQuerySerializer)
        info = requested_unit(request.user, data)
        year, quarter = _quarter(data)
        overview = quarter_targets(unit=info.key, year=year, quarter=quarter, today=today())
        rows = [
            Entry(info.key, info.name, year, quarter, row)
            for row in overview.rows
            if row.target is not None
        ]
        rows += [
            Entry(child.unit, child.name, year, quarter, child.row) for child in overview.children
        ]
        return self.paginated(rows)


@extend_schema_view(
    list=extend_schema(
        summary=_("指标季末预测"),
        description=_(
            "一个单位（默认本人单位）每项指标在一个季度（默认本季度）末的预测值及其 95% 区间，"
            "与该单位的季目标（如已设定）、目标进度和要达到目标须做到的，与季目标页面相同。"
            "单位不存在或不在您的可见范围内时返回 404。分页。"
        ),
        parameters=[s.ProjectionQuerySerializer],
    ),
)
@extend_schema(tags=["reports"])
class ProjectionViewSet(ListViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = s.TargetProgressSerializer

    def list(self, request):
        data = _query(self, s.ProjectionQuerySerializer)
        info = requested_unit(request.user, data)
        year, quarter = _quarter(data)
        overview = quarter_targets(unit=info.key, year=year, quarter=quarter, today=today())
        wanted = data.get("indicator")
        rows = [
            Entry(info.key, info.name, year, quarter, row)
            for row in overview.rows
            if wanted is None or row.indicator.slug == wanted
        ]
        return self.paginated(rows)


# --- daily dynamics ------------------------------------------------------------------------


def _case_list_audit(request, *, object_type: str, object_id=None, detail: dict) -> None:
    audit_record(
        action=AuditAction.CASE_LIST,
        request=request,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("日动态"),
        description=_(
            "一个单位（默认本人单位）某日（默认今天）的日动态：收案、结案、未结与去年同日相比，"
            "当日进入审限预警和成为长期未结的案件数，到期未答复的督办通知与函询数，"
            "本季度已设目标的进度，与日动态页面相同。三个列表见 bands、long-pending、letters。"
            "单位不存在或不在您的可见范围内时返回 404。"
        ),
        parameters=[s.DailyQuerySerializer],
        responses={
            200: s.DailyDynamicsSerializer,
            404: OpenApiResponse(s.NotFoundSerializer, description=OUTSIDE),
        },
    ),
    bands=extend_schema(
        summary=_("日动态：当日进入审限预警的案件"),
        description=_("剩余 15 天、5 天或当日起超审限的未结案件。分页；写入审计记录。"),
        parameters=[s.DailyQuerySerializer],
        responses=CaseSerializer(many=True),
    ),
    long_pending=extend_schema(
        summary=_("日动态：当日成为长期未结的案件"),
        description=_("立案满 12 个月仍未结、当日起计入长期未结的案件。分页；写入审计记录。"),
        parameters=[s.DailyQuerySerializer],
        responses=CaseSerializer(many=True),
    ),
    letters=extend_schema(
        summary=_("日动态：到期未答复的督办通知与函询"),
        description=_("截止日已到或已过而尚未答复的督办通知、异常函询，截止日早的在前。分页。"),
        parameters=[s.DailyQuerySerializer],
        responses=s.LetterDueSerializer(many=True),
    ),
)
@extend_schema(tags=["reports"])
class DailyDynamicsViewSet(ListViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = s.DailyDynamicsSerializer
    pagination_class = None

    def _dynamics(self):
        data = _query(self, s.DailyQuerySerializer)
        info = requested_unit(self.request.user, data)
        return info, daily_dynamics(
            user=self.request.user, unit=info.key, day=data.get("day") or today()
        )

    def list(self, request):
        info, dynamics = self._dynamics()
        unit = info.key
        answer = {
            "unit": info,
            "day": dynamics.day,
            "last_year": dynamics.counts["last_year"],
            "numbers": dynamics.counts["numbers"],
            "bands_count": dynamics.bands.count(),
            "long_pending_count": dynamics.long_pending.count(),
            "letters_count": len(dynamics.letters),
            "year": dynamics.year,
            "quarter": dynamics.quarter,
            "targets": [
                Entry(unit, info.name, dynamics.year, dynamics.quarter, row)
                for row in dynamics.progress
            ],
        }
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            object_type="daily_dynamics",
            object_id=f"{unit.scope}:{unit.court_id}:{unit.division_id}:{unit.judge_id}",
            detail={"day": dynamics.day.isoformat(), "api": True},
        )
        return Response(s.DailyDynamicsSerializer(answer).data)

    def _cases(self, request, which: str):
        info, dynamics = self._dynamics()
        cases = dynamics.bands if which == "bands" else dynamics.long_pending
        response = self.paginated(cases, CaseSerializer)
        unit = info.key
        _case_list_audit(
            request,
            object_type="case",
            detail={
                "daily_dynamics": which,
                "day": dynamics.day.isoformat(),
                "scope": str(unit.scope),
                "court": unit.court_id,
                "division": unit.division_id,
                "judge": unit.judge_id,
                "page": request.query_params.get("page", "1"),
                "count": response.data["count"],
            },
        )
        return response

    @action(detail=False, methods=["get"], pagination_class=Pagination)
    def bands(self, request):
        return self._cases(request, "bands")

    @action(detail=False, methods=["get"], url_path="long-pending", pagination_class=Pagination)
    def long_pending(self, request):
        return self._cases(request, "long_pending")

    @action(detail=False, methods=["get"], pagination_class=Pagination)
    def letters(self, request):
        _info, dynamics = self._dynamics()
        return self.paginated(dynamics.letters, s.LetterDueSerializer)


# --- health-check findings -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("办案体检发现"),
        description=_(
            "最近一次（或 as_of 当日及之前最近一次）完成的办案体检在一个单位（默认本人单位）"
            "及其下级发现的问题，仅限您可见范围内的，与办案体检页面相同。"
            "单位不存在或不在您的可见范围内时返回 404。分页。"
        ),
        parameters=[s.HealthQuerySerializer],
    ),
    retrieve=extend_schema(
        summary=_("办案体检发现详情"),
        description=_("一项发现；不在您可见范围内的返回 404。"),
    ),
    cases=extend_schema(
        summary=_("办案体检发现所涉案件"),
        description=_("一项发现所指的案件中您可见的，按案号排序。分页；写入审计记录。"),
        responses=CaseSerializer(many=True),
    ),
)
@extend_schema(tags=["reports"])
class HealthFindingViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [allowed(Action.HEALTH_CHECK)]
    serializer_class = s.HealthFindingSerializer
    filter_backends = [FILTER_BACKENDS[0]]
    filterset_class = HealthFindingFilterSet
    lookup_value_regex = ID

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return visible_findings(user).none()
        if self.action == "list":
            data = _query(self, s.HealthQuerySerializer)
            info = requested_unit(user, data)
            return unit_findings(user=user, unit=info.key, run=health_run(data.get("as_of")))
        return visible_findings(user)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        finding = super().get_object()
        if not finding_reached(self.request.user, finding):
            raise NotFound(_("未找到。"))
        return described(finding)

    def list(self, request, *args, **kwargs):
        findings = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(findings)
        top = top_unit_name()  # one query for the page, not one a finding
        rows = [described(finding, top) for finding in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @action(detail=True, methods=["get"], filter_backends=[], filterset_class=None)
    def cases(self, request, pk=None):
        finding = self.get_object()
        cases = finding_cases(user=request.user, finding=finding)
        page = self.paginate_queryset(cases)
        response = self.get_paginated_response(CaseSerializer(page, many=True).data)
        _case_list_audit(
            request,
            object_type="health_finding",
            object_id=finding.pk,
            detail={
                "kind": finding.kind,
                "count": response.data["count"],
                "page": request.query_params.get("page", "1"),
            },
        )
        return response


# --- monthly reviews -----------------------------------------------------------------------


class FileRenderer(BaseRenderer):
    """A stored file as it is; anything else (an error) as JSON, with JSON's content type."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False, default=str).encode()


class PDFRenderer(FileRenderer):
    media_type = CONTENT_TYPES[DocumentKind.PDF]
    format = "pdf"


class XLSXRenderer(FileRenderer):
    media_type = CONTENT_TYPES[DocumentKind.XLSX]
    format = "xlsx"


def _file_schema(kind: str):
    return extend_schema(
        summary=_("月讲评 %(kind)s 文件") % {"kind": kind.upper()},
        description=_("生成时保存的文件，逐字节原样返回；写入审计记录。未保存该文件时返回 404。"),
        responses={(200, CONTENT_TYPES[kind]): OpenApiTypes.BINARY},
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("月讲评"),
        description=_(
            "您可见范围内已生成并保存的月讲评（最近的月份在前）及其文件，与月讲评页面相同。分页。"
        ),
    ),
    retrieve=extend_schema(
        summary=_("月讲评详情"),
        description=_("一份月讲评的全文，按生成时保存的内容；不在您可见范围内的返回 404。"),
    ),
    pdf=_file_schema(DocumentKind.PDF),
    xlsx=_file_schema(DocumentKind.XLSX),
)
@extend_schema(tags=["reports"])
class MonthlyReviewViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [allowed(Action.MONTHLY_REVIEW_READ)]
    filter_backends = [FILTER_BACKENDS[0]]
    filterset_class = MonthlyReviewFilterSet
    lookup_value_regex = ID

    def get_queryset(self):
        reviews = monthly_reviews(self.request.user).prefetch_related(
            Prefetch(
                "documents",
                queryset=ReportDocument.objects.defer("content").order_by("kind"),
            )
        )
        return reviews if self.action == "retrieve" else reviews.defer("content")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.MonthlyReviewDetailSerializer
        return s.MonthlyReviewSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _file(self, request, kind: str):
        report = self.get_object()
        response = document_download(request=request, report=report, kind=kind)
        if response is None:
            raise NotFound(_("该月讲评没有保存 %(kind)s 文件") % {"kind": kind.upper()})
        return response

    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        return self._file(request, DocumentKind.PDF)

    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, XLSXRenderer])
    def xlsx(self, request, pk=None):
        return self._file(request, DocumentKind.XLSX)


# (prefix under the API root, ViewSet, basename)
ROUTES = [
    ("quarter-targets", QuarterTargetViewSet, "quarter-target"),
    ("projections", ProjectionViewSet, "projection"),
    ("daily-dynamics", DailyDynamicsViewSet, "daily-dynamics"),
    ("health-findings", HealthFindingViewSet, "health-finding"),
    ("monthly-reviews", MonthlyReviewViewSet, "monthly-review"),
    *MEETING_ROUTES,
    *TALK_ROUTES,
]
