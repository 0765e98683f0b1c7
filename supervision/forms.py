"""Forms of the supervision pages: field validation only; the rules live in the services."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.casenumbers import normalize_case_number
from cases.filters import DateInput
from cases.models import Case, Court, Division, Judge, User
from cases.units import COURT_ROLES, OWN_COLUMNS, unit_q
from supervision.choices import FourTypeCategory, MeasureKind, ReasonClass, ReferralBody, Severity


def cases_by_number(text: str, user) -> list[Case]:
    """Case numbers one per line (or separated by commas) -> the cases, in the order given;
    refused when one is unknown or out of the user's reach (an inspector reaches the cases of
    their court here, not only those joined to them: they name them to be joined)."""
    numbers = [
        normalize_case_number(part.strip())
        for part in re.split(r"[\n,，;；]+", text)
        if part.strip()
    ]
    reachable = Case.objects.filter(unit_q(user, OWN_COLUMNS))
    found = {case.case_number: case for case in reachable.filter(case_number__in=numbers)}
    missing = [number for number in numbers if number not in found]
    if missing:
        raise forms.ValidationError(
            _("找不到这些案件（或不在您的管辖范围内）：%(numbers)s")
            % {"numbers": "、".join(missing)}
        )
    return [found[number] for number in dict.fromkeys(numbers)]


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}）"


class Form(forms.Form):
    """A supervision form: labels without the trailing ASCII colon (the pages are Chinese)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReasonForm(Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MarkForm(Form):
    category = forms.TypedChoiceField(label=_("类别"), choices=FourTypeCategory.choices, coerce=int)
    reason = forms.CharField(label=_("标注理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MeasureForm(Form):
    kind = forms.ChoiceField(label=_("措施"), choices=MeasureKind.choices)
    instruction = forms.CharField(label=_("要求"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("回复期限"), widget=DateInput)


class ResponseForm(Form):
    response = forms.CharField(label=_("回复"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(Form):
    body = forms.ChoiceField(label=_("提交至"), choices=ReferralBody.choices)
    question = forms.CharField(label=_("提交讨论的问题"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=366)
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(Form):
    note = forms.CharField(
        label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(Form):
    note = forms.CharField(
        label=_("办结意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(Form):
    note = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("新的答复期限"), required=False, widget=DateInput)


class NoticeForm(Form):
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
        return cases_by_number(self.cleaned_data["case_numbers"], self.user)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("judge")) == bool(cleaned.get("division")):
            raise forms.ValidationError(_("请选择一名收件法官或一个收件部门（二选一）"))
        return cleaned


class CampaignForm(Form):
    """清理攻坚: a court, or one division of it, and the target date of the whole list."""

    name = forms.CharField(label=_("名称"), max_length=100)
    court = forms.ModelChoiceField(label=_("法院"), queryset=Court.objects.none())
    division = forms.ModelChoiceField(
        label=_("部门"),
        queryset=Division.objects.none(),
        required=False,
        help_text=_("不选则为全院"),
    )
    min_months = forms.TypedChoiceField(
        label=_("列入清单：未结超过"),
        choices=[(months, _("%(n)s个月") % {"n": months}) for months in (12, 18, 24, 36)],
        coerce=int,
        initial=12,
    )
    target_on = forms.DateField(label=_("目标日期（清零）"), widget=DateInput)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = Court.objects.in_scope(user).order_by("code")
        self.fields["division"].queryset = (
            Division.objects.in_scope(user).select_related("court").order_by("court__code", "name")
        )
        self.fields["division"].empty_label = _("全院（不限部门）")


class AssignForm(Form):
    """包案领导 and the target date of one case on a campaign's list."""

    entry = forms.IntegerField(widget=forms.HiddenInput)
    leader = forms.ModelChoiceField(label=_("包案领导"), queryset=User.objects.none())
    target_on = forms.DateField(label=_("目标结案日期"), widget=DateInput)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders


class ReviewRecordForm(Form):
    reason_class = forms.ChoiceField(label=_("原因类别"), choices=ReasonClass.choices)
    is_error = forms.TypedChoiceField(
        label=_("是否差错"),
        choices=[("0", _("否")), ("1", _("是"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    severity = forms.ChoiceField(label=_("差错程度"), choices=Severity.choices)
    opinion = forms.CharField(label=_("评查意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionForm(Form):
    objection = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 3}))


KEEP = ""


class ReviewAnswerForm(Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))
    is_error = forms.TypedChoiceField(
        label=_("是否差错"),
        choices=[(KEEP, _("维持原认定")), ("0", _("改为：否")), ("1", _("改为：是"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("差错程度"),
        choices=[(KEEP, _("维持原认定")), *Severity.choices],
        required=False,
    )

    def clean_severity(self):
        return self.cleaned_data["severity"] or None


class InspectionForm(Form):
    """联合督查: the court, what was found, the cases looked at and who took part."""

    court = forms.ModelChoiceField(label=_("法院"), queryset=Court.objects.none())
    title = forms.CharField(label=_("名称"), max_length=200)
    inspected_on = forms.DateField(label=_("督查日期"), widget=DateInput)
    findings = forms.CharField(label=_("督查发现"), widget=forms.Textarea(attrs={"rows": 5}))
    case_numbers = forms.CharField(
        label=_("所涉案件"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    participants = PersonChoiceField(
        label=_("参加人"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(label=_("其他参加人"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["case_numbers"].help_text = _(
            "每行一个案号，至多%(limit)s件；审管办登记的即时生效，督察人员登记的须经审管办批准，"
            "批准后参加督查的督察人员方可查阅这些案件"
        ) % {"limit": settings.COURTDASH_INSPECTION_MAX_CASES}
        courts = Court.objects.in_scope(user).order_by("code")
        self.fields["court"].queryset = courts
        self.fields["participants"].queryset = (
            User.objects.filter(is_active=True, role__in=COURT_ROLES)
            .filter(court__in=courts)
            .exclude(pk=user.pk)
            .order_by("court__code", "role", "username")
        )

    def clean_case_numbers(self) -> list[Case]:
        cases = cases_by_number(self.cleaned_data["case_numbers"], self.user)
        limit = settings.COURTDASH_INSPECTION_MAX_CASES
        if len(cases) > limit:  # the service refuses it too; here it is said at the field
            raise forms.ValidationError(
                _("一次联合督查最多涉及%(limit)s件案件，本次为%(count)s件，请分批登记")
                % {"limit": limit, "count": len(cases)}
            )
        return cases


class InspectionRejectForm(Form):
    reason = forms.CharField(label=_("不批准的理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DraftSendForm(Form):
    """Send a draft of the abnormality detection: its deadline, and the division it goes to
    (another of the same court, for a court's abnormality)."""

    deadline = forms.DateField(label=_("答复期限"), widget=DateInput)
    division = forms.ModelChoiceField(label=_("收件部门"), queryset=Division.objects.none())

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class DraftDiscardForm(Form):
    reason = forms.CharField(label=_("不予函询的理由"), widget=forms.Textarea(attrs={"rows": 2}))
