"""Forms of 拟发改再事先沟通: the intention, the original side's answer, the outcome."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.choices import ConsultAnswer, ConsultIntention, ConsultOutcome, ReasonClass
from supervision.forms import Form


class ConsultationOpenForm(Form):
    intention = forms.ChoiceField(
        label=_("拟处理意见"), choices=ConsultIntention.choices, widget=forms.RadioSelect
    )
    reasons = forms.MultipleChoiceField(
        label=_("理由类别"),
        choices=ReasonClass.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一类理由")},
    )
    reasoning = forms.CharField(
        label=_("理由"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写拟改判、发回的理由")},
    )


class ConsultationAnswerForm(Form):
    answer = forms.ChoiceField(
        label=_("原审意见"),
        choices=ConsultAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不同意")},
    )
    answer_text = forms.CharField(
        label=_("意见和理由（不同意时必填）"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsultationOutcomeForm(Form):
    outcome = forms.ChoiceField(
        label=_("沟通结果"),
        choices=ConsultOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择沟通结果")},
    )
    outcome_note = forms.CharField(
        label=_("说明（改变意见或提交审判委员会时必填）"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
