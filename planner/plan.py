"""The typed plan every planner returns, rule-based or LLM.

A plan says *what* to chart in terms of the file's columns; it never carries numbers. The compiler
(`planner.compile`) turns it into Plotly code that computes everything from the data, including
the summary card's values and the table's rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChartType = Literal["bar", "line", "scatter", "histogram", "box", "pie"]
Aggregate = Literal["none", "count", "sum", "mean", "median", "min", "max"]
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


class ChartSpec(_Frozen):
    """One chart. Column names are exact names from the file's profile.

    - bar/pie: `x` is the category, `y` the measure (None with aggregate "count").
    - line: `x` is a time (or ordered) column; `time_grain` resamples it.
    - scatter: `x` and `y` are numbers, aggregate "none".
    - histogram: `x` is the number; `y` is None.
    - box: `y` is the number, `x` the optional category.
    - `color` splits bars/lines/points by a second category (`barmode` says grouped or stacked).
    - `limit` keeps the top N categories; `other_bucket` lumps the rest into "Other".
    """

    chart_type: ChartType
    x: str | None = None
    y: str | None = None
    aggregate: Aggregate = "none"
    color: str | None = None
    barmode: Literal["group", "stack"] | None = None
    time_grain: TimeGrain | None = None
    filters: list[Filter] = Field(default_factory=list, max_length=MAX_FILTERS)
    sort: Sort | None = None
    limit: int | None = Field(default=None, ge=1, le=1000)
    other_bucket: bool = False
    bins: int | None = Field(default=None, ge=2, le=500)
    title: str
    custom: str | None = Field(
        default=None,
        max_length=500,
        description="What the person asked for that the fields above cannot express (an "
        "annotation, a second axis, a rolling mean…), in words; null when nothing is missing.",
    )

    def columns(self) -> list[str]:
        """Every column this chart reads, in order, without repeats."""
        names = [self.x, self.y, self.color, *(f.column for f in self.filters)]
        return list(dict.fromkeys(n for n in names if n))


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
    """What to draw. `assumptions` lists what the planner had to guess, in words for the user."""

    charts: list[ChartSpec] = Field(min_length=1, max_length=4)
    summary_card: SummaryCard | None = None
    table: TableSpec | None = None
    assumptions: list[str] = Field(default_factory=list)
    planner: Literal["rules", "llm"] = "rules"

    @property
    def primary(self) -> ChartSpec:
        return self.charts[0]
