"""One FilterSet per model, serving the pages and the API alike (NetBox's way)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.casenumbers import TYPE_CODES, normalize_case_number
from cases.choices import AuditAction, Band, Category, Procedure, Track
from cases.dates import today
from cases.models import AuditEvent, Case, Division, Judge

STATUS_CHOICES = [("pending", _("未结")), ("closed", _("已结"))]


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
        if "band" not in queryset.query.annotations:
            queryset = queryset.with_band(today())
        return queryset.filter(closed_on__isnull=True, band=value)

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
