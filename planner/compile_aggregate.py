"""Chart code that turns the prepared rows into `table`: one row per x (and series) with its value.

In order: aggregate (a ratio divides two aggregated columns; several measures become one row per
measure), fill empty periods of a count over time with zero, rank for a top N and fold the rest
into "Other". After the transform (`planner.compile_transforms`), `keep_and_order` drops what
the limit leaves out and puts the rows in drawing order.

Comments in the generated code are fixed text: file text never reaches them.
"""

from __future__ import annotations

from planner.compile_shape import Shape
from planner.plan import TimeGrain
from planner.spec_rules import ORDERED_TRANSFORMS
from planner.wording import human

# pandas' names for the aggregates; "count" is `size()` and has none.
_HOW = {
    "sum": "sum",
    "mean": "mean",
    "median": "median",
    "min": "min",
    "max": "max",
    "distinct": "nunique",
    "last": "last",
}
# Period starts as `to_period(grain).start_time` makes them, as `pd.date_range` frequencies.
PERIOD_STARTS: dict[TimeGrain, str] = {"D": "D", "W": "W-MON", "M": "MS", "Q": "QS", "Y": "YS"}
# A table chart's rows: a 600 px high PNG shows about 25 before it cuts the rest off without a
# word, so a table keeps 25 and its note says how many more there are.
TABLE_ROWS = 25


def aggregate(shape: Shape) -> list[str]:
    """`value_col`, `keys`, `series_col` and the aggregated `table`, in x order where it has one."""
    spec = shape.spec
    keys = "[x_col, color_col]" if shape.color else "[x_col]"
    lines = [f"value_col = {shape.text.text(shape.value_col)}", f"keys = {keys}"]
    if shape.series == "color":
        lines.append("series_col = color_col")
    elif shape.series == "measure":
        lines.append(f"series_col = {shape.text.text(shape.series_col)}")
    if spec.other_bucket and spec.limit and not spec.limit_within:
        # "Other" is aggregated again from the relabelled rows, so the rule is a function.
        how = "sum" if spec.aggregate == "none" else spec.aggregate
        lines += ["", "", "def aggregate(rows):"]
        lines += [f"    {line}" for line in _aggregated(shape, "rows", how)]
        lines += ["    return table", "", "", "table = aggregate(data)"]
    else:
        lines += _aggregated(shape, "data", spec.aggregate)
    lines += _undefined_ratios(shape)
    lines += _zero_filled(shape)
    if shape.kind in ("line", "area") or _ordered_transform(shape):
        order = "[series_col, x_col]" if shape.series_col else "[x_col]"
        lines.append(f"table = table.sort_values({order}, kind='stable')")
    return lines


def _ordered_transform(shape: Shape) -> bool:
    return shape.spec.transform is not None and shape.spec.transform.kind in ORDERED_TRANSFORMS


def _aggregated(shape: Shape, source: str, how: str) -> list[str]:
    """Lines that set `table` from the rows in `source`, aggregated `how`."""
    spec = shape.spec
    grouped = f"{source}.groupby(keys, observed=True, sort=False)"
    if how == "count":
        return [f"table = {grouped}.size().reset_index(name=value_col)"]
    several = len(shape.measures) > 1
    columns = "measures" if several else "y_col"
    if spec.denominator:
        columns = "[*measures, denominator_col]" if several else "[y_col, denominator_col]"
    if how == "none":
        lines = _rows(shape, source)
    elif several or spec.denominator:
        # sum(min_count=1): a group with no value of a measure stays empty instead of 0.
        agg = ".sum(min_count=1)" if how == "sum" else f".agg({_HOW[how]!r})"
        lines = [f"table = {grouped}[{columns}]{agg}.reset_index()"]
    else:
        return [
            f"table = {grouped}[y_col].agg({_HOW[how]!r}).reset_index(name=value_col)",
            *_percent(shape),
        ]
    lines += _ratio(shape)
    if several:
        lines += _melted(shape)
    return lines + ([] if spec.denominator else _percent(shape))


def _rows(shape: Shape, source: str) -> list[str]:
    """Aggregate "none": the rows themselves."""
    spec = shape.spec
    if len(shape.measures) > 1:
        extra = ", denominator_col" if spec.denominator else ""
        return [f"table = {source}[[*keys, *measures{extra}]].reset_index(drop=True)"]
    if spec.denominator:
        columns = list(dict.fromkeys([*shape.keys(), spec.y, spec.denominator]))
        return [f"table = {source}[{shape.text.columns(columns)}].reset_index(drop=True)"]
    return [
        f"table = {source}[keys].reset_index(drop=True)",
        f"table[value_col] = {source}[y_col].to_numpy()",
    ]


def _ratio(shape: Shape) -> list[str]:
    spec = shape.spec
    if not spec.denominator:
        return []
    times = " * 100" if spec.as_percent else ""
    divisor = "table[denominator_col].where(table[denominator_col] != 0)"
    lines = ["# A zero denominator leaves the ratio empty rather than infinite."]
    if len(shape.measures) > 1:
        return [
            *lines,
            "summary['undefined_ratios'] = int((table[denominator_col] == 0).sum())",
            "for measure in measures:",
            f"    table[measure] = table[measure] / {divisor}{times}",
        ]
    return [*lines, f"table[value_col] = table[y_col] / {divisor}{times}"]


def _percent(shape: Shape) -> list[str]:
    """`as_percent` without a denominator: the values are fractions shown as %."""
    if not shape.spec.as_percent or shape.spec.denominator:
        return []
    return ["table[value_col] = table[value_col] * 100"]


def _melted(shape: Shape) -> list[str]:
    """Several measures: one row per x and measure, the measure's name in `series_col`."""
    lines = [
        "table = table.melt(id_vars=keys, value_vars=measures, var_name=series_col, "
        "value_name=value_col)",
        "table = table.dropna(subset=[value_col])",
    ]
    names = {m: human(m) for m in shape.measures if human(m) != m}
    if names:
        lines.append(f"table[series_col] = table[series_col].replace({shape.text.text(names)})")
    return lines


def _undefined_ratios(shape: Shape) -> list[str]:
    if not shape.spec.denominator:
        return []
    lines = []
    if len(shape.measures) == 1:
        lines = [
            "summary['undefined_ratios'] = int(table[value_col].isna().sum())",
            "table = table.dropna(subset=[value_col])",
        ]
    return [
        *lines,
        "if table.empty:",
        "    raise ValueError('every group has a denominator of zero: there is no ratio to draw')",
    ]


def _zero_filled(shape: Shape) -> list[str]:
    """Counts over time: a period with no rows is a count of zero, drawn, not skipped."""
    spec = shape.spec
    counted = spec.aggregate in ("count", "distinct")
    if not (counted and shape.grain and shape.kind in ("line", "area", "bar", "table")):
        return []
    lines = [
        "# Periods with no rows count zero: draw them at zero instead of skipping them.",
        f"periods = pd.date_range(table[x_col].min(), table[x_col].max(), "
        f"freq={PERIOD_STARTS[shape.grain]!r}, name=x_col)",
    ]
    if shape.series_col:
        lines += [
            "every = pd.MultiIndex.from_product([periods, table[series_col].unique()], "
            "names=[x_col, series_col])",
            "filled = table.set_index([x_col, series_col]).reindex(every, fill_value=0)"
            ".reset_index()",
        ]
    else:
        lines.append("filled = table.set_index(x_col).reindex(periods, fill_value=0).reset_index()")
    return [
        *lines,
        "summary['zero_filled_periods'] = int(len(filled) - len(table))",
        "table = filled",
    ]


def rank(shape: Shape) -> list[str]:
    """Rank for a top N (before any transform, by the aggregated value) and fold "Other"."""
    spec = shape.spec
    if not spec.limit or spec.limit_within or shape.kind == "scatter":
        return []
    if shape.kind in ("line", "area"):  # the top N series, by their total over x
        return [
            "ranking = table.groupby(series_col, observed=True, sort=False)[value_col].sum()",
            "ranking = ranking.sort_values(ascending=False, kind='stable')",
            f"keep = list(ranking.index[:{spec.limit!r}])",
        ]
    ascending = spec.sort is not None and spec.sort.order == "asc"
    bottom = ascending and not spec.other_bucket and spec.sort is not None and spec.sort.by == "y"
    lines = [
        "ranking = table.groupby(x_col, observed=True, sort=False)[value_col].sum()",
        f"ranking = ranking.sort_values(ascending={bottom!r}, kind='stable')",
        f"keep = list(ranking.index[:{spec.limit!r}])",
    ]
    if spec.other_bucket:
        lines += [
            f"summary['other_groups'] = max(int(len(ranking)) - {spec.limit!r}, 0)",
            "if summary['other_groups'] > 0:",
            "    labels = data[x_col].astype(str)",
            "    data[x_col] = labels.where(labels.isin([str(k) for k in keep]), 'Other')",
            "    table = aggregate(data)",
        ]
    return lines


def keep_and_order(shape: Shape) -> list[str]:
    """After the transform: apply the limit, place "Other", and put rows in drawing order."""
    spec = shape.spec
    if shape.kind == "scatter":
        return []
    if spec.limit_within:
        return _within(shape)
    lines: list[str] = []
    if spec.limit and not spec.other_bucket:
        column = "series_col" if shape.kind in ("line", "area") else "x_col"
        lines += [
            f"summary['groups_not_shown'] = max(int(len(ranking)) - {spec.limit!r}, 0)",
            f"table = table[table[{column}].isin(keep)]",
        ]
    if spec.limit and spec.other_bucket:
        lines += _other(shape)
    if shape.kind in ("line", "area"):
        descending = spec.sort is not None and spec.sort.by == "x" and spec.sort.order == "desc"
        if descending:
            order = "[series_col, x_col]" if shape.series_col else "[x_col]"
            lines.append(f"table = table.sort_values({order}, ascending=False, kind='stable')")
        return lines
    return lines + _category_order(shape) + _table_rows(shape)


def _other(shape: Shape) -> list[str]:
    lines = [
        "if summary['other_groups'] > 0:",
        "    is_other = table[x_col] == 'Other'",
        "    summary['other_value'] = float(table.loc[is_other, value_col].sum())",
    ]
    if shape.kind != "bar":  # a pie or table keeps every part of the whole
        return [*lines, "    summary['other_drawn'] = True"]
    return [
        *lines,
        "    tallest = table[~is_other].groupby(x_col, observed=True)[value_col].sum().max()",
        "    # An 'Other' bar taller than every named bar would hide them: it becomes a note.",
        "    summary['other_drawn'] = bool(summary['other_value'] <= tallest)",
        "    if not summary['other_drawn']:",
        "        table = table[~is_other]",
    ]


def _category_order(shape: Shape) -> list[str]:
    """`order`: x values by total (largest first), by x when asked, or in calendar order."""
    spec = shape.spec
    ascending = spec.sort is not None and spec.sort.order == "asc"
    ordered_x = shape.x_role in ("time", "number") or shape.calendar is not None
    by_x = (spec.sort.by == "x") if spec.sort is not None else ordered_x
    lines = [
        f"totals = table.groupby(x_col, observed=True, sort={by_x!r})[value_col].sum()",
        "order = list(totals.index)"
        if by_x
        else f"order = list(totals.sort_values(ascending={ascending!r}, kind='stable').index)",
    ]
    if by_x and spec.sort is not None and not ascending:
        lines.append("order.reverse()")
    if spec.other_bucket:
        lines += [
            "if 'Other' in order:",
            "    order = [k for k in order if k != 'Other'] + ['Other']",
        ]
    lines.append("table = table.set_index(x_col).loc[order].reset_index()")
    return lines


def _table_rows(shape: Shape) -> list[str]:
    if shape.kind != "table":
        return []
    return [
        f"if len(table) > {TABLE_ROWS}:",
        f"    summary['groups_not_shown'] += int(len(table) - {TABLE_ROWS})",
        f"    table = table.head({TABLE_ROWS})",
    ]


def _within(shape: Shape) -> list[str]:
    """Top N of one column within each value of the other (`limit_within`)."""
    spec = shape.spec
    ascending = spec.sort is not None and spec.sort.order == "asc" and spec.sort.by == "y"
    group = "x_col" if spec.limit_within == spec.x else "color_col"
    lines = [
        f"group_col = {group}",
        f"table = table.sort_values(value_col, ascending={ascending!r}, kind='stable')",
        f"kept = table.groupby(group_col, observed=True, sort=False).head({spec.limit!r})",
        "summary['groups_not_shown'] = int(len(table) - len(kept))",
        "# Groups in their own order; within each, the kept values stay largest first.",
        "table = kept.sort_values(group_col, kind='stable').reset_index(drop=True)",
    ]
    return lines + _table_rows(shape)
