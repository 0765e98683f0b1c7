"""The form of the reference ranges page (区间参考值): one range of one indicator of the SPC's
2024 set, for one court level or all, from a day. The rules are the service's
(metrics.services.reference_range_set); its refusals come back as the form's errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import CourtLevel
from cases.dates import today
from metrics.definitions.indicators import SPC2024_INDICATORS

ALL_LEVELS = ""


def level_choices() -> list[tuple[str, str]]:
    return [(ALL_LEVELS, _("全部层级")), *CourtLevel.choices]


class ReferenceRangeForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"))
    court_level = forms.ChoiceField(label=_("法院层级"), required=False)
    lower = forms.DecimalField(
        label=_("下限"),
        required=False,
        max_digits=12,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    upper = forms.DecimalField(
        label=_("上限"),
        required=False,
        max_digits=12,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    effective_from = forms.DateField(
        label=_("起用日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("说明（可填依据的文件）"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (slug, f"{indicator.number}. {indicator.label}")
            for slug, indicator in SPC2024_INDICATORS.items()
        ]
        self.fields["court_level"].choices = level_choices()
        self.fields["effective_from"].initial = today()

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "indicator": data["indicator"],
            "court_level": data["court_level"] or None,
            "lower": data["lower"],
            "upper": data["upper"],
            "effective_from": data["effective_from"],
            "note": data["note"],
        }
