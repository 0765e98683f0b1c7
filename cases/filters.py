"""One FilterSet per model, serving the pages and the API alike (NetBox's way)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

from cases.casenumbers import TYPE_CODES, normalize_case_number
from cases.choices import (
    BAND_URGENT_DAYS,
    BAND_WARNING_DAYS,
    AuditAction,
    Band,
    Category,
    Procedure,
    Track,
)
from cases.dates import today
from cases.keyset import LAST_DATE, last_if_null
from cases.models import AuditEvent, Case, Division, Judge

STATUS_CHOICES = [("pending", _("未结")), ("closed", _("已结"))]


def band_deadline_q(band: Band, day: datetime.date) -> Q:
    """Pending cases of a warning band on `day`, over `band_deadline` (the deadline, a missing
    one as cases.keyset.LAST_DATE): days left < 0, 0-5, 6-15, more, or no deadline."""
    urgent_end = day + datetime.timedelta(days=BAND_URGENT_DAYS)
    warning_end = day + datetime.timedelta(days=BAND_WARNING_DAYS)
    return {
        Band.OVERDUE: Q(band_deadline__lt=day),
        Band.URGENT: Q(band_deadline__gte=day, band_deadline__lte=urgent_end),
        Band.WARNING: Q(band_deadline__gt=urgent_end, band_deadline__lte=warning_end),
        Band.NORMAL: Q(band_deadline__gt=warning_end, deadline__isnull=False),
        Band.NO_LIMIT: Q(band_deadline=LAST_DATE),
    }[band]


def _pending_only(queryset) -> bool:
    """Is the queryset already restricted to pending cases (closed_on IS NULL, at top level)?"""
    return any(
        isinstance(child, IsNull)
        and getattr(child.lhs, "target", None) is Case._meta.get_field("closed_on")
        and child.rhs
        for child in queryset.query.where.children
    )


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("案号"), method="filter_case_number")
    band = django_filters.ChoiceFilter(label=_("预警"), choices=Band.choices, method="filter_band")
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=STATUS_CHOICES, method="filter_status"
    )
    type_code = django_filters.ChoiceFilter(
        label=_("类型代字"), choices=[(code, code) for code in TYPE_CODES]
    )
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    procedure = django_filters.ChoiceFilter(label=_("程序"), choices=Procedure.choices)
    track = django_filters.ChoiceFilter(label=_("适用程序"), choices=Track.choices)
    court = django_filters.CharFilter(label=_("法院代码"), field_name="court__code")
    division = django_filters.ModelChoiceFilter(label=_("部门"), queryset=Division.objects.none())
    judge = django_filters.ModelChoiceFilter(label=_("承办人"), queryset=Judge.objects.none())
    filed_from = django_filters.DateFilter(
        label=_("立案日期起"), field_name="filed_on", lookup_expr="gte"
    )
    filed_to = django_filters.DateFilter(
        label=_("立案日期止"), field_name="filed_on", lookup_expr="lte"
    )
    closed_from = django_filters.DateFilter(
        label=_("结案日期起"), field_name="closed_on", lookup_expr="gte"
    )
    closed_to = django_filters.DateFilter(
        label=_("结案日期止"), field_name="closed_on", lookup_expr="lte"
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "band",
            "status",
            "type_code",
            "category",
            "procedure",
            "track",
            "court",
            "division",
            "judge",
            "filed_from",
            "filed_to",
            "closed_from",
            "closed_to",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = user or getattr(self.request, "user", None)
        # Only units of the user's own scope can be chosen.
        self.filters["division"].queryset = Division.objects.in_scope(user).select_related("court")
        self.filters["judge"].queryset = Judge.objects.in_scope(user)

    def filter_case_number(self, queryset, name, value):
        return queryset.filter(case_number__contains=normalize_case_number(value))

    def filter_band(self, queryset, name, value):
        # The band as a range of the deadline (the same days as CaseQuerySet.with_band), over
        # the expression the case lists' indexes hold, so that a band is an index range.
        queryset = queryset.alias(band_deadline=last_if_null("deadline"))
        if not _pending_only(queryset):
            # Not twice: PostgreSQL would count the condition's selectivity twice and plan the
            # page as if the band held a few hundred cases.
            queryset = queryset.filter(closed_on__isnull=True)
        return queryset.filter(band_deadline_q(Band(value), today()))

    def filter_status(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "pending"))


class DateInput(forms.DateInput):
    """A browser date picker; its value is always ISO (YYYY-MM-DD), whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditLogFilterSet(django_filters.FilterSet):
    """Filters of the audit log page: who, what, and an inclusive range of days (local time)."""

    username = django_filters.CharFilter(label=_("用户"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    date_from = django_filters.DateFilter(
        label=_("日期起"), field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("日期止"), field_name="at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = AuditEvent
        fields = ["username", "action", "date_from", "date_to"]
