"""The filter set of stored indicator values (API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from metrics.choices import IndicatorSet, PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.models import IndicatorValue
from metrics.selectors import latest_as_of


class IndicatorValueFilterSet(django_filters.FilterSet):
    """Without as_of, as_of_from or as_of_to: the latest computed day (of `period`, if given)."""

    as_of = django_filters.DateFilter(
        label=_("统计截止日（默认最近一次计算完成的日期）"), field_name="as_of"
    )
    as_of_from = django_filters.DateFilter(
        label=_("统计截止日起"), field_name="as_of", lookup_expr="gte"
    )
    as_of_to = django_filters.DateFilter(
        label=_("统计截止日止"), field_name="as_of", lookup_expr="lte"
    )
    period = django_filters.ChoiceFilter(label=_("统计期间"), choices=PeriodKind.choices)
    scope = django_filters.ChoiceFilter(label=_("层级"), choices=Scope.choices)
    # Plain codes and ids, not model choices: an unknown and an out-of-scope unit look alike.
    court = django_filters.CharFilter(label=_("法院代码"), field_name="court__code")
    division = django_filters.NumberFilter(label=_("部门 id"), field_name="division_id")
    judge = django_filters.NumberFilter(label=_("法官 id"), field_name="judge_id")
    indicator = django_filters.MultipleChoiceFilter(label=_("指标"), choices=INDICATORS.choices())
    # The rows of the indicators of one set (an indicator of both is in either).
    set = django_filters.ChoiceFilter(
        label=_("指标体系：local 本地考核指标；spc2024 最高法院2024年指标"),
        choices=IndicatorSet.choices,
        method="filter_set",
        error_messages={"invalid_choice": _("未知指标体系“%(value)s”：可选 local 或 spc2024")},
    )

    DAY_FILTERS = ("as_of", "as_of_from", "as_of_to")

    class Meta:
        model = IndicatorValue
        fields = [
            "as_of",
            "as_of_from",
            "as_of_to",
            "period",
            "scope",
            "court",
            "division",
            "judge",
            "indicator",
            "set",
        ]

    def filter_set(self, queryset, name, value):
        return queryset.filter(indicator__in=list(INDICATORS.of_set(value)))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not any(data.get(name) for name in self.DAY_FILTERS):
            latest = latest_as_of(data.get("period") or None)
            queryset = queryset.none() if latest is None else queryset.filter(as_of=latest)
        return queryset
