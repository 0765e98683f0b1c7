"""Forms of the 评查 (case quality review) pages: field validation only; the rules (scope, own
court, thresholds, deductions) live in supervision.services.quality."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.filters import DateInput
from cases.models import Court
from cases.permissions import Action, may
from cases.units import ScopeKey, reaches, top_unit_name
from supervision.choices import QualitySource
from supervision.forms import Form, cases_by_number
from supervision.models import ScoringSheet
from supervision.services import quality as quality_services

ITEMS_HELP = _(
    "每行一项：评查项目｜最高扣分｜扣分选项（逗号分隔，可省略）。例如：事实认定｜20｜5,10,20"
)


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        court = (
            obj.court or getattr(obj.division, "court", None) or getattr(obj.judge, "court", None)
        )
        return f"{obj.display_name}（{court.code if court else ''} {obj.get_role_display()}）"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return PersonChoice.label_from_instance(self, obj)


def _courts(user):
    return Court.objects.in_scope(user).order_by("code")


class SheetForm(Form):
    name = forms.CharField(label=_("评查表名称"), max_length=100)
    court = forms.ModelChoiceField(
        label=_("适用法院"), queryset=Court.objects.none(), required=False
    )
    excellent_from = forms.DecimalField(
        label=_("优秀（不低于，分）"), max_digits=5, decimal_places=1, initial=90
    )
    pass_from = forms.DecimalField(
        label=_("合格（不低于，分）"), max_digits=5, decimal_places=1, initial=80
    )
    flaw_from = forms.DecimalField(
        label=_("瑕疵（不低于，分；以下为差错）"), max_digits=5, decimal_places=1, initial=60
    )
    items = forms.CharField(
        label=_("评查项目"), help_text=ITEMS_HELP, widget=forms.Textarea(attrs={"rows": 8})
    )
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def __init__(self, *args, user, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = _courts(user)
        self.fields["court"].empty_label = _("%(top)s通用") % {"top": top_unit_name()}
        if revising:
            del self.fields["court"]
            self.fields["note"].required = True

    def clean_items(self):
        return quality_services.parse_items(self.cleaned_data["items"])


class CampaignForm(Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    court = forms.ModelChoiceField(
        label=_("评查范围"), queryset=Court.objects.none(), required=False
    )
    closed_from = forms.DateField(label=_("结案日期自"), widget=DateInput)
    closed_to = forms.DateField(label=_("结案日期至"), widget=DateInput)
    sheet = forms.ModelChoiceField(label=_("评查表"), queryset=ScoringSheet.objects.none())
    sources = forms.MultipleChoiceField(
        label=_("案件来源"),
        choices=QualitySource.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[QualitySource.ROUTINE],
    )
    share_percent = forms.DecimalField(
        label=_("常规抽查：每名法官抽取比例（%，至少1件）"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("100"),
        initial=5,
        required=False,
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        min_value=1,
        max_value=2**62 - 1,
        required=False,
        help_text=_("空：自动生成；同一种子、同一批案件抽出的样本相同"),
    )
    min_pending_days = forms.IntegerField(
        label=_("撤诉案件：审理超过（日）"),
        min_value=1,
        max_value=3650,
        initial=180,
        required=False,
    )
    case_numbers = forms.CharField(
        label=_("指定案件（案号，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    score_due_on = forms.DateField(label=_("评查截止日期"), widget=DateInput, required=False)
    rectify_days = forms.IntegerField(
        label=_("整改答复期限（日）"), min_value=1, max_value=90, initial=15
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["court"].queryset = _courts(user)
        city = reaches(user, ScopeKey.city())
        self.fields["court"].empty_label = (
            _("%(top)s法院") % {"top": top_unit_name()} if city else None
        )
        self.fields["court"].required = not city
        self.fields["sheet"].queryset = (
            ScoringSheet.objects.in_scope(user).filter(current=True).select_related("court")
        )

    def clean_case_numbers(self):
        text = self.cleaned_data["case_numbers"]
        return [case.pk for case in cases_by_number(text, self.user)] if text.strip() else []

    def clean(self):
        data = super().clean()
        if data.get("case_numbers") and QualitySource.CHOSEN not in data.get("sources", []):
            data["sources"] = [*data.get("sources", []), QualitySource.CHOSEN]
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["case_ids"] = data.pop("case_numbers")
        return data


class PoolForm(Form):
    reviewers = PeopleChoice(
        label=_("评查人（外院人员，轮流分配）"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        from cases.models import User

        self.fields["reviewers"].queryset = User.objects.filter(
            pk__in=[user.pk for user in candidates]
        ).select_related("court", "division__court", "judge__court")


class ReviewerForm(Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    reviewer = PersonChoice(label=_("评查人"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        from cases.models import User

        self.fields["reviewer"].queryset = User.objects.filter(
            pk__in=[user.pk for user in candidates]
        )


class ScoreForm(Form):
    """One points field and one note per item of the sheet, and the opinion."""

    opinion = forms.CharField(label=_("评查意见"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sheet: ScoringSheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(sheet.items.all())
        for item in self.items:
            if item.option_values:
                choices = [("0", _("不扣分"))] + [
                    (str(value), _("扣%(n)s分") % {"n": value}) for value in item.option_values
                ]
                field = forms.ChoiceField(label=item.name, choices=choices, initial="0")
            else:
                field = forms.DecimalField(
                    label=item.name,
                    min_value=0,
                    max_value=item.max_deduction,
                    decimal_places=1,
                    initial=0,
                    help_text=_("0至%(max)s分") % {"max": item.max_deduction},
                )
            self.fields[f"points_{item.pk}"] = field
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("“%(item)s”扣分理由") % {"item": item.name},
                max_length=500,
                required=False,
            )

    def rows(self):
        return [(item, self[f"points_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def deductions(self) -> dict:
        return {
            item.pk: (
                self.cleaned_data[f"points_{item.pk}"] or 0,
                self.cleaned_data[f"note_{item.pk}"],
            )
            for item in self.items
        }


class AnswerForm(Form):
    answer = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(Form):
    decision = forms.ChoiceField(
        label=_("审核"),
        choices=[("accept", _("整改完成")), ("return", _("退回重新整改"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("新的答复期限（退回时）"), widget=DateInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("due_on"):
            raise ValidationError(_("退回时请填写新的答复期限"))
        return data


def can_manage(user) -> bool:
    return may(user, Action.QUALITY_REVIEW_MANAGE)
