"""Read-only REST API of the cases app: cases, courts, divisions, judges, the audit trail.

Every queryset goes through `.in_scope(request.user)` (cases.units decides; nothing here does),
so an out-of-scope object is simply not found: a 404, never a 403 that would confirm it exists.
Every case list and case detail answered is written to the audit trail.
"""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from cases.api.authentication import token_for
from cases.api.serializers import (
    AuditEventSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CourtSerializer,
    DivisionSerializer,
    JudgeSerializer,
    TokenSerializer,
)
from cases.choices import AuditAction, CourtLevel
from cases.dates import today
from cases.filters import CaseFilterSet
from cases.models import AuditEvent, Case, Court, Division, Judge
from cases.services import audit_record

ID = r"\d+"


class StableOrderingFilter(OrderingFilter):
    """Ordering with the primary key as the last key, so that pages never overlap or skip."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(key.lstrip("-") in ("id", "pk") for key in ordering):
            ordering = [*ordering, "id"]
        return ordering

    def get_schema_operation_parameters(self, view):
        # The schema lists the orderings a view accepts (the base class says only "a string").
        fields = getattr(view, "ordering_fields", None) or []
        parameter = super().get_schema_operation_parameters(view)[0]
        parameter["description"] = _("排序字段，前加 - 为倒序：%(fields)s") % {
            "fields": ", ".join(fields)
        }
        parameter["schema"] = {
            "type": "string",
            "enum": [value for field in fields for value in (field, f"-{field}")],
        }
        return [parameter]


FILTER_BACKENDS = [django_filters.rest_framework.DjangoFilterBackend, StableOrderingFilter]


class MomentField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, turned into UTC: PostgreSQL refuses an offset past ±15:59 (which
    ISO allows), and a moment that cannot be told in UTC (near year 1) is a clear 400."""

    default_error_messages = {"range": _("时间超出可处理的范围")}

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["range"], code="range") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    """A date-time query parameter (`format: date-time` in the schema), as MomentField reads it."""

    field_class = MomentField


@extend_schema_view(
    list=extend_schema(
        summary=_("案件列表"),
        description=_(
            "您可见范围内的案件，可按 CaseFilterSet 的条件筛选，分页（count 为总数，最多计到 "
            "10000；超过时仍可按 next 链接继续翻页）。"
            "每次请求写入审计记录（筛选条件与总数）。"
        ),
    ),
    retrieve=extend_schema(
        summary=_("案件详情"),
        description=_(
            "一个案件：记录、审限、预警、剩余天数、原审与衍生案件。"
            "不在您可见范围内的案件返回 404。每次请求写入审计记录。"
        ),
    ),
)
@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = FILTER_BACKENDS
    filterset_class = CaseFilterSet
    ordering_fields = ["case_number", "filed_on", "closed_on", "deadline", "days_left"]
    lookup_value_regex = ID

    def get_queryset(self):
        user = self.request.user
        queryset = (
            Case.objects.in_scope(user)
            .with_band(today())
            .select_related("court", "division", "judge")
        )
        if self.action == "retrieve":
            visible = Case.objects.in_scope(user)
            queryset = queryset.prefetch_related(
                Prefetch("origin", queryset=visible, to_attr="visible_origin"),
                Prefetch(
                    "derived_cases",
                    queryset=visible.order_by("filed_on", "case_number"),
                    to_attr="visible_derived_cases",
                ),
            )
        return queryset

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        params = request.query_params
        audit_record(
            action=AuditAction.CASE_LIST,
            request=request,
            object_type="case",
            detail={
                "filters": {
                    name: params.get(name) for name in CaseFilterSet.base_filters if name in params
                },
                "ordering": params.get("ordering", ""),
                "page": params.get("page", "1"),
                "count": response.data["count"],
            },
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(
            action=AuditAction.CASE_VIEW,
            request=request,
            object_type="case",
            object_id=response.data["id"],
            detail={"case_number": response.data["case_number"]},
        )
        return response


class CourtFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(label=_("法院代码"))
    level = django_filters.ChoiceFilter(label=_("层级"), choices=CourtLevel.choices)
    parent = django_filters.NumberFilter(label=_("上级法院"), field_name="parent_id")

    class Meta:
        model = Court
        fields = ["code", "level", "parent"]


@extend_schema_view(
    list=extend_schema(summary=_("法院列表"), description=_("您可见范围内的法院。")),
    retrieve=extend_schema(summary=_("法院")),
)
@extend_schema(tags=["courts"])
class CourtViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourtSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = CourtFilterSet
    ordering_fields = ["code", "name", "level"]
    lookup_value_regex = ID

    def get_queryset(self):
        return Court.objects.in_scope(self.request.user).select_related("parent")


class DivisionFilterSet(django_filters.FilterSet):
    # Plain ids and codes, not model choices: an unknown and an out-of-scope court look alike.
    court = django_filters.NumberFilter(label=_("法院"), field_name="court_id")
    court_code = django_filters.CharFilter(label=_("法院代码"), field_name="court__code")
    name = django_filters.CharFilter(label=_("部门"))

    class Meta:
        model = Division
        fields = ["court", "court_code", "name"]


@extend_schema_view(
    list=extend_schema(summary=_("部门列表"), description=_("您可见范围内的部门。")),
    retrieve=extend_schema(summary=_("部门")),
)
@extend_schema(tags=["divisions"])
class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DivisionSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = DivisionFilterSet
    ordering_fields = ["court__code", "name"]
    lookup_value_regex = ID

    def get_queryset(self):
        return Division.objects.in_scope(self.request.user).select_related("court")


class JudgeFilterSet(django_filters.FilterSet):
    court = django_filters.NumberFilter(label=_("法院"), field_name="court_id")
    court_code = django_filters.CharFilter(label=_("法院代码"), field_name="court__code")
    division = django_filters.NumberFilter(label=_("部门"), field_name="division_id")
    staff_id = django_filters.CharFilter(label=_("承办人工号"))

    class Meta:
        model = Judge
        fields = ["court", "court_code", "division", "staff_id"]


@extend_schema_view(
    list=extend_schema(summary=_("法官列表"), description=_("您可见范围内的承办法官。")),
    retrieve=extend_schema(summary=_("法官")),
)
@extend_schema(tags=["judges"])
class JudgeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = JudgeSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = JudgeFilterSet
    ordering_fields = ["court__code", "staff_id", "name"]
    lookup_value_regex = ID

    def get_queryset(self):
        return Judge.objects.in_scope(self.request.user).select_related("court", "division")


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    username = django_filters.CharFilter(label=_("用户名"))
    object_type = django_filters.CharFilter(label=_("对象类型"))
    object_id = django_filters.CharFilter(label=_("对象"))
    at_from = MomentFilter(label=_("时间起"), field_name="at", lookup_expr="gte")
    at_to = MomentFilter(label=_("时间止"), field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "username", "object_type", "object_id", "at_from", "at_to"]


@extend_schema_view(
    list=extend_schema(
        summary=_("审计记录"),
        description=_(
            "审管办读取本院用户的审计记录（中院审管办：全市）；超级用户读取全部。"
            "其他角色得到空列表（200，count 为 0），不是 403：可见范围是唯一的权限机制。"
        ),
    ),
    retrieve=extend_schema(summary=_("审计记录详情")),
)
@extend_schema(tags=["audit-events"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = AuditEventFilterSet
    ordering_fields = ["at"]
    lookup_value_regex = ID

    def get_queryset(self):
        return AuditEvent.objects.in_scope(self.request.user)


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's username and password, the username no longer than a username can be (a longer
    one is a 400 here, not a failed login that django-axes cannot record)."""

    username = serializers.CharField(label=_("用户名"), max_length=150, write_only=True)


class TokenObtainView(ObtainAuthToken):
    """Username and password in, the user's API token out (DRF's obtain_auth_token), audited.

    Failed attempts go through django-axes like the login page (settings, AXES_*). The token
    expires COURTDASH_API_TOKEN_HOURS after it was issued; asking again then gives a new one.
    """

    # Credentials are the authentication here; a session must not add a CSRF requirement.
    authentication_classes = ()
    serializer_class = TokenRequestSerializer

    @extend_schema(
        summary=_("获取 API 令牌"),
        description=_(
            "用用户名和密码换取令牌；之后每个请求带请求头 Authorization: Token …。"
            "令牌在签发后的规定小时数内有效，修改密码或停用账号后失效，过期后请重新获取。"
        ),
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token = token_for(user)
        audit_record(
            action=AuditAction.LOGIN, request=request, user=user, detail={"method": "api_token"}
        )
        return Response(TokenSerializer({"token": token.key}).data)
