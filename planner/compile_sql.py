"""Push a chart's aggregation down: the plan as a DuckDB query over the normalized Parquet.

`compile_chart` writes pandas code that filters, drops rows with missing values, buckets time and
groups the whole file inside the sandbox. For the plans this module can express, DuckDB does
those steps in the worker over the Parquet instead, and the sandbox gets only the aggregated
`table` (one row per x and series) with the code that follows the grouping in `compile_chart`
(ratios, zero-filled periods, top N, transforms, drawing, summary), so both paths draw the same
numbers (`tests/planner/test_compile_sql.py` compares them).

Safety: column names are file text and filter values question text. Names enter the SQL only as
quoted identifiers (`quote`), values only as bound parameters; the only other words in the SQL
are fixed by this module. The code for the sandbox takes names and values as data (`TEXT[i]`,
`planner.code_text`), as the compiler does.

What is not pushed down, and why (`compile_pushdown` returns a `Fallback` naming it, and the
pandas path answers):

- histograms, box plots and aggregate "none": they draw rows, not groups;
- a top N with "Other": "Other" is aggregated again from the relabelled rows;
- time zones (tz-aware columns, or filter times with a zone): pandas compares local wall times;
- filters that pandas compares as text on a number column, or on booleans (text of `astype`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from ingest.profile import ColumnProfile, DataProfile
from planner.compile import _HEADER, _check

# The steps after grouping are the compiler's own, shared so both paths cannot drift apart.
from planner.compile_aggregate import (
    _melted,
    _ordered_transform,
    _percent,
    _ratio,
    _undefined_ratios,
    _zero_filled,
    keep_and_order,
    rank,
)
from planner.compile_figure import figure
from planner.compile_layout import layout
from planner.compile_prepare import _empty_message
from planner.compile_shape import Shape, shape_of
from planner.compile_summary import summary_end, summary_start
from planner.compile_transforms import transform
from planner.filter_code import _as_number
from planner.plan import ChartSpec, Filter, Scalar

_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_OPS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_TRUNC = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
_TEXT_DTYPES = ("str", "string", "object")
ROW = "__chartroom_row"  # the file's row number: "first seen" order and ties of "last"

Param = str | int | float | bool | datetime


@dataclass(frozen=True)
class Fallback:
    """The chart stays on the pandas path; `reason` says why, for the logs."""

    reason: str


@dataclass(frozen=True)
class PushedDown:
    """A chart whose grouping runs in DuckDB.

    `sql` (with `params`) returns the aggregated rows with columns named `names`, in order of the
    groups' first rows in the file; `counts_sql` returns (rows in the file, rows used). `code`
    turns those into the sandbox's chart code, which reads the aggregated rows as `df`.
    """

    shape: Shape
    sql: str
    counts_sql: str
    params: list[Param]
    names: list[str]

    def code(self, rows_total: int, rows_used: int) -> str:
        return _tail(self.shape, rows_total, rows_used)


def quote(name: str) -> str:
    """A DuckDB identifier for any column name: double quotes, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def compile_pushdown(spec: ChartSpec, profile: DataProfile) -> PushedDown | Fallback:
    """The query for `spec`, or why it stays on the pandas path.

    Raises what `compile_chart` raises for a spec it refuses (so both paths refuse alike).
    """
    _check(spec, profile)
    shape = shape_of(spec, profile)
    reason = _unsupported(shape)
    if reason:
        return Fallback(reason)
    params: list[Param] = []
    conditions: list[str] = []
    for f in spec.filters:
        condition = _filter(f, profile.column(f.column), params)
        if isinstance(condition, Fallback):
            return condition
        conditions.append(condition)
    conditions += _present(shape)
    selected, names = _grouped(shape)
    source = _source(shape)
    where = " AND ".join(conditions) or "TRUE"
    # pandas groups in order of first appearance; with "last", of the rows sorted by time.
    first = quote(ROW) if not shape.last_by else f"({quote(shape.last_by)}, {quote(ROW)})"
    # Every piece below is fixed text or a quoted identifier; values are parameters.
    prefix = (
        f"WITH src AS ({source}), "  # noqa: S608
        f"kept AS (SELECT * FROM src WHERE {where})"
    )
    sql = f"{prefix} SELECT {selected} FROM kept GROUP BY ALL ORDER BY min({first})"  # noqa: S608
    counts = f"{prefix} SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM kept)"  # noqa: S608
    return PushedDown(shape, sql, counts, params, names)


def _unsupported(shape: Shape) -> str | None:
    spec = shape.spec
    if shape.kind in ("histogram", "box"):
        return f"a {shape.kind} draws rows, not groups"
    if spec.aggregate == "none":
        return "aggregate 'none' draws the rows themselves"
    if spec.other_bucket and spec.limit and not spec.limit_within:
        return "'Other' is aggregated again from the relabelled rows"
    for name in _columns(shape):
        column = shape.profile.column(name)
        if column.role == "time" and "," in column.dtype:
            return f"time column {name!r} has a time zone"
    return None


def _columns(shape: Shape) -> list[str]:
    spec = shape.spec
    names = [*_keys(shape), *shape.measures, spec.denominator, shape.last_by]
    names += [f.column for f in spec.filters]
    return list(dict.fromkeys(n for n in names if n))


def _keys(shape: Shape) -> list[str]:
    return [name for name in (shape.spec.x, shape.color) if name]


def _source(shape: Shape) -> str:
    """The columns the chart reads; NaN in floats becomes NULL, as pandas counts it missing."""
    items = []
    for name in _columns(shape):
        column = shape.profile.column(name)
        ident = quote(name)
        if "float" in column.dtype.lower():
            items.append(f"CASE WHEN isnan({ident}) THEN NULL ELSE {ident} END AS {ident}")
        elif shape.grain and name == shape.spec.x:
            items.append(f"CAST({ident} AS TIMESTAMP) AS {ident}")
        else:
            items.append(ident)
    items.append(f"file_row_number AS {quote(ROW)}")
    return f"SELECT {', '.join(items)} FROM read_parquet(?, file_row_number = true)"  # noqa: S608


def _present(shape: Shape) -> list[str]:
    """Rows must have a value where `compile_prepare` drops missing ones."""
    spec = shape.spec
    single = len(shape.measures) == 1
    names = [spec.x, spec.y if single else None, shape.color, spec.denominator, shape.last_by]
    conditions = [f"{quote(n)} IS NOT NULL" for n in dict.fromkeys(n for n in names if n)]
    if len(shape.measures) > 1:  # a row counts when any of the measures has a value
        conditions.append(
            "(" + " OR ".join(f"{quote(m)} IS NOT NULL" for m in shape.measures) + ")"
        )
    return conditions


def _grouped(shape: Shape) -> tuple[str, list[str]]:
    """The SELECT list (keys, then values) and the pandas names of its columns."""
    spec = shape.spec
    items: list[str] = []
    names: list[str] = []
    for key in _keys(shape):
        ident = quote(key)
        if key == spec.x and shape.grain:
            items.append(f"date_trunc('{_TRUNC[shape.grain]}', {ident}) AS {ident}")
        else:
            items.append(ident)
        names.append(key)
    if spec.aggregate == "count":
        return ", ".join([*items, "count(*)"]), [*names, shape.value_col]
    several = len(shape.measures) > 1
    columns = list(shape.measures)
    if spec.denominator:
        columns = list(dict.fromkeys([*columns, spec.denominator]))
    for column in columns:
        items.append(_aggregate(shape, column))
    value_names = columns if (several or spec.denominator) else [shape.value_col]
    return ", ".join(items), [*names, *value_names]


def _aggregate(shape: Shape, column: str) -> str:
    """One measure aggregated like pandas does (missing values skipped, whole sums kept whole)."""
    ident = quote(column)
    how = shape.spec.aggregate
    dtype = shape.profile.column(column).dtype.lower()
    if how == "sum":
        return f"CAST(sum({ident}) AS BIGINT)" if "int" in dtype else f"sum({ident})"
    if how == "mean":
        return f"avg({ident})"
    if how == "median":  # pandas' median: the mean of the two middle values
        return f"quantile_cont({ident}, 0.5)"
    if how in ("min", "max"):
        return f"{how}({ident})"
    if how == "distinct":
        return f"count(DISTINCT {ident})"
    # "last": the latest row in time with a value, ties in file order (pandas' stable sort).
    assert shape.last_by, how
    order = f"{quote(shape.last_by)}, {quote(ROW)}"
    return f"last({ident} ORDER BY {order}) FILTER (WHERE {ident} IS NOT NULL)"


def _filter(f: Filter, column: ColumnProfile, params: list[Param]) -> str | Fallback:
    """The SQL of `planner.filter_code.filter_expression`, row for row; NULL is pandas' NaN."""
    ident = quote(f.column)
    values = f.value if isinstance(f.value, list) else [f.value]
    if column.role == "time":
        return _time_filter(f, ident, values, params)
    if any(kind in column.dtype.lower() for kind in ("int", "float")):
        numbers = [_as_number(v) for v in values]
        if any(n is None for n in numbers):
            return Fallback(f"filter on {f.column!r} compares a number column as text")
        return _compare(f.op, ident, [n for n in numbers if n is not None], params)
    if column.role == "boolean" or column.dtype.lower() not in _TEXT_DTYPES:
        return Fallback(f"filter on {f.column!r} ({column.dtype}) compares text of its values")
    return _compare(f.op, ident, [str(v) for v in values], params)


def _compare(op: str, ident: str, values: list[Param], params: list[Param]) -> str:
    """`ident op values`; "is not" keeps missing values, as pandas' `!=` and `~isin` do."""
    if op == "between" and len(values) == 2:
        params += values
        return f"{ident} BETWEEN ? AND ?"
    if op in ("in", "not_in"):
        params += values
        listed = f"{ident} IN ({', '.join('?' for _ in values)})"
        return listed if op == "in" else f"({ident} IS NULL OR NOT {listed})"
    params.append(values[0])
    if op == "ne":
        return f"({ident} IS NULL OR {ident} <> ?)"
    return f"{ident} {'=' if op == 'year' else _OPS[op]} ?"


def _stamp(value: Scalar, *, end_of_day: bool) -> datetime | Fallback:
    text = str(value)
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        return Fallback(f"{text!r} is not a time pandas reads")
    if pd.isna(stamp) or stamp.tzinfo is not None:
        return Fallback(f"{text!r} is not a time without a zone")
    if end_of_day and _DATE_ONLY.match(text):
        stamp += pd.Timedelta(days=1)
    result: datetime = stamp.to_pydatetime()
    return result


def _time_filter(
    f: Filter, ident: str, values: list[Scalar], params: list[Param]
) -> str | Fallback:
    if f.op == "year":
        params.append(int(_as_number(values[0]) or 0))
        return f"year({ident}) = ?"
    if f.op == "between" and len(values) == 2:
        high_is_day = bool(_DATE_ONLY.match(str(values[1])))
        low, high = _stamp(values[0], end_of_day=False), _stamp(values[1], end_of_day=high_is_day)
        if isinstance(low, Fallback):
            return low
        if isinstance(high, Fallback):
            return high
        params += [low, high]
        return f"({ident} >= ? AND {ident} {'<' if high_is_day else '<='} ?)"
    stamps = [_stamp(v, end_of_day=False) for v in values]
    for stamp in stamps:
        if isinstance(stamp, Fallback):
            return stamp
    plain = [s for s in stamps if isinstance(s, datetime)]
    if f.op in ("in", "not_in"):
        return _compare(f.op, ident, list(plain), params)
    day = bool(_DATE_ONLY.match(str(values[0])))
    if day and f.op in ("gt", "lte"):
        next_day = _stamp(values[0], end_of_day=True)
        assert isinstance(next_day, datetime)
        params.append(next_day)
        return f"{ident} {'>=' if f.op == 'gt' else '<'} ?"
    if day and f.op in ("eq", "ne"):
        params.append(plain[0])
        same = f"date_trunc('day', {ident}) = ?"
        return same if f.op == "eq" else f"({ident} IS NULL OR NOT {same})"
    return _compare(f.op, ident, list(plain), params)


def _tail(shape: Shape, rows_total: int, rows_used: int) -> str:
    """`compile_chart`'s code from the grouped `table` on, reading that table as `df`."""
    spec, text = shape.spec, shape.text
    # The grouped table's columns are not the file's: names are TEXT here, not COLUMNS[i].
    lines = [
        "# The rows were filtered and grouped by DuckDB before the sandbox: df is that table.",
        f"x_col = {text.text(spec.x)}",
        f"y_col = {text.text(spec.y)}",
        f"color_col = {text.text(shape.color)}",
    ]
    if len(shape.measures) > 1:
        lines.append(f"measures = {text.text(shape.measures)}")
    if spec.denominator:
        lines.append(f"denominator_col = {text.text(spec.denominator)}")
    lines += [
        f"rows_total = {int(rows_total)!r}",
        f"rows_used = {int(rows_used)!r}",
        "if rows_used == 0:",
        f"    raise ValueError({text.text(_empty_message(shape))})",
        *summary_start(shape),
        "table = df.copy()",
    ]
    if shape.calendar:
        lines += [
            "# Weekday or month names: keep them in calendar order, not by value or alphabet.",
            f"calendar_order = {text.text(shape.calendar)}",
            "table[x_col] = pd.Categorical(table[x_col], categories=calendar_order, ordered=True)",
            "table = table.dropna(subset=[x_col]).reset_index(drop=True)",
        ]
    keys = "[x_col, color_col]" if shape.color else "[x_col]"
    lines += [f"value_col = {text.text(shape.value_col)}", f"keys = {keys}"]
    if shape.series == "color":
        lines.append("series_col = color_col")
    elif shape.series == "measure":
        lines.append(f"series_col = {text.text(shape.series_col)}")
    lines += _after_grouping(shape)
    lines += _undefined_ratios(shape)
    lines += _zero_filled(shape)
    if shape.kind in ("line", "area") or _ordered_transform(shape):
        order = "[series_col, x_col]" if shape.series_col else "[x_col]"
        lines.append(f"table = table.sort_values({order}, kind='stable')")
    lines += rank(shape)
    lines += transform(shape)
    lines += keep_and_order(shape)
    lines += figure(shape)
    lines += summary_end(shape)
    lines += layout(shape)
    return "\n".join([_HEADER, *text.prelude(), *lines]) + "\n"


def _after_grouping(shape: Shape) -> list[str]:
    """What `compile_aggregate._aggregated` does to the grouped rows: ratio, melt, percent."""
    spec = shape.spec
    if spec.aggregate == "count":
        return []
    several = len(shape.measures) > 1
    if not (several or spec.denominator):
        return _percent(shape)
    lines = _ratio(shape)
    if several:
        lines += _melted(shape)
    return lines + ([] if spec.denominator else _percent(shape))
