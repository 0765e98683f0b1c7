"""The API of the reference ranges (区间参考值) of the SPC's 2024 set: read-only, for the
dashboards' readers (`allowed(DASHBOARDS)`), as the reports' ranges page shows them. The ranges
are the city's (not scoped by unit); the office enters them on that page, not here."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from cases.api.permissions import allowed
from cases.choices import CourtLevel
from cases.permissions import Action
from metrics.api.serializers import PlainNumberField
from metrics.definitions.indicators import SPC2024_INDICATORS
from metrics.models import ReferenceRange
from metrics.selectors import latest_range_rows, reference_range_history


class ReferenceRangeSerializer(serializers.ModelSerializer):
    """One range as entered: a bound may be null (one-sided); `court_level` null for all levels;
    `demo` true for a demo value (not the SPC's)."""

    indicator_label = serializers.CharField(source="get_indicator_display", read_only=True)
    # A plain string (the courts' `level` values): one enum of court levels in the schema.
    court_level = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("法院层级（courts 的 level）；null 为全部层级")
    )
    court_level_label = serializers.SerializerMethodField()
    lower = PlainNumberField()
    upper = PlainNumberField()
    set_by = serializers.SerializerMethodField()

    class Meta:
        model = ReferenceRange
        fields = [
            "id",
            "indicator",
            "indicator_label",
            "court_level",
            "court_level_label",
            "lower",
            "upper",
            "effective_from",
            "note",
            "demo",
            "changed_at",
            "set_by",
        ]
        read_only_fields = fields

    def get_court_level_label(self, row) -> str:
        return str(row.get_court_level_display()) if row.court_level else str(_("全部层级"))

    def get_set_by(self, row) -> str:
        return row.changed_by.display_name if row.changed_by else row.username


PARAMETERS = [
    OpenApiParameter("indicator", OpenApiTypes.STR, description=_("指标（最高法院2024年指标）")),
    OpenApiParameter("court_level", OpenApiTypes.STR, description=_("法院层级；all 为全部层级")),
    OpenApiParameter(
        "on", OpenApiTypes.DATE, description=_("只列该日适用的区间（每个指标和层级一条）")
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("区间参考值"),
        description=_("全部设定记录，新的在前；给出 on 时只列该日适用的区间。"),
        parameters=PARAMETERS,
    )
)
@extend_schema(tags=["metrics"])
class ReferenceRangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = ReferenceRangeSerializer

    def get_queryset(self):
        params = self.request.query_params
        indicator = params.get("indicator") or None
        if indicator is not None and indicator not in SPC2024_INDICATORS:
            raise serializers.ValidationError({"indicator": [_("未知指标或不设区间参考值的指标")]})
        level = params.get("court_level") or None
        if level is not None and level != "all" and level not in CourtLevel.values:
            raise serializers.ValidationError({"court_level": [_("未知法院层级")]})
        on = params.get("on")
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError:
                raise serializers.ValidationError({"on": [_("日期格式应为 YYYY-MM-DD")]}) from None
            slugs = [indicator] if indicator else list(SPC2024_INDICATORS)
            ids = latest_range_rows(slugs, day).values("id")
            rows = reference_range_history().filter(id__in=ids)
        else:
            rows = reference_range_history(indicator)
        if level == "all":
            rows = rows.filter(court_level__isnull=True)
        elif level is not None:
            rows = rows.filter(court_level=level)
        return rows
