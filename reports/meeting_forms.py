"""The forms of the data-review meeting (数据会商) pages."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.dates import today
from cases.units import top_unit_name

TEXT = {"rows": 3, "maxlength": 2000}


def _month(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise ValidationError(_("月份格式应为 YYYY-MM")) from None


class MonthField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return _month(value) if value else None


class AgendaForm(forms.Form):
    """Which unit and month (GET: the agenda preview)."""

    court = forms.TypedChoiceField(label=_("法院"), coerce=int, required=False, empty_value=None)
    division = forms.TypedChoiceField(
        label=_("部门（可不选）"), coerce=int, required=False, empty_value=None
    )
    month = MonthField(label=_("会商月份"))

    def __init__(self, *args, courts, divisions, city: bool, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", top_unit_name())] if city else []
        self.fields["court"].choices = blank + [(c.pk, f"{c.code} {c.name}") for c in courts]
        self.fields["court"].required = not city
        self.fields["division"].choices = [("", _("整个单位"))] + [
            (d.pk, f"{d.court.code} {d.name}") for d in divisions
        ]

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month is not None and month > today().replace(day=1):
            raise ValidationError(_("会商月份不能晚于本月"))
        return month


class MeetingCreateForm(forms.Form):
    held_on = forms.DateField(label=_("会商日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(
        label=_("参会人员"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("讨论情况"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("决定事项"), max_length=2000, widget=forms.Textarea(attrs=TEXT))
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=None)
    due_on = forms.DateField(label=_("办理期限"), widget=forms.DateInput(attrs={"type": "date"}))
    task = forms.CharField(
        label=_("办理要求（可不填，默认同决定事项）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: " ".join(
            part
            for part in (
                user.display_name,
                user.get_role_display(),
                user.court.code if user.court_id else "",
                user.division.name if user.division_id else "",
            )
            if part
        )


class DoneForm(forms.Form):
    note = forms.CharField(label=_("办理情况"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("销号意见"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )
