"""The `summary` dict chart code leaves: what the answer needs to describe the chart honestly.

Every key is always present, so the answer never has to guess whether a flag was computed:

- rows_total, rows_used: rows in the file, and rows left after filters and missing values.
- groups: x values drawn (points on a scatter, bins of a histogram, bars of a top-N-within).
- series: lines, bar colours or measures drawn (1 when nothing is split).
- other_groups: categories folded into "Other"; other_value: its value; other_drawn: False
  when it would have dwarfed the named bars and is given in a note on the chart instead.
- groups_not_shown: categories, series or table rows left out by a limit (not in "Other").
- top_label, top_value, top_series: the largest value drawn (a stack counts as one bar).
- flat: every value drawn is the same (the answer can say "every bar is 8").
- unstacked: stacking was asked for, but the values do not add up (averages, ratios, distinct
  counts, % changes), so bars stand side by side and areas are drawn as lines.
- zero_filled_periods: periods with no rows, drawn at zero on a count over time.
- dropped_points: points with no value after a transform (the first window-1 of a rolling
  average, the first of a % change, those with no value a year earlier).
- undefined_ratios: groups whose denominator is zero, left out.
- last_by: the time column that says which value is the last (aggregate "last").
- log_x_applied, log_y_applied: the axis is logarithmic; log_auto: we chose it because the
  data is strongly skewed; log_refused: values at or below zero that kept an asked-for log axis
  linear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.compile_shape import Shape

SUMMARY_DEFAULTS: dict[str, object] = {
    "rows_total": None,
    "rows_used": None,
    "groups": 0,
    "series": 1,
    "other_groups": 0,
    "other_value": None,
    "other_drawn": False,
    "groups_not_shown": 0,
    "top_label": None,
    "top_value": None,
    "top_series": None,
    "flat": False,
    "unstacked": False,
    "zero_filled_periods": 0,
    "dropped_points": 0,
    "undefined_ratios": 0,
    "last_by": None,
    "log_x_applied": False,
    "log_y_applied": False,
    "log_auto": False,
    "log_refused": 0,
}


def summary_start(shape: Shape) -> list[str]:
    """The summary with every key at its default; later lines fill in what they find."""
    unstacked = shape.stack_asked and not shape.stacked
    values = {**SUMMARY_DEFAULTS, "last_by": shape.last_by, "unstacked": unstacked}
    items = [f"{key!r}: {shape.text.text(value)}" for key, value in values.items()]
    items[0], items[1] = "'rows_total': rows_total", "'rows_used': rows_used"
    lines = ["summary = {"]
    lines += [f"    {item}," for item in items]
    return [*lines, "}"]


def summary_end(shape: Shape) -> list[str]:
    """Groups, series and the peak of what is drawn."""
    kind = shape.kind
    if kind == "histogram":
        return ["summary['groups'] = int(len(counts))", *_flat("pd.Series(counts)")]
    if kind == "box":
        return ["summary['groups'] = int(data[x_col].nunique()) if x_col is not None else 1"]
    if kind == "scatter" or shape.spec.limit_within:
        lines = ["summary['groups'] = int(len(table))"]
    else:
        lines = ["summary['groups'] = int(table[x_col].nunique())"]
    if shape.series_col:
        lines.append("summary['series'] = int(table[series_col].nunique())")
    if kind == "scatter":
        return lines + _flat("table[value_col]")
    if _stacks(shape):  # what reads as one bar or band is the stack
        lines.append("heights = table.groupby(x_col, observed=True, sort=False)[value_col].sum()")
        return lines + _flat("heights") + _peak(shape)
    return lines + _flat("table[value_col]") + _peak(shape)


def _stacks(shape: Shape) -> bool:
    """Stacked values whose stack is the height people read (a stack of shares is always 100:
    there the largest part counts)."""
    share = shape.spec.transform is not None and shape.spec.transform.kind == "share"
    return shape.stacked and not share


def _flat(values: str) -> list[str]:
    return [f"summary['flat'] = bool(len({values}) > 1 and {values}.nunique() == 1)"]


def _peak(shape: Shape) -> list[str]:
    """The label and value of the largest bar, slice or point (stacks count as one bar)."""
    label = "pd.Timestamp(top).isoformat()" if shape.time_x else "str(top)"
    if _stacks(shape):
        return [
            "if len(heights) and heights.notna().any():",
            "    top = heights.idxmax()",
            f"    summary['top_label'] = {label}",
            "    summary['top_value'] = float(heights.max())",
        ]
    lines = [
        "if len(table) and table[value_col].notna().any():",
        "    top_row = table.loc[table[value_col].idxmax()]",
        "    top = top_row[x_col]",
        f"    summary['top_label'] = {label}",
        "    summary['top_value'] = float(top_row[value_col])",
    ]
    if shape.series_col:
        lines.append("    summary['top_series'] = str(top_row[series_col])")
    return lines
