"""The typed plan every planner returns, rule-based or LLM.

A plan says *what* to chart in terms of the file's columns; it never carries numbers. The compiler
(`planner.compile`) turns it into Plotly code that computes everything from the data, including
the summary card's values and the table's rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChartType = Literal["bar", "line", "area", "scatter", "histogram", "box", "pie", "table"]
# "distinct" counts different values of y; "last" keeps the latest value of y in each period
# (levels and prices: a month's closing price, not the sum of its days).
Aggregate = Literal["none", "count", "distinct", "sum", "mean", "median", "min", "max", "last"]
TransformKind = Literal["rolling_mean", "pct_change", "yoy", "cumsum", "share"]
Scale = Literal["linear", "log"]
TimeGrain = Literal["D", "W", "M", "Q", "Y"]
FilterOp = Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "between", "year"]
Scalar = str | int | float | bool
MAX_FILTERS = 20

TIME_GRAIN_WORDS: dict[str, str] = {
    "D": "day",
    "W": "week",
    "M": "month",
    "Q": "quarter",
    "Y": "year",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Filter(_Frozen):
    """Keep rows where `column op value`.

    `between` takes `[low, high]` (inclusive); `year` takes a year number and applies to a time
    column; `in`/`not_in` take a list. Time values are ISO-8601 strings.
    """

    column: str
    op: FilterOp
    value: Scalar | list[Scalar]

    def describe(self) -> str:
        words = {
            "eq": "is",
            "ne": "is not",
            "gt": ">",
            "gte": "≥",
            "lt": "<",
            "lte": "≤",
            "in": "is one of",
            "not_in": "is not one of",
            "between": "is between",
            "year": "in",
        }
        value = self.value
        shown = (
            " and ".join(str(v) for v in value)
            if self.op == "between" and isinstance(value, list)
            else ", ".join(str(v) for v in value)
            if isinstance(value, list)
            else str(value)
        )
        return f"{self.column} {words[self.op]} {shown}"


class Sort(_Frozen):
    by: Literal["x", "y"]
    order: Literal["asc", "desc"]


class Transform(_Frozen):
    """A calculation on the aggregated series, done per colour group in x order.

    - rolling_mean: mean of the last `window` points (periods of the time grain, or rows).
    - pct_change: change from the previous point, in %.
    - yoy: change from the same period a year earlier, in % (needs a time grain).
    - cumsum: running total.
    - share: each value as % of the total (of each x when the chart is split by colour).
    """

    kind: TransformKind
    window: int | None = Field(default=None, ge=2, le=1000)

    def describe(self) -> str:
        words = {
            "rolling_mean": f"{self.window or 7}-point rolling average",
            "pct_change": "% change from the previous point",
            "yoy": "% change from a year earlier",
            "cumsum": "running total",
            "share": "share of the total (%)",
        }
        return words[self.kind]


class ChartSpec(_Frozen):
    """One chart. Column names are exact names from the file's profile.

    - bar/pie: `x` is the category, `y` the measure (None with aggregate "count").
    - line: `x` is a time (or ordered) column; `time_grain` resamples it.
    - scatter: `x` and `y` are numbers, aggregate "none".
    - histogram: `x` is the number; `y` is None.
    - box: `y` is the number, `x` the optional category.
    - `color` splits bars/lines/points by a second category (`barmode` says grouped or stacked).
    - `limit` keeps the top N categories; `other_bucket` lumps the rest into "Other";
      `limit_within` keeps the top N x values within each value of that column instead.
    - `extra_y` are more measures drawn beside `y` with the same aggregate (lines or grouped
      bars): "AAPL vs GOOG" on a wide file, "revenue and units by month".
    - `denominator` divides the aggregated y by the same aggregate of that column ("tip as % of
      bill": sum(tip) / sum(total_bill)); `as_percent` multiplies by 100.
    - `transform` is computed after aggregation (rolling mean, % change, running total, share).
    - table: the aggregated rows themselves, drawn as a table.
    """

    chart_type: ChartType
    x: str | None = None
    y: str | None = None
    extra_y: list[str] = Field(default_factory=list, max_length=5)
    aggregate: Aggregate = "none"
    denominator: str | None = None
    as_percent: bool = False
    transform: Transform | None = None
    color: str | None = None
    barmode: Literal["group", "stack"] | None = None
    time_grain: TimeGrain | None = None
    filters: list[Filter] = Field(default_factory=list, max_length=MAX_FILTERS)
    sort: Sort | None = None
    limit: int | None = Field(default=None, ge=1, le=1000)
    limit_within: str | None = None
    other_bucket: bool = False
    bins: int | None = Field(default=None, ge=2, le=500)
    x_scale: Scale = "linear"
    y_scale: Scale = "linear"
    count_noun: str | None = Field(
        default=None, max_length=40, description="What one counted row is, e.g. 'orders'."
    )
    title: str
    custom: str | None = Field(
        default=None,
        max_length=500,
        description="What the person asked for that the fields above cannot express (an "
        "annotation, a second axis, a rolling mean…), in words; null when nothing is missing.",
    )

    def columns(self) -> list[str]:
        """Every column this chart reads, in order, without repeats."""
        names = [
            self.x,
            self.y,
            *self.extra_y,
            self.denominator,
            self.color,
            self.limit_within,
            *(f.column for f in self.filters),
        ]
        return list(dict.fromkeys(n for n in names if n))

    def measures(self) -> list[str]:
        """Every measure drawn: `y` then `extra_y`."""
        return [m for m in (self.y, *self.extra_y) if m]


MetricAggregate = Literal["count", "sum", "mean", "median", "min", "max", "distinct"]


class Metric(_Frozen):
    """One number on the summary card, e.g. total revenue. The value is computed from the file."""

    label: str = Field(max_length=60)
    column: str | None = None  # None only with "count" (rows)
    aggregate: MetricAggregate
    filters: list[Filter] = Field(default_factory=list, max_length=MAX_FILTERS)

    def columns(self) -> list[str]:
        names = [self.column, *(f.column for f in self.filters)]
        return list(dict.fromkeys(n for n in names if n))


class SummaryCard(_Frozen):
    metrics: list[Metric] = Field(min_length=1, max_length=6)


MAX_TABLE_ROWS = 20


class TableSpec(_Frozen):
    """A small table: `value` aggregated per `group_by`, sorted, at most 20 rows."""

    title: str = Field(max_length=200)
    group_by: list[str] = Field(min_length=1, max_length=2)
    value: str | None = None  # None only with "count"
    aggregate: Literal["count", "sum", "mean", "median", "min", "max"] = "sum"
    filters: list[Filter] = Field(default_factory=list, max_length=MAX_FILTERS)
    order: Literal["asc", "desc"] = "desc"
    limit: int = Field(default=10, ge=1, le=MAX_TABLE_ROWS)

    def columns(self) -> list[str]:
        names = [*self.group_by, self.value, *(f.column for f in self.filters)]
        return list(dict.fromkeys(n for n in names if n))


class Plan(_Frozen):
    """What to draw, and what the planner made of the question, in words for the person.

    - `assumptions`: what the planner had to guess or choose ("Averaged price: it is a level").
    - `unused`: words of the question it did not use, shown as "What I didn't use".
    - `not_done`: things it understood but could not do ("a 7-day rolling median").
    - `changes`: for a follow-up, what changed from the thread's previous answer.
    """

    charts: list[ChartSpec] = Field(min_length=1, max_length=4)
    summary_card: SummaryCard | None = None
    table: TableSpec | None = None
    assumptions: list[str] = Field(default_factory=list)
    unused: list[str] = Field(default_factory=list, max_length=30)
    not_done: list[str] = Field(default_factory=list, max_length=10)
    changes: list[str] = Field(default_factory=list, max_length=10)
    planner: Literal["rules", "llm"] = "rules"

    @property
    def primary(self) -> ChartSpec:
        return self.charts[0]
