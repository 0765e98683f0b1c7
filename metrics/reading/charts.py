"""Plotly figures of the dashboards, as plain JSON-ready dicts ({"data", "layout", "config"}).

The page embeds a figure with Django's `json_script` (data, not code) and static/metrics/
charts.js hands it to plotly.js, which the app serves itself: the CSP allows no inline script
and nothing is loaded from a CDN. Values are rounded half up to 2 decimals, as every display;
a missing value is null, a gap in the line. Every figure has a table view in its page.

One builder per kind of chart: `indicator_figure` draws any indicator's series (a tile's
sparkline or its trend against last year and the target), never one function per indicator.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from metrics.choices import Direction, Unit
from metrics.definitions.registry import Indicator
from metrics.reading.dashboard import plotted

FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    "Helvetica Neue, Arial, sans-serif"
)
INK = "#1f2933"
INK_SOFT = "#52606d"
GRID = "#e9edf1"
BRAND = "#1b365d"
ACCENT = "#a61d24"
COLOURS = {
    "green": "#2e9d4f",
    "amber": "#e0a800",
    "red": "#d6262c",
    "grey": "#98a2ad",
    "brand": BRAND,
    "sky": "#7aa6d8",
}
# No mode bar: plotly.js styles it with a <style> element per chart, which the CSP refuses; each
# chart's numbers are in its table view and the XLSX exports instead.
CONFIG = {"displayModeBar": False, "responsive": True, "locale": "zh-CN"}


def _suffix(indicator: Indicator) -> str:
    return {Unit.PERCENT: "%", Unit.DAYS: _(" 天"), Unit.RATIO: ""}[indicator.unit]


def _layout(**overrides) -> dict:
    layout = {
        "font": {"family": FONT, "size": 12, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 56, "r": 20, "t": 16, "b": 40},
        "height": 320,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "xaxis": {"gridcolor": GRID, "linecolor": "#b9c2cc", "automargin": True},
        "yaxis": {"gridcolor": GRID, "zerolinecolor": "#b9c2cc", "automargin": True},
    }
    layout.update(overrides)
    return layout


def _figure(data: list, layout: dict, config: dict | None = None) -> dict:
    return {"data": data, "layout": layout, "config": config or CONFIG}


def _line(name, x, y, *, colour, width=2.0, dash="solid", shape="linear", hover="") -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": x,
        "y": y,
        "line": {"color": colour, "width": width, "dash": dash, "shape": shape},
        "connectgaps": False,
        "hovertemplate": hover or "%{y}<extra>%{fullData.name}</extra>",
    }


def indicator_figure(indicator: Indicator, frame: list[dict], *, sparkline: bool = False) -> dict:
    """An indicator over the days of `frame` (dicts with "day" and "value"; for a trend also
    "last_year" and "target", a metrics.reading.dashboard.Target).

    A sparkline is the value alone, static, without axes. A trend adds the same day last year
    and the target in force (a band: its lower and upper bounds), stepping by month where the
    target does.
    """
    days = [row["day"].isoformat() for row in frame]
    suffix = _suffix(indicator)
    hover = "%{y:.2f}" + suffix + "<extra>%{fullData.name}</extra>"
    if sparkline:
        # A static shape that shows no number: the stored values as they are, unrounded.
        values = [row["value"] for row in frame]
        data = [_line(str(indicator.label), days, values, colour=BRAND, width=1.5)]
        layout = {
            "height": 44,
            "margin": {"l": 0, "r": 0, "t": 2, "b": 2},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "showlegend": False,
            "xaxis": {"visible": False, "fixedrange": True},
            "yaxis": {"visible": False, "fixedrange": True},
        }
        return _figure(data, layout, {"staticPlot": True, "displayModeBar": False})

    values = [plotted(row["value"]) for row in frame]
    data = [_line(_("本年"), days, values, colour=BRAND, width=2.5, hover=hover)]
    last_year = [plotted(row.get("last_year")) for row in frame]
    if any(value is not None for value in last_year):
        data.append(
            _line(_("上年同期"), days, last_year, colour=COLOURS["grey"], dash="dot", hover=hover)
        )
    targets = [row.get("target") for row in frame]
    if any(target is not None and target.thresholds is not None for target in targets):
        if indicator.direction == Direction.BAND:
            lines = [(_("目标区间下限"), 0), (_("目标区间上限"), 1)]
            for name, side in lines:
                bound = [plotted(t.full[side]) if t else None for t in targets]
                data.append(
                    _line(name, days, bound, colour=COLOURS["green"], dash="dash", shape="hv")
                )
        else:
            data.append(
                _line(
                    _("目标值"),
                    days,
                    [plotted(t.target) if t else None for t in targets],
                    colour=COLOURS["green"],
                    dash="dash",
                    shape="hv",
                    hover=hover,
                )
            )
            data.append(
                _line(
                    _("预警值"),
                    days,
                    [plotted(t.warning) if t else None for t in targets],
                    colour=COLOURS["red"],
                    width=1.2,
                    dash="dot",
                    shape="hv",
                    hover=hover,
                )
            )
    ranges = [row.get("range") for row in frame]
    for name, side in ((_("合理区间下限"), "lower"), (_("合理区间上限"), "upper")):
        bound = [plotted(getattr(r, side)) if r is not None else None for r in ranges]
        if any(value is not None for value in bound):  # the SPC view: the range in force
            data.append(_line(name, days, bound, colour=COLOURS["green"], dash="dash", shape="hv"))
    layout = _layout(
        xaxis={
            "type": "date",
            "tickformat": "%-m月",
            "hoverformat": "%Y-%m-%d",
            "gridcolor": GRID,
            "linecolor": "#b9c2cc",
            "dtick": "M1",
        },
        yaxis={
            "ticksuffix": suffix,
            "gridcolor": GRID,
            "zerolinecolor": "#b9c2cc",
            "automargin": True,
        },
    )
    return _figure(data, layout)


def flow_figure(months: list[dict]) -> dict:
    """Filed, closed and pending cases per month (bars), and the month's 结收比 (line, right
    axis, in %). No axis titles: CJK turned sideways reads badly; the legend names each."""
    labels = [_("%(month)d月") % {"month": month["month"]} for month in months]

    def bars(name, key, colour):
        return {
            "type": "bar",
            "name": name,
            "x": labels,
            "y": [month[key] for month in months],
            "marker": {"color": colour},
            "hovertemplate": "%{y}<extra>%{fullData.name}</extra>",
        }

    data = [
        bars(_("收案"), "filed", COLOURS["sky"]),
        bars(_("结案"), "closed", COLOURS["green"]),
        bars(_("月末未结"), "pending", COLOURS["grey"]),
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("结收比"),
            "x": labels,
            "y": [plotted(month["ratio"]) for month in months],
            "yaxis": "y2",
            "line": {"color": ACCENT, "width": 2.5},
            "marker": {"size": 6},
            "hovertemplate": "%{y:.2f}%<extra>%{fullData.name}</extra>",
        },
    ]
    layout = _layout(
        barmode="group",
        yaxis={"gridcolor": GRID, "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "ticksuffix": "%",
            "rangemode": "tozero",
            "showgrid": False,
        },
        margin={"l": 56, "r": 64, "t": 16, "b": 40},
    )
    return _figure(data, layout)


def age_figure(profile: list[dict]) -> dict:
    """Pending cases by age since filing; the long-pending buckets (over 12 months) in red."""
    data = [
        {
            "type": "bar",
            "name": _("未结案件"),
            "x": [bucket_label(bucket) for bucket in profile],
            "y": [bucket["count"] for bucket in profile],
            "marker": {
                "color": [
                    COLOURS["red"] if bucket["low"] >= 12 else COLOURS["sky"] for bucket in profile
                ]
            },
            "hovertemplate": "%{x}: %{y}<extra></extra>",
        }
    ]
    layout = _layout(height=240, showlegend=False, hovermode="closest")
    layout["yaxis"] = {"gridcolor": GRID, "rangemode": "tozero"}
    return _figure(data, layout)


def bucket_label(bucket: dict) -> str:
    if bucket["high"] is None:
        return _("%(low)d个月以上") % {"low": bucket["low"]}
    return _("%(low)d–%(high)d个月") % {"low": bucket["low"], "high": bucket["high"]}


def spc_children_figure(indicator: Indicator, children: list[dict]) -> dict:
    """The SPC view's units one level down, in code order, each bar coloured by where its value
    stands against its own range (green inside, red outside, grey without a range): no target
    line (the units' ranges may differ by court level)."""
    suffix = _suffix(indicator)
    colours = {"inside": "green", "below": "red", "above": "red"}
    data = [
        {
            "type": "bar",
            "name": str(indicator.label),
            "x": [child["name"] for child in children],
            "y": [plotted(child["row"].value) for child in children],
            "marker": {
                "color": [COLOURS[colours.get(child["status"], "grey")] for child in children]
            },
            "hovertemplate": "%{x}: %{y:.2f}" + suffix + "<extra></extra>",
        }
    ]
    layout = _layout(height=300, showlegend=False, hovermode="closest")
    layout["yaxis"] = {"ticksuffix": suffix, "gridcolor": GRID, "rangemode": "tozero"}
    layout["xaxis"] = {"automargin": True, "tickangle": -30 if len(children) > 8 else 0}
    return _figure(data, layout)


def children_figure(indicator: Indicator, children: list[dict], target) -> dict:
    """Each unit one level down, in code order (no league table), coloured by its band against
    the target and warning; the target as a line."""
    suffix = _suffix(indicator)
    data = [
        {
            "type": "bar",
            "name": str(indicator.label),
            "x": [child["name"] for child in children],
            "y": [plotted(child["row"].value) for child in children],
            "marker": {"color": [COLOURS[child["colour"]] for child in children]},
            "hovertemplate": "%{x}: %{y:.2f}" + suffix + "<extra></extra>",
        }
    ]
    shapes = []
    bounds = [target.full[0], target.full[1]] if target.is_band else [target.target]
    for bound in bounds:
        if bound is not None:
            shapes.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": plotted(bound),
                    "y1": plotted(bound),
                    "line": {"color": COLOURS["green"], "width": 2, "dash": "dash"},
                }
            )
    layout = _layout(height=300, showlegend=False, hovermode="closest", shapes=shapes)
    layout["yaxis"] = {"ticksuffix": suffix, "gridcolor": GRID, "rangemode": "tozero"}
    layout["xaxis"] = {"automargin": True, "tickangle": -30 if len(children) > 8 else 0}
    return _figure(data, layout)
