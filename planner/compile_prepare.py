"""The first lines of chart code: column names, filters, rows with missing values, time buckets.

Column names and values are file and question text; they enter the code only as data
(`planner.code_text`).
"""

from __future__ import annotations

from planner.compile_shape import Shape
from planner.compile_summary import summary_start
from planner.filter_code import filter_expression


def prepare(shape: Shape) -> list[str]:
    """Names, filters, dropping rows with missing values, the summary, and the time grain."""
    spec, profile, text = shape.spec, shape.profile, shape.text
    lines = [
        f"x_col = {text.column(spec.x)}",
        f"y_col = {text.column(spec.y)}",
        f"color_col = {text.column(shape.color)}",
    ]
    if len(shape.measures) > 1:
        lines.append(f"measures = {text.columns(shape.measures)}")
    if spec.denominator:
        lines.append(f"denominator_col = {text.column(spec.denominator)}")
    if shape.last_by and shape.last_by != spec.x:
        lines.append(f"time_col = {text.column(shape.last_by)}")
    lines += ["data = df", "rows_total = int(len(df))"]
    for f in spec.filters:
        lines.append(f"data = data[{filter_expression(f, profile.column(f.column), text)}]")
    lines += _drop_missing(shape)
    lines += [
        "rows_used = int(len(data))",
        "if rows_used == 0:",
        f"    raise ValueError({text.text(_empty_message(shape))})",
        *summary_start(shape),
    ]
    if shape.last_by:
        by = "x_col" if shape.last_by == spec.x else "time_col"
        lines += [
            "# 'Last' means latest in time: order the rows by time before grouping them.",
            f"data = data.sort_values({by}, kind='stable')",
        ]
    if shape.grain and spec.x:
        if "," in profile.column(spec.x).dtype:  # to_period warns and drops a timezone itself
            lines.append("data[x_col] = data[x_col].dt.tz_localize(None)")
        lines.append(f"data[x_col] = data[x_col].dt.to_period({shape.grain!r}).dt.start_time")
    if shape.calendar:
        lines += [
            "# Weekday or month names: keep them in calendar order, not by value or alphabet.",
            f"calendar_order = {text.text(shape.calendar)}",
            "data[x_col] = pd.Categorical(data[x_col], categories=calendar_order, ordered=True)",
        ]
    return lines


def _needed(shape: Shape) -> list[str]:
    """The columns a row must have a value in to be used."""
    spec = shape.spec
    single = len(shape.measures) == 1 or spec.chart_type in ("box", "scatter")
    y = spec.y if single else None
    names = [spec.x, y, shape.color, spec.denominator, shape.last_by]
    if spec.chart_type == "histogram":
        names = [spec.x]
    return list(dict.fromkeys(name for name in names if name))


def _drop_missing(shape: Shape) -> list[str]:
    lines = [f"data = data.dropna(subset={shape.text.columns(_needed(shape))}).copy()"]
    if len(shape.measures) > 1:  # a row counts when any of the measures has a value
        lines.append("data = data.dropna(subset=measures, how='all')")
    return lines


def _empty_message(shape: Shape) -> str:
    spec = shape.spec
    described = "; ".join(f.describe() for f in spec.filters)
    if described:
        return f"no rows left after filtering: {described}"
    used = _needed(shape) + (shape.measures if len(shape.measures) > 1 else [])
    return f"no rows with values in {', '.join(dict.fromkeys(used))}"
