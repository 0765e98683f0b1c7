"""REST bulk upsert of case records: POST /api/v1/case-imports/ (DATA_FORMAT.md).

The same validator and writer as the import command and the upload page. The body is a JSON
list of records keyed by the DATA_FORMAT.md field names; `?dry_run=true` previews without
writing. Only the office and superusers may import; the office of a basic court only cases of
its own court (others are rejected row by row).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from cases.api.parsers import LimitedJSONParser
from cases.importing import ImportFileError, RecordsSource, case_import
from cases.importing.columns import COLUMNS, Kind
from cases.permissions import Action, may

TRUE_WORDS = {"1", "true", "yes", "on"}


def _has_nul(value) -> bool:
    """A NUL character anywhere (PostgreSQL's text and jsonb cannot hold one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class CanImportCases(permissions.BasePermission):
    message = gettext_lazy("只有审管办和系统管理员可以导入案件")

    def has_permission(self, request, view) -> bool:
        return may(request.user, Action.IMPORT)


def _record_field(column) -> serializers.Field:
    """The documented type of a column; values are checked by the import validator."""
    options = {
        "required": column.required,
        "allow_null": not column.required,
        "help_text": f"{column.header}（{column.name}）",
    }
    if column.kind is Kind.DATE:
        return serializers.DateField(**options)
    if column.kind is Kind.INTEGER:
        return serializers.IntegerField(min_value=0, **options)
    if column.kind is Kind.DECIMAL:
        return serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0, **options)
    if column.kind is Kind.BOOLEAN:
        return serializers.BooleanField(**options)
    if column.kind is Kind.ENUM:
        return serializers.ChoiceField(choices=column.choices.choices, **options)
    return serializers.CharField(max_length=column.max_length, allow_blank=True, **options)


CaseRecordSerializer = type(
    "CaseRecordSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One case record (DATA_FORMAT.md). Enum values may also be the Chinese words.",
        **{column.name: _record_field(column) for column in COLUMNS},
    },
)


class CaseImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1 for the first record of the list")
    case_number = serializers.CharField()
    column = serializers.CharField()
    message = serializers.CharField()


class CaseImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    unknown_columns = serializers.ListField(child=serializers.CharField())
    errors = CaseImportErrorSerializer(many=True)


class CaseImportViewSet(viewsets.ViewSet):
    """Bulk upsert of case records by case number."""

    permission_classes = [permissions.IsAuthenticated, CanImportCases]
    parser_classes = [LimitedJSONParser]  # bodies over COURTDASH_API_MAX_JSON_BYTES: 413

    @extend_schema(
        summary="导入案件（批量新增或更新）",
        request=CaseRecordSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "dry_run", bool, description="true: 只校验并统计，不写入", required=False
            )
        ],
        responses={
            200: CaseImportResultSerializer,
            400: OpenApiResponse(description="请求体不是案件记录的 JSON 数组"),
            403: OpenApiResponse(description="不是审管办或系统管理员"),
            413: OpenApiResponse(description="记录条数或请求体超过上限，请分批提交"),
        },
    )
    def create(self, request):
        records = request.data
        if not isinstance(records, list):
            return Response(
                {"detail": _("请求体必须是案件记录的 JSON 数组")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        limit = settings.COURTDASH_API_IMPORT_MAX_RECORDS
        if len(records) > limit:
            return Response(
                {
                    "detail": _("一次最多提交 %(limit)s 条记录（本次 %(count)s 条），请分批提交")
                    % {"limit": limit, "count": len(records)}
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        if _has_nul(records):
            return Response(
                {"detail": _("请求体含有空字符（\\u0000），请删除后重新提交")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            source = RecordsSource(records, name="api")
        except ImportFileError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        dry_run = request.query_params.get("dry_run", "").lower() in TRUE_WORDS
        result = case_import(
            sources=[source], request=request, origin="api", dry_run=dry_run, max_errors=None
        )
        body = {
            **result.counts(),
            "dry_run": dry_run,
            "unknown_columns": result.sources[0].unknown_columns,
            "errors": [
                {
                    "row": error.row,
                    "case_number": error.case_number,
                    "column": error.column,
                    "message": error.message,
                }
                for error in result.errors
            ],
        }
        return Response(CaseImportResultSerializer(body).data)
