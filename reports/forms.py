"""The office's form for a unit's quarterly targets: a row per indicator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.units import ScopeKey
from metrics.choices import Direction
from metrics.definitions.indicators import LOCAL_INDICATORS
from reports.choices import TargetBasis


class QuarterlyTargetsForm(forms.Form):
    def __init__(self, *args, unit: ScopeKey, initial_rows: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for slug, indicator in LOCAL_INDICATORS.items():
            if unit.scope not in indicator.scopes:
                continue
            row = initial_rows.get(slug)
            band = indicator.direction == Direction.BAND
            self.fields[f"{slug}-target"] = forms.DecimalField(
                label=_("下限") if band else _("目标值"),
                required=False,
                max_digits=14,
                decimal_places=4,
                initial=row.target.normalize() if row else None,
            )
            if band:
                self.fields[f"{slug}-upper"] = forms.DecimalField(
                    label=_("上限"),
                    required=False,
                    max_digits=14,
                    decimal_places=4,
                    initial=row.upper_target.normalize() if row and row.upper_target else None,
                )
            self.fields[f"{slug}-basis"] = forms.ChoiceField(
                label=_("口径"),
                choices=TargetBasis.choices,
                required=False,
                initial=row.basis if row else TargetBasis.YTD,
            )
            self.rows.append(
                {
                    "indicator": indicator,
                    "target": self[f"{slug}-target"],
                    "upper": self[f"{slug}-upper"] if band else None,
                    "basis": self[f"{slug}-basis"],
                }
            )

    def entries(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            row["indicator"].slug: {
                "target": data.get(f"{row['indicator'].slug}-target"),
                "upper_target": data.get(f"{row['indicator'].slug}-upper"),
                "basis": data.get(f"{row['indicator'].slug}-basis") or TargetBasis.YTD,
            }
            for row in self.rows
        }
