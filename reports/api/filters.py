"""Filter sets of the reports API's stored rows: health-check findings, kept monthly reviews."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from metrics.choices import Scope
from reports.choices import FindingKind
from reports.models import Finding, MonthlyReport


class HealthFindingFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("问题类型"), choices=FindingKind.choices)
    scope = django_filters.ChoiceFilter(label=_("层级"), choices=Scope.choices)

    class Meta:
        model = Finding
        fields = ["kind", "scope"]


class MonthlyReviewFilterSet(django_filters.FilterSet):
    month = django_filters.DateFilter(
        label=_("月份（该月任一日，如 2025-05-01）"), method="filter_month"
    )
    month_from = django_filters.DateFilter(
        label=_("月份起（含该日所在月）"), method="filter_month_from"
    )
    month_to = django_filters.DateFilter(
        label=_("月份止（含该日所在月）"), method="filter_month_to"
    )
    scope = django_filters.ChoiceFilter(label=_("层级"), choices=Scope.choices)
    court = django_filters.CharFilter(label=_("法院代码"), field_name="court__code", max_length=20)

    class Meta:
        model = MonthlyReport
        fields = ["month", "month_from", "month_to", "scope", "court"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))

    def filter_month_from(self, queryset, name, value):
        return queryset.filter(month__gte=value.replace(day=1))

    def filter_month_to(self, queryset, name, value):
        return queryset.filter(month__lte=value.replace(day=1))
