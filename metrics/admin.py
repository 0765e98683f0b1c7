"""Read-only: the office edits targets on the indicator's page (`indicator_target_update`:
permission checked, the change recorded, the stored scores rescored), never here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin import ReadOnly, ReadOnlyAdmin
from metrics.definitions.indicators import INDICATORS
from metrics.models import (
    ComputationRun,
    IndicatorMonthlyTarget,
    IndicatorTarget,
    IndicatorTargetChange,
    ReferenceRange,
)


class IndicatorMonthlyTargetInline(ReadOnly, admin.TabularInline):
    model = IndicatorMonthlyTarget
    extra = 0
    max_num = 12
    fields = ["month", "target", "warning"]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "indicator_label",
        "direction_label",
        "weight",
        "target",
        "warning",
        "lower_target",
        "upper_target",
        "lower_warning",
        "upper_warning",
        "by_month",
        "updated_at",
    ]
    inlines = [IndicatorMonthlyTargetInline]
    readonly_fields = ["updated_at"]

    @admin.display(description=_("序号"))
    def number(self, obj):
        indicator = INDICATORS.get(obj.indicator)
        return indicator.number if indicator else None

    @admin.display(description=_("指标"))
    def indicator_label(self, obj):
        return str(obj)

    @admin.display(description=_("方向"))
    def direction_label(self, obj):
        indicator = INDICATORS.get(obj.indicator)
        return indicator.direction.label if indicator else ""


@admin.register(IndicatorTargetChange)
class IndicatorTargetChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "indicator", "old", "new"]
    list_filter = ["indicator"]
    readonly_fields = ["at", "user", "username", "indicator", "old", "new"]


@admin.register(ComputationRun)
class ComputationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "as_of",
        "period",
        "status",
        "started_at",
        "finished_at",
        "cases",
        "scopes",
        "values",
    ]
    list_filter = ["period", "status"]
    date_hierarchy = "as_of"


# issue 14: the office enters reference ranges on /reports/ranges/edit/ (reference_range_set:
# validated, a new append-only row, audited), never here.
@admin.register(ReferenceRange)
class ReferenceRangeAdmin(ReadOnlyAdmin):
    list_display = [
        "changed_at", "username", "indicator", "court_level", "lower", "upper", "effective_from",
        "demo",
    ]  # fmt: skip
    list_filter = ["indicator", "court_level", "demo"]
