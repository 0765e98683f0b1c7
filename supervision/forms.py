"""Forms of the supervision pages: field validation only; the rules live in the services."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.casenumbers import normalize_case_number
from cases.models import Case, Division, Judge
from supervision.choices import FourTypeCategory, MeasureKind, ReferralBody
from supervision.querysets import reach_q


class DateInput(forms.DateInput):
    input_type = "date"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MarkForm(forms.Form):
    category = forms.TypedChoiceField(label=_("类别"), choices=FourTypeCategory.choices, coerce=int)
    reason = forms.CharField(label=_("标注理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施"), choices=MeasureKind.choices)
    instruction = forms.CharField(label=_("要求"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("回复期限"), widget=DateInput)


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("回复"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    body = forms.ChoiceField(label=_("提交至"), choices=ReferralBody.choices)
    question = forms.CharField(label=_("提交讨论的问题"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=366)
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("办结意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("新的答复期限"), required=False, widget=DateInput)


class NoticeForm(forms.Form):
    """督办通知: case numbers one per line (or separated by commas), to a judge or a division."""

    case_numbers = forms.CharField(
        label=_("案号"),
        help_text=_("每行一个案号"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    judge = forms.ModelChoiceField(
        label=_("收件法官"), queryset=Judge.objects.none(), required=False
    )
    division = forms.ModelChoiceField(
        label=_("收件部门"), queryset=Division.objects.none(), required=False
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("督办内容"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("答复期限"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["judge"].queryset = Judge.objects.in_scope(user).select_related("court")
        self.fields["division"].queryset = Division.objects.in_scope(user).select_related("court")

    def clean_case_numbers(self) -> list[Case]:
        numbers = [
            normalize_case_number(part.strip())
            for part in re.split(r"[\n,，;；]+", self.cleaned_data["case_numbers"])
            if part.strip()
        ]
        reachable = Case.objects.filter(reach_q(self.user, court="court_id"))
        found = {case.case_number: case for case in reachable.filter(case_number__in=numbers)}
        missing = [number for number in numbers if number not in found]
        if missing:
            raise forms.ValidationError(
                _("找不到这些案件（或不在您的管辖范围内）：%(numbers)s")
                % {"numbers": "、".join(missing)}
            )
        return [found[number] for number in dict.fromkeys(numbers)]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("judge")) == bool(cleaned.get("division")):
            raise forms.ValidationError(_("请选择一名收件法官或一个收件部门（二选一）"))
        return cleaned
