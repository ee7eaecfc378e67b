"""Slack's own chart (the Block Kit data visualization block), drawn from the figure's numbers.

Pure. Built only where the chart fits Slack's published limits
(https://docs.slack.dev/reference/block-kit/blocks/data-visualization-block): bar, line, area or
pie; title ≤ 50 characters; 1–6 series (or pie segments, each > 0); ≤ 20 points per series; labels
and series names ≤ 20 characters; axis titles ≤ 50. Labels longer than 20 characters are cut when
they stay distinct; otherwise, and for anything else that does not fit, there is no native chart
(the PNG is always there).
"""

from __future__ import annotations

import re
from typing import Any

from planner.plan import ChartSpec
from post.blocks import Block
from post.chart_data import number, values
from post.describe import format_number
from post.mrkdwn import visible

TITLE_MAX = 50
LABEL_MAX = 20
AXIS_TITLE_MAX = 50
SERIES_MAX = 6
POINTS_MAX = 20
SEGMENTS_MAX = 6
NATIVE_TYPES = {"bar": "bar", "line": "line", "area": "area", "pie": "pie"}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


def native_chart_block(spec: ChartSpec, figure: dict[str, Any]) -> Block | None:
    kind = NATIVE_TYPES.get(spec.chart_type)
    traces = [t for t in figure.get("data") or [] if isinstance(t, dict)]
    if kind is None or not traces:
        return None
    chart = _pie(traces, spec) if kind == "pie" else _xy_chart(kind, traces, spec, figure)
    if chart is None:
        return None
    return {"type": "data_visualization", "title": _cut(spec.title, TITLE_MAX), "chart": chart}


def _pie(traces: list[dict[str, Any]], spec: ChartSpec) -> dict[str, Any] | None:
    if len(traces) != 1 or traces[0].get("type") != "pie":
        return None
    labels = values(traces[0].get("labels"))
    sizes = [number(v) for v in values(traces[0].get("values"))]
    if not 1 <= len(labels) <= SEGMENTS_MAX or len(sizes) != len(labels):
        return None
    if any(s is None or s <= 0 for s in sizes):
        return None
    names = _labels([_label(v, spec.time_grain) for v in labels])
    if names is None:
        return None
    return {
        "type": "pie",
        "segments": [{"label": n, "value": s} for n, s in zip(names, sizes, strict=True)],
    }


def _xy_chart(
    kind: str, traces: list[dict[str, Any]], spec: ChartSpec, figure: dict[str, Any]
) -> dict[str, Any] | None:
    wanted = "bar" if kind == "bar" else "scatter"
    if not 1 <= len(traces) <= SERIES_MAX or any(t.get("type") != wanted for t in traces):
        return None
    if any(t.get("orientation") == "h" for t in traces):
        return None
    categories: dict[str, None] = {}
    series_points: list[list[tuple[str, float]]] = []
    for trace in traces:
        xs, ys = values(trace.get("x")), values(trace.get("y"))
        if len(xs) != len(ys):
            return None
        points = []
        for x, y in zip(xs, ys, strict=True):
            value = number(y)
            if value is None:
                continue
            label = _label(x, spec.time_grain)
            categories.setdefault(label, None)
            points.append((label, value))
        if not points or len(points) > POINTS_MAX:
            return None
        series_points.append(points)
    cut = _labels(list(categories))
    if cut is None or not 1 <= len(cut) <= POINTS_MAX:
        return None
    short = dict(zip(categories, cut, strict=True))
    names = _labels(_series_names(traces, _axis_title(figure, "yaxis") or spec.y or "value"))
    if names is None:
        return None
    axis: dict[str, Any] = {"categories": cut}
    for key, axis_name in (("x_label", "xaxis"), ("y_label", "yaxis")):
        title = _axis_title(figure, axis_name)
        if title:
            axis[key] = _cut(title, AXIS_TITLE_MAX)
    return {
        "type": kind,
        "series": [
            {"name": name, "data": [{"label": short[label], "value": v} for label, v in points]}
            for name, points in zip(names, series_points, strict=True)
        ],
        "axis_config": axis,
    }


def _series_names(traces: list[dict[str, Any]], fallback: str) -> list[str]:
    if len(traces) == 1:
        return [fallback]
    return [str(t.get("name") or f"series {i + 1}") for i, t in enumerate(traces)]


def _labels(labels: list[str]) -> list[str] | None:
    """Labels cut to Slack's 20 characters, or None when cutting would make two the same."""
    cut = [_cut(label, LABEL_MAX) if label else "(blank)" for label in labels]
    return cut if len(set(cut)) == len(cut) else None


def _label(value: Any, grain: str | None) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(float(value))
    text = " ".join(str(value).split())
    match = _ISO.match(text)
    if match is None:
        return text
    year, month, day, hour, minute = match.groups()
    if grain == "Y":
        return year
    if grain == "Q":
        return f"{year} Q{(int(month) - 1) // 3 + 1}"
    if grain == "M":
        return f"{year}-{month}"
    if hour is not None and (hour, minute) != ("00", "00") and grain is None:
        return f"{year}-{month}-{day} {hour}:{minute}"
    return f"{year}-{month}-{day}"


def _axis_title(figure: dict[str, Any], axis: str) -> str:
    layout = figure.get("layout")
    section = layout.get(axis) if isinstance(layout, dict) else None
    title = section.get("title") if isinstance(section, dict) else None
    text = title.get("text") if isinstance(title, dict) else title
    return " ".join(str(text).split()) if isinstance(text, str | int | float) else ""


def _cut(text: str, limit: int) -> str:
    text = visible(text)  # labels come from the file: no bidi overrides or zero-width tricks
    return text if len(text) <= limit else text[: limit - 1] + "…"
