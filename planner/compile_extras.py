"""Code for a plan's summary card and table, appended to the first chart's code.

Like the charts, every number is computed from `df` inside the sandbox: card values land in
`summary` under `card_0`, `card_1`…, the table in `result_table` (at most 20 rows). The code runs
after the chart's own code and starts again from `df`, so the chart's filters do not leak in.
"""

from __future__ import annotations

from ingest.profile import DataProfile
from planner.filter_code import filter_expression
from planner.plan import Filter, Metric, Plan, TableSpec

CARD_KEY = "card_{index}"


def compile_extras(plan: Plan, profile: DataProfile) -> str:
    """Python lines computing the card and table of `plan` (empty when it has neither)."""
    lines: list[str] = []
    if plan.summary_card:
        for index, metric in enumerate(plan.summary_card.metrics):
            lines += _metric(index, metric, profile)
    if plan.table:
        lines += _table(plan.table, profile)
    return "\n".join(lines) + "\n" if lines else ""


def _filtered(filters: list[Filter], profile: DataProfile) -> list[str]:
    lines = ["data = df"]
    lines += [f"data = data[{filter_expression(f, profile.column(f.column))}]" for f in filters]
    return lines


def _metric(index: int, metric: Metric, profile: DataProfile) -> list[str]:
    key = CARD_KEY.format(index=index)
    lines = _filtered(metric.filters, profile)
    if metric.aggregate == "count":
        return [*lines, f"summary[{key!r}] = int(len(data))"]
    if metric.column is None:
        raise ValueError(f"metric {metric.label!r}: aggregate {metric.aggregate!r} needs a column")
    column = metric.column
    if metric.aggregate == "distinct":
        return [*lines, f"summary[{key!r}] = int(data[{column!r}].nunique())"]
    value = f"data[{column!r}].dropna().agg({metric.aggregate!r})"
    is_time = profile.column(column).role == "time"
    as_json = "pd.Timestamp(card_value).isoformat()" if is_time else "float(card_value)"
    return [
        *lines,
        f"card_value = {value} if data[{column!r}].notna().any() else None",
        f"summary[{key!r}] = None if card_value is None else {as_json}",
    ]


def _table(table: TableSpec, profile: DataProfile) -> list[str]:
    if table.value is None and table.aggregate != "count":
        raise ValueError(f"table: aggregate {table.aggregate!r} needs a value column")
    keys = list(table.group_by)
    label = "rows" if table.aggregate == "count" or table.value is None else table.value
    if label in keys:
        label = f"{label} ({table.aggregate})"
    needed = [*keys, *([table.value] if table.value and table.aggregate != "count" else [])]
    lines = [
        *_filtered(table.filters, profile),
        f"data = data.dropna(subset={list(dict.fromkeys(needed))!r})",
    ]
    grouped = f"data.groupby({keys!r}, observed=True, sort=False)"
    if table.aggregate == "count" or table.value is None:
        lines.append(f"result_table = {grouped}.size().reset_index(name={label!r})")
    else:
        lines.append(
            f"result_table = {grouped}[{table.value!r}].agg({table.aggregate!r})"
            f".reset_index(name={label!r})"
        )
    ascending = table.order == "asc"
    lines.append(
        f"result_table = result_table.sort_values({label!r}, ascending={ascending!r}, "
        f"kind='stable').head({table.limit!r}).reset_index(drop=True)"
    )
    return lines
