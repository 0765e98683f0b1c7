"""Plotly figures of a monthly review, as JSON-ready dicts kept in its snapshot.

Drawn by static/metrics/charts.js from `json_script` data, as every chart of the app (the CSP
allows no inline script), on the page and in the PDF alike. Colours and fonts are the
dashboards' (metrics.reading.charts).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from metrics.reading.charts import BRAND, COLOURS, CONFIG, FONT, GRID, INK, flow_figure
from metrics.reading.dashboard import plotted

SUFFIX = {"percent": "%", "days": "", "ratio": ""}


def _layout(**overrides) -> dict:
    layout = {
        "font": {"family": FONT, "size": 11, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 48, "r": 12, "t": 8, "b": 30},
        "showlegend": False,
        "hovermode": "closest",
        "xaxis": {"gridcolor": GRID, "linecolor": "#b9c2cc", "automargin": True},
        "yaxis": {"gridcolor": GRID, "zerolinecolor": "#b9c2cc", "automargin": True},
    }
    layout.update(overrides)
    return layout


def _static(config: dict | None = None) -> dict:
    # Static in a report: nothing to hover on paper, and no resize once printed.
    return {**CONFIG, "staticPlot": True, "responsive": False, **(config or {})}


def projection_figure(indicator: dict, series: list, *, as_of: str, end: str) -> dict:
    """An indicator's YTD value at each month end so far, and the projection to the year's end
    as a fan from today's value to the band at the end, with the year's target."""
    days = [day for day, _value in series]
    values = [plotted(value) for _day, value in series]
    suffix = SUFFIX.get(indicator["unit"], "")
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": days,
            "y": values,
            "line": {"color": BRAND, "width": 2},
            "marker": {"size": 4},
            "name": _("本年"),
        }
    ]
    projection = indicator.get("projection")
    now = indicator.get("value")
    if projection and now is not None:
        if projection.get("low") is not None and projection.get("high") is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": [as_of, end, end, as_of],
                    "y": [plotted(now), plotted(projection["high"]),
                          plotted(projection["low"]), plotted(now)],
                    "fill": "toself",
                    "fillcolor": "rgba(166, 29, 36, 0.12)",
                    "line": {"width": 0},
                    "name": _("预测区间"),
                }
            )  # fmt: skip
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [as_of, end],
                "y": [plotted(now), plotted(projection["value"])],
                "line": {"color": COLOURS["red"], "width": 2, "dash": "dash"},
                "marker": {"size": [0, 7]},
                "name": _("预测"),
            }
        )
    shapes = []
    target = indicator.get("year_target") or {}
    for bound in (target.get("low"), target.get("high")):
        if bound is not None:
            shapes.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": plotted(bound),
                    "y1": plotted(bound),
                    "line": {"color": COLOURS["green"], "width": 1.5, "dash": "dot"},
                }
            )
    layout = _layout(
        height=170,
        shapes=shapes,
        xaxis={
            "type": "date",
            "range": [f"{end[:4]}-01-01", end],
            "tickformat": "%-m月",
            "dtick": "M2",
            "gridcolor": GRID,
            "linecolor": "#b9c2cc",
        },
        yaxis={"ticksuffix": suffix, "gridcolor": GRID, "automargin": True},
    )
    return {"data": data, "layout": layout, "config": _static()}


def children_figure(children: list[dict], *, bands: bool) -> dict:
    """The units one level down: total score (ranks mode) or indicators met (bands mode)."""
    names = [child["name"] for child in children]
    values = [child.get("met") if bands else plotted(child["total"]) for child in children]
    data = [
        {
            "type": "bar",
            "x": names,
            "y": values,
            "marker": {"color": COLOURS["sky"] if bands else BRAND},
            "text": [str(value) if value is not None else "" for value in values],
            "textposition": "outside",
            "cliponaxis": False,
        }
    ]
    layout = _layout(
        height=260,
        xaxis={"automargin": True, "tickangle": -30 if len(children) > 6 else 0},
        yaxis={"gridcolor": GRID, "rangemode": "tozero", "automargin": True},
        margin={"l": 40, "r": 12, "t": 16, "b": 40},
    )
    return {"data": data, "layout": layout, "config": _static()}


def figures(content: dict, series: dict[str, list]) -> dict:
    """Every figure of the report, by the id its page gives it."""
    found = {}
    flow = [month for month in content["flow"] if month.get("filed") is not None]
    if flow:
        figure = flow_figure(flow)
        figure["layout"]["height"] = 280
        figure["config"] = _static()
        found["figure-flow"] = figure
    if content["children"]:
        found["figure-children"] = children_figure(
            content["children"], bands=content["ranking_mode"] == "bands"
        )
    for indicator in content["indicators"]:
        found[f"figure-projection-{indicator['slug']}"] = projection_figure(
            indicator,
            series.get(indicator["slug"], []),
            as_of=content["as_of"],
            end=content["year_end"],
        )
    return found
