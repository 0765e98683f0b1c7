"""Forms of the talks' pages: field validation only; the rules live in reports.talks.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.filters import DateInput
from cases.models import Court, Division, Judge, User
from cases.permissions import Action, may
from cases.units import UnitPaths, people_q, unit_q
from reports.talks.choices import TalkRuleKind
from reports.talks.rules import DEFAULTS

COMMITMENT_ROWS = 3


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}）"


def people(user, action: Action) -> object:
    """The active people of the user's reach who may take `action` (the permission table's
    answer, person by person: a list to choose from, not a check)."""
    reached = User.objects.filter(people_q(user), is_active=True).select_related(
        "court", "division__court", "judge__court"
    )
    ids = [person.pk for person in reached if may(person, action)]
    return User.objects.filter(pk__in=ids).order_by("role", "username")


class TalkForm(Form):
    """约谈: the unit talked to (a court, one of its divisions, or a judge), when, by whom, who
    attended, the problems, and up to COMMITMENT_ROWS commitments (a blank row is skipped)."""

    court = forms.ModelChoiceField(label=_("被约谈法院"), queryset=Court.objects.none())
    division = forms.ModelChoiceField(
        label=_("被约谈部门"), queryset=Division.objects.none(), required=False
    )
    judge = forms.ModelChoiceField(
        label=_("被约谈法官"), queryset=Judge.objects.none(), required=False
    )
    held_on = forms.DateField(label=_("约谈日期"), widget=DateInput)
    conducted_by = PersonField(label=_("约谈人"), queryset=User.objects.none())
    attendees = forms.CharField(
        label=_("参加人员"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    problems = forms.CharField(
        label=_("指出的问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Not the courts above one's own (Court's in_scope shows them): a talk is held below.
        own_courts = unit_q(user, UnitPaths(court="id", division=None, judge=None))
        self.fields["court"].queryset = Court.objects.filter(own_courts).order_by("code")
        self.fields["division"].queryset = (
            Division.objects.in_scope(user).select_related("court").order_by("court__code", "name")
        )
        self.fields["division"].empty_label = _("（约谈法院，不限部门）")
        self.fields["judge"].queryset = (
            Judge.objects.in_scope(user).select_related("court", "division").order_by("staff_id")
        )
        self.fields["judge"].empty_label = _("（约谈部门，不限法官）")
        self.fields["conducted_by"].queryset = people(user, Action.TALK_MANAGE)
        owners = people(user, Action.TALK_COMMIT)
        for number in range(1, COMMITMENT_ROWS + 1):
            self.fields[f"text_{number}"] = forms.CharField(
                label=_("承诺事项 %(n)s") % {"n": number},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"owner_{number}"] = PersonField(
                label=_("责任人 %(n)s") % {"n": number}, queryset=owners, required=False
            )
            self.fields[f"due_on_{number}"] = forms.DateField(
                label=_("完成期限 %(n)s") % {"n": number}, required=False, widget=DateInput
            )

    def clean(self):
        data = super().clean()
        court, division, judge = data.get("court"), data.get("division"), data.get("judge")
        if judge is not None:
            division = division or judge.division
            if judge.court_id != getattr(court, "pk", None) or judge.division_id != division.pk:
                raise forms.ValidationError(_("所选法官不属于所选法院、部门"))
            data["division"] = division
        if division is not None and division.court_id != getattr(court, "pk", None):
            raise forms.ValidationError(_("所选部门不属于所选法院"))
        commitments = []
        for number in range(1, COMMITMENT_ROWS + 1):
            text = (data.get(f"text_{number}") or "").strip()
            owner, due_on = data.get(f"owner_{number}"), data.get(f"due_on_{number}")
            if not (text or owner or due_on):
                continue
            if not (text and owner and due_on):
                raise forms.ValidationError(
                    _("第 %(n)s 项承诺须同时填写承诺事项、责任人和完成期限") % {"n": number}
                )
            commitments.append({"text": text, "owner": owner, "due_on": due_on})
        data["commitments"] = commitments
        return data


class ReportForm(Form):
    report = forms.CharField(
        label=_("落实情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(Form):
    note = forms.CharField(
        label=_("核销意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


PARAM_LABELS = {
    "weeks": _("连续周数"),
    "min_denominator": _("分母至少（件）"),
    "runs": _("连续体检次数"),
    "days": _("逾期天数至少"),
    "min_letters": _("逾期未答复至少（件）"),
    "ratio": _("达同级中位数倍数"),
    "excess": _("高出同级中位数（百分点）"),
    "min_pending": _("未结案件至少（件）"),
}


def rule_form(kind: str, current: dict, data=None) -> Form:
    """One rule: enabled, and its parameters (whole numbers where the default is one)."""
    form = Form(data, prefix=kind)
    form.fields["enabled"] = forms.BooleanField(
        label=_("启用"), required=False, initial=current["enabled"]
    )
    for name, default in DEFAULTS[kind].items():
        label = PARAM_LABELS.get(name, name)
        if isinstance(default, int):
            field = forms.IntegerField(label=label, min_value=1, max_value=3650)
        else:
            field = forms.FloatField(label=label, min_value=0.01, max_value=1000)
        field.initial = current["params"].get(name, default)
        field.help_text = _("默认 %(value)s") % {"value": default}
        form.fields[name] = field
    return form


RULE_KINDS = TalkRuleKind.choices
