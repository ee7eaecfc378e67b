"""Code for a plan's summary card and table, appended to the first chart's code.

Like the charts, every number is computed from `df` inside the sandbox: card values land in
`summary` under `card_0`, `card_1`…, the table in `result_table` (at most 20 rows). The code runs
after the chart's own code and starts again from `df`, so the chart's filters do not leak in.
Its file and question text is data, like the chart's (`planner.code_text`), in `EXTRA_TEXT`.
"""

from __future__ import annotations

from ingest.profile import DataProfile
from planner.code_text import CodeText
from planner.filter_code import filter_expression
from planner.plan import Filter, Metric, Plan, TableSpec

CARD_KEY = "card_{index}"


def compile_extras(plan: Plan, profile: DataProfile) -> str:
    """Python lines computing the card and table of `plan` (empty when it has neither)."""
    text = CodeText(profile, name="EXTRA_TEXT")
    lines: list[str] = []
    if plan.summary_card:
        for index, metric in enumerate(plan.summary_card.metrics):
            lines += _metric(index, metric, profile, text)
    if plan.table:
        lines += _table(plan.table, profile, text)
    return "\n".join([*text.prelude(), *lines]) + "\n" if lines else ""


def _filtered(filters: list[Filter], profile: DataProfile, text: CodeText) -> list[str]:
    lines = ["data = df"]
    lines += [
        f"data = data[{filter_expression(f, profile.column(f.column), text)}]" for f in filters
    ]
    return lines


def _metric(index: int, metric: Metric, profile: DataProfile, text: CodeText) -> list[str]:
    key = CARD_KEY.format(index=index)
    lines = _filtered(metric.filters, profile, text)
    if metric.aggregate == "count":
        return [*lines, f"summary[{key!r}] = int(len(data))"]
    if metric.column is None:
        raise ValueError(f"metric {metric.label!r}: aggregate {metric.aggregate!r} needs a column")
    column = text.column(metric.column)
    if metric.aggregate == "distinct":
        return [*lines, f"summary[{key!r}] = int(data[{column}].nunique())"]
    value = f"data[{column}].dropna().agg({metric.aggregate!r})"
    is_time = profile.column(metric.column).role == "time"
    as_json = "pd.Timestamp(card_value).isoformat()" if is_time else "float(card_value)"
    return [
        *lines,
        f"card_value = {value} if data[{column}].notna().any() else None",
        f"summary[{key!r}] = None if card_value is None else {as_json}",
    ]


def _table(table: TableSpec, profile: DataProfile, text: CodeText) -> list[str]:
    if table.value is None and table.aggregate != "count":
        raise ValueError(f"table: aggregate {table.aggregate!r} needs a value column")
    keys = list(table.group_by)
    label = "rows" if table.aggregate == "count" or table.value is None else table.value
    if label in keys:
        label = f"{label} ({table.aggregate})"
    needed = [*keys, *([table.value] if table.value and table.aggregate != "count" else [])]
    lines = [
        *_filtered(table.filters, profile, text),
        f"data = data.dropna(subset={text.columns(list(dict.fromkeys(needed)))})",
        f"label = {text.text(label)}",
    ]
    grouped = f"data.groupby({text.columns(keys)}, observed=True, sort=False)"
    if table.aggregate == "count" or table.value is None:
        lines.append(f"result_table = {grouped}.size().reset_index(name=label)")
    else:
        lines.append(
            f"result_table = {grouped}[{text.column(table.value)}].agg({table.aggregate!r})"
            ".reset_index(name=label)"
        )
    ascending = table.order == "asc"
    lines.append(
        f"result_table = result_table.sort_values(label, ascending={ascending!r}, "
        f"kind='stable').head({table.limit!r}).reset_index(drop=True)"
    )
    return lines
