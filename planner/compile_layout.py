"""Chart code that makes `fig` readable: titles, margins, value labels, ticks, scales, density.

It runs after `summary` has its numbers, and reads them (`flat`, `top_value`, `other_drawn`)
to decide. What it changes that an answer should mention goes into `summary` too.
"""

from __future__ import annotations

from planner.compile_figure import OTHER_GREY
from planner.compile_shape import Shape, axis_title
from planner.wording import count_label, human, measure_label

# Plotly's default top margin (100 px) leaves an empty band between the title and the plot.
MARGIN = "dict(t=56, r=24, b=56, l=72)"
TABLE_MARGIN = "dict(t=56, r=24, b=32, l=24)"  # no axes to make room for
TITLE = "dict(x=0.01, xanchor='left', y=0.98, yanchor='top')"
MAX_LABELLED_BARS = 12
CLOSE_VALUES = 0.25  # the bars' spread is within this share of the largest: label them
DENSE_POINTS = 500
SKEW = 2.0  # sample skewness past which points bunch up against one end of the axis
SPAN = 100  # and the largest value is this many times the smallest


def layout(shape: Shape) -> list[str]:
    """Lines that title the axes and tidy `fig`, using what `summary` found."""
    margin = TABLE_MARGIN if shape.kind == "table" else MARGIN
    lines = [
        *_titles(shape),
        f"fig.update_layout(margin={margin}, title={TITLE})",
    ]
    kind = shape.kind
    if kind in ("pie", "table"):
        return lines
    if kind == "bar":
        lines += _value_labels(shape) + _muted_other(shape)
    if shape.whole_numbers or kind == "histogram":
        lines += _whole_ticks(shape)
    if kind != "histogram":
        lines += _flat(shape)
    lines += _asked_scales(shape)
    if kind == "scatter":
        lines += _dense_points(shape)
    return lines


def _titles(shape: Shape) -> list[str]:
    spec, kind = shape.spec, shape.kind
    if kind == "table":
        return []
    if kind == "pie":
        return ["fig.update_layout(legend_title_text=None)"]
    x_title = axis_title(shape)
    if spec.limit_within and spec.x and spec.color:
        group, item = (spec.x, spec.color) if spec.limit_within == spec.x else (spec.color, spec.x)
        x_title = f"{human(item)} within each {human(group)}"
    if kind == "histogram":
        y_title = count_label(spec.count_noun)
    elif kind == "box" or (kind == "scatter" and spec.aggregate == "none" and not spec.denominator):
        y_title = human(spec.y or "")
    else:
        y_title = measure_label(spec)
    text = shape.text
    lines = [
        f"fig.update_layout(xaxis_title={text.text(x_title)}, yaxis_title={text.text(y_title)})"
    ]
    if shape.series == "color" and shape.color:
        lines.append(f"fig.update_layout(legend_title_text={text.text(human(shape.color))})")
    elif shape.series == "measure":
        lines.append("fig.update_layout(legend_title_text=None)")
    return lines


def _value_labels(shape: Shape) -> list[str]:
    """A few bars of close values: the eye cannot rank them, so each carries its value."""
    suffix = "%" if shape.percent else ""
    position = "inside" if shape.stacked else "outside"
    return [
        "values = table[value_col]",
        f"if len(table) <= {MAX_LABELLED_BARS} and "
        f"values.max() - values.min() <= {CLOSE_VALUES} * values.abs().max():",
        f"    label = '%{{y:,.0f}}{suffix}' if values.abs().max() >= 100 else "
        f"'%{{y:,.3~g}}{suffix}'",
        f"    fig.update_traces(texttemplate=label, textposition={position!r}, cliponaxis=False)",
    ]


def _muted_other(shape: Shape) -> list[str]:
    spec = shape.spec
    if not (spec.other_bucket and spec.limit):
        return []
    if shape.series_col:  # colours carry the series; "Other" keeps them, faded
        mute = [
            "    for trace in fig.data:",
            "        trace.marker.opacity = [0.35 if str(x) == 'Other' else 1.0 for x in trace.x]",
        ]
    else:
        mute = [
            "    usual = fig.data[0].marker.color",
            f"    fig.data[0].marker.color = [{OTHER_GREY!r} if str(x) == 'Other' else usual "
            "for x in fig.data[0].x]",
        ]
    return [
        "if summary['other_drawn']:",
        *mute,
        "elif summary['other_groups'] > 0:",
        "    other = summary['other_value']",
        "    shown = f'{other:,.0f}' if abs(other) >= 100 else f'{other:.3g}'",
        "    note = f\"Other ({summary['other_groups']:,} more): {shown}, not drawn: it would "
        'dwarf the bars"',
        "    fig.add_annotation(text=note, xref='paper', yref='paper', x=1, y=1, xanchor='right', "
        "yanchor='bottom', showarrow=False, font=dict(color='grey', size=12))",
    ]


def _whole_ticks(shape: Shape) -> list[str]:
    """Counts are whole numbers: no 0.5 ticks on a short count axis."""
    peak = "counts.max()" if shape.kind == "histogram" else "summary['top_value']"
    return [
        f"if {peak} is not None and {peak} <= 10:",
        "    fig.update_yaxes(dtick=1, rangemode='tozero')",
    ]


def _flat(shape: Shape) -> list[str]:
    """Every value the same: start the axis at zero and keep whole-number ticks whole."""
    if shape.kind == "box" or shape.spec.y_scale == "log":
        return []
    return [
        "if summary['flat'] and summary['top_value'] is not None:",
        "    level = summary['top_value']",
        "    fig.update_yaxes(range=[min(level, 0) * 1.25, max(level, 0) * 1.25 or 1])",
        "    if level.is_integer() and abs(level) <= 10:",
        "        fig.update_yaxes(dtick=1)",
    ]


def _asked_scales(shape: Shape) -> list[str]:
    """A log axis the spec asks for, unless values at or below zero cannot be drawn on it."""
    spec = shape.spec
    lines: list[str] = []
    if spec.x_scale == "log":
        lines += _log("x", "table[x_col]")
    if spec.y_scale == "log":
        if shape.kind == "histogram":  # empty bins are simply not drawn
            return [*lines, "fig.update_yaxes(type='log')", "summary['log_y_applied'] = True"]
        values = "data[y_col]" if shape.kind == "box" else "table[value_col]"
        lines += _log("y", values)
    return lines


def _log(axis: str, values: str) -> list[str]:
    return [
        f"at_or_below_zero = int(({values} <= 0).sum())",
        "if at_or_below_zero == 0:",
        f"    fig.update_{axis}axes(type='log')",
        f"    summary['log_{axis}_applied'] = True",
        "else:",
        "    summary['log_refused'] += at_or_below_zero",
    ]


def _dense_points(shape: Shape) -> list[str]:
    """Many points: smaller and see-through; a strongly skewed axis becomes logarithmic unless
    the spec set that axis's scale itself."""
    spec = shape.spec
    lines = [
        f"if len(table) > {DENSE_POINTS}:",
        "    fig.update_traces(marker=dict(size=5, opacity=0.5 if len(table) <= 5000 else 0.25))",
    ]
    axes = []
    if shape.x_role == "number" and "x_scale" not in spec.model_fields_set:
        axes.append(("x", "table[x_col]"))
    if "y_scale" not in spec.model_fields_set:
        axes.append(("y", "table[value_col]"))
    for axis, values in axes:
        lines += [
            f"    values = {values}",
            "    # Points bunched against one end by a few huge values: a log axis spreads them.",
            f"    if values.min() > 0 and values.max() >= {SPAN} * values.min() "
            f"and values.skew() > {SKEW}:",
            f"        fig.update_{axis}axes(type='log')",
            f"        summary['log_{axis}_applied'] = True",
            "        summary['log_auto'] = True",
        ]
    return lines
