"""The funnel plot as a Plotly figure (the style of metrics.reading.charts: a JSON-ready dict drawn
by static/metrics/charts.js, no inline script), and the same funnel as JSON primitives for the API
and the monthly review.

Each unit is a point at (its denominator, its value), coloured by its flag; the parent's value
is a line; the 95% and 99.8% limits are curves. A point carries its drill-down URL in
`customdata`: static/metrics/funnel.js opens it on a click (the table beside the chart has the
same links for keyboards and screen readers).
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from metrics.reading.charts import BRAND, COLOURS, GRID, INK_SOFT, _figure, _layout, _suffix
from metrics.reading.dashboard import plotted
from metrics.reading.funnel import Funnel

FLAG_COLOURS = {"alarm": COLOURS["red"], "alert": COLOURS["amber"], None: BRAND}
FLAG_SYMBOLS = {"alarm": "diamond", "alert": "square", None: "circle"}


def flag_label(flag: str | None, side: str | None = None) -> str:
    if flag is None:
        return _("在控制限内")
    level = _("报警（超出99.8%控制限）") if flag == "alarm" else _("提示（超出95%控制限）")
    where = _("偏低") if side == "low" else _("偏高")
    return f"{where} · {level}"


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return plotted(value)


def funnel_figure(funnel: Funnel, *, urls: dict | None = None, static: bool = False) -> dict:
    """The funnel of one indicator. `urls`: unit → its drill-down URL (None: no links)."""
    suffix = _suffix(funnel.indicator)
    sizes = [entry["n"] for entry in funnel.curve]
    data = []
    lines = [
        (_("99.8%控制限"), (0, 3), COLOURS["red"], "dash"),
        (_("95%控制限"), (1, 2), COLOURS["amber"], "dot"),
    ]
    for name, sides, colour, dash in lines:
        for position, side in enumerate(sides):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "legendgroup": name,
                    "showlegend": position == 0,
                    "x": sizes,
                    "y": [_number(entry["limits"][side]) for entry in funnel.curve],
                    "line": {"color": colour, "width": 1.4, "dash": dash, "shape": "spline"},
                    "hoverinfo": "skip",
                }
            )
    if sizes:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("上级整体值"),
                "x": [sizes[0], sizes[-1]],
                "y": [_number(funnel.centre)] * 2,
                "line": {"color": COLOURS["green"], "width": 2},
                "hoverinfo": "skip",
            }
        )
    points = [point for point in funnel.points if point.value is not None]
    for flag in (None, "alert", "alarm"):
        chosen = [point for point in points if point.flag == flag]
        if not chosen:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": {None: _("各单位"), "alert": _("提示"), "alarm": _("报警")}[flag],
                "x": [point.denominator for point in chosen],
                "y": [_number(point.value) for point in chosen],
                "text": [point.name for point in chosen],
                "customdata": [(urls or {}).get(point.unit, "") for point in chosen],
                "marker": {
                    "color": FLAG_COLOURS[flag],
                    "size": 11 if flag else 9,
                    "symbol": FLAG_SYMBOLS[flag],
                    "line": {"color": "#ffffff", "width": 1},
                },
                "hovertemplate": "%{text}<br>%{y:.2f}"
                + suffix
                + "<br>"
                + _("分母")
                + " %{x:,}<extra></extra>",
            }
        )
    layout = _layout(
        height=360,
        hovermode="closest",
        legend={"orientation": "h", "y": -0.22, "x": 0, "font": {"color": INK_SOFT}},
        xaxis={
            "gridcolor": GRID,
            "linecolor": "#b9c2cc",
            "automargin": True,
            "rangemode": "tozero",
            "tickformat": ",d",
        },
        yaxis={"ticksuffix": suffix, "gridcolor": GRID, "automargin": True},
    )
    figure = _figure(data, layout)
    if static:
        figure["config"] = {**figure["config"], "staticPlot": True, "responsive": False}
    elif urls:
        figure["links"] = True  # static/metrics/funnel.js: a click on a point opens its URL
    return figure


def funnel_json(funnel: Funnel, *, urls: dict | None = None) -> dict:
    """The funnel as JSON primitives: the API's answer and the monthly review's record."""
    quantiles = ("alarm_low", "alert_low", "alert_high", "alarm_high")

    def limits(values) -> dict | None:
        if values is None:
            return None
        return {name: _number(value) for name, value in zip(quantiles, values, strict=True)}

    return {
        "indicator": funnel.indicator.slug,
        "label": str(funnel.indicator.label),
        "unit": funnel.indicator.unit,
        "direction": funnel.indicator.direction,
        "model": funnel.model.kind,
        "model_label": str(funnel.model.label),
        "dispersion": round(funnel.dispersion, 4),
        "adjusted": funnel.adjusted,
        "as_of": funnel.as_of.isoformat(),
        "period": funnel.period,
        "centre": funnel.centre,
        "points": [
            {
                "scope": point.unit.scope.value,
                "court": point.unit.court_id,
                "division": point.unit.division_id,
                "judge": point.unit.judge_id,
                "code": point.code,
                "name": point.name,
                "numerator": point.numerator,
                "denominator": point.denominator,
                "value": point.value,
                "raw_value": point.raw_value,
                "expected": point.expected,
                "limits": limits(point.limits),
                "flag": point.flag,
                "side": point.side,
                "url": (urls or {}).get(point.unit, ""),
            }
            for point in funnel.points
        ],
        "curve": [{"n": entry["n"], **limits(entry["limits"])} for entry in funnel.curve],
    }
