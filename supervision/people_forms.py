"""Forms of the reminder settings pages: who leads which division, a person's channels."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Division, User
from supervision.forms import Form
from supervision.services.people import clean_mobile


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}）"


class DivisionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.court.name} {obj.name}"


class DivisionLeaderForm(Form):
    division = DivisionField(label=_("部门"), queryset=Division.objects.none())
    user = PersonField(label=_("分管院领导"), queryset=User.objects.none())
    since = forms.DateField(label=_("分管起始日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, divisions, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["user"].queryset = leaders
        self.fields["division"].error_messages["invalid_choice"] = _("请选择本院的部门")
        self.fields["user"].error_messages["invalid_choice"] = _("请选择本院的院领导")


class ChannelsForm(Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        help_text=_("11位手机号码；接收短信提醒时必填"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_enabled = forms.BooleanField(
        label=_("接收短信提醒（每天至多一条，汇总当天提醒）"), required=False
    )
    email_enabled = forms.BooleanField(label=_("接收电子邮件提醒"), required=False)

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean(self):
        data = super().clean()
        if data.get("sms_enabled") and not data.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", _("接收短信提醒请先填写手机号码"))
        return data
