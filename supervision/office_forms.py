"""Forms of the office's pages: the settings (four-type rules, detection rules, the approver),
a hand-written inquiry and a referral's result. Field validation only; the rules live in the
services."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cases.filters import DateInput
from cases.models import Court, Division, User
from cases.units import people_q, top_unit_name
from metrics.definitions.indicators import INDICATORS
from supervision.choices import FourTypeCategory, RuleKind
from supervision.forms import Form


class FourTypeRuleForm(Form):
    slug = forms.CharField(
        label=_("标识"),
        max_length=50,
        help_text=_("英文小写字母、数字和连字符，如 long-pending-18；保存后不能修改"),
        validators=[
            RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("标识只能包含小写字母、数字和连字符"))
        ],
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("规则类型"), choices=RuleKind.choices)
    months = forms.IntegerField(
        label=_("月数"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("仅“长期未结”规则：立案后超过此月数仍未结的案件"),
    )
    category = forms.TypedChoiceField(
        label=_("提示类别"), choices=FourTypeCategory.choices, coerce=int
    )
    court = forms.ModelChoiceField(
        label=_("适用法院"),
        queryset=Court.objects.none(),
        required=False,
        empty_label=_("全市所有法院"),
    )
    auto_confirm = forms.BooleanField(
        label=_("自动确认（无需人工确认即列为四类案件）"), required=False
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = Court.objects.in_scope(user).order_by("code")
        # 全市所有法院, or 全省所有法院 in a province: read now, not when the module loads.
        self.fields["court"].empty_label = _("%(top)s所有法院") % {"top": top_unit_name()}
        if editing:
            del self.fields["slug"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RuleKind.LONG_PENDING and cleaned.get("months") is None:
            self.add_error("months", _("长期未结规则请填写月数"))
        return cleaned


class DetectionRuleForm(Form):
    enabled = forms.BooleanField(label=_("启用"), required=False)
    check_warning = forms.BooleanField(label=_("检查预警线"), required=False)
    fall_threshold = forms.DecimalField(
        label=_("较上周变差超过"),
        required=False,
        min_value=0.0001,
        max_digits=12,
        decimal_places=4,
        help_text=_("按指标本身的单位（百分点、天或比值）；留空则不检查周环比"),
    )
    min_denominator = forms.DecimalField(
        label=_("分母至少"),
        min_value=0,
        max_digits=20,
        decimal_places=2,
        help_text=_("分母（案件数；执行到位率为申请执行标的额）小于此数的单位不研判"),
    )
    repeat_days = forms.IntegerField(
        label=_("不重复起草天数"),
        min_value=0,
        max_value=365,
        help_text=_("同一单位、同一指标在此天数内已起草或已处理的，不再另起草稿"),
    )


class ApproverForm(Form):
    court = forms.ModelChoiceField(label=_("法院"), queryset=Court.objects.none())
    user = forms.ModelChoiceField(label=_("审批人"), queryset=User.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = Court.objects.in_scope(user).order_by("code")
        # The people of the courts in reach; the service checks the one chosen can approve.
        self.fields["user"].queryset = (
            User.objects.filter(people_q(user), is_active=True, court__isnull=False)
            .select_related("court")
            .order_by("court__code", "username")
        )
        self.fields["user"].label_from_instance = lambda person: (
            f"{person.court.code} {person.display_name}（{person.get_role_display()}）"
        )


class InquiryForm(Form):
    """A hand-written 异常函询 to a division: what was seen, the numbers if any, the deadline."""

    division = forms.ModelChoiceField(label=_("收件部门"), queryset=Division.objects.none())
    indicator = forms.ChoiceField(label=_("指标"), required=False)
    period = forms.CharField(
        label=_("期间"), max_length=32, required=False, help_text=_("如 2025年1—6月；可不填")
    )
    as_of = forms.DateField(label=_("统计截至"), widget=DateInput)
    value = forms.DecimalField(label=_("指标值"), required=False, max_digits=20, decimal_places=6)
    reference = forms.CharField(max_length=100, required=False)  # labelled in __init__
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("函询内容"), widget=forms.Textarea(attrs={"rows": 6}))
    deadline = forms.DateField(label=_("答复期限"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = (
            Division.objects.in_scope(user).select_related("court").order_by("court__code", "name")
        )
        self.fields["division"].label_from_instance = lambda d: f"{d.court.code} {d.name}"
        self.fields["indicator"].choices = [("", _("（不针对某一指标）")), *INDICATORS.choices()]
        # 全市值, or 全省值 in a province: read now, not when the module loads.
        self.fields["reference"].label = _("参照（目标、预警线或%(top)s值）") % {
            "top": top_unit_name()
        }


class ReferralResultForm(Form):
    result = forms.CharField(label=_("讨论结果"), widget=forms.Textarea(attrs={"rows": 4}))
    discussed_on = forms.DateField(label=_("讨论日期"), widget=DateInput)
