"""Which combinations of `ChartSpec` fields make sense, for the compiler and the plan checker.

Both ask the same questions: the compiler refuses a spec that would draw nonsense (a running
total of averages, a log axis of categories) and the plan checker tells a model what to fix. Each
conflict is `(field, message)`: `field` is where it is (".transform", or "" for the chart as a
whole) and the message says what is wrong and what would be right, in one short line.
"""

from __future__ import annotations

from collections.abc import Mapping

from ingest.profile import ColumnRole
from planner.plan import ChartSpec

Roles = Mapping[str, ColumnRole]  # column name → role, in file order
Conflict = tuple[str, str]

NEEDS_X = frozenset({"bar", "pie", "line", "area", "scatter", "histogram", "table"})
MEASURED = frozenset({"bar", "pie", "line", "area", "table"})  # y unless rows are counted
# Not areas: stacked, measures would add up to a meaningless total; unstacked, they hide each other.
SEVERAL_MEASURES = frozenset({"bar", "line", "table"})
TRANSFORMED = frozenset({"bar", "line", "area", "table"})
ORDERED_TRANSFORMS = frozenset({"rolling_mean", "pct_change", "yoy", "cumsum"})
PERCENT_TRANSFORMS = frozenset({"pct_change", "yoy", "share"})
RATIO_AGGREGATES = frozenset({"sum", "mean", "last", "none"})
ROLE_WORDS: dict[ColumnRole, str] = {
    "number": "a number column",
    "category": "a category column",
    "time": "a time column",
    "id": "an id column",
    "text": "a free-text column",
    "boolean": "a true/false column",
}


def a_chart(kind: str) -> str:
    """ "a bar chart", "an area chart"."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} chart"


def needs_x(spec: ChartSpec) -> bool:
    return spec.chart_type in NEEDS_X


def needs_y(spec: ChartSpec) -> bool:
    kind = spec.chart_type
    return kind in ("scatter", "box") or (kind in MEASURED and spec.aggregate != "count")


def last_time_column(spec: ChartSpec, roles: Roles) -> str | None:
    """The time column that says which value is the last: x when it is a time, else the file's
    first time column; None when the file has none."""
    if spec.x and roles.get(spec.x) == "time":
        return spec.x
    return next((name for name, role in roles.items() if role == "time"), None)


def spec_conflicts(spec: ChartSpec, roles: Roles) -> list[Conflict]:
    """Every field combination of `spec` that makes no sense, given the columns' roles."""
    return [
        *_aggregate_conflicts(spec, roles),
        *_measure_conflicts(spec),
        *_ratio_conflicts(spec, roles),
        *_transform_conflicts(spec, roles),
        *_limit_conflicts(spec),
        *_scale_conflicts(spec, roles),
    ]


def _aggregate_conflicts(spec: ChartSpec, roles: Roles) -> list[Conflict]:
    if spec.aggregate == "last" and last_time_column(spec, roles) is None:
        return [
            (
                "",
                "aggregate 'last' takes the latest value by time, but the file has no time "
                "column; use 'mean' or 'max'",
            )
        ]
    return []


def _measure_conflicts(spec: ChartSpec) -> list[Conflict]:
    if not spec.extra_y:
        return []
    kind = spec.chart_type
    if kind not in SEVERAL_MEASURES:
        return [
            (
                ".extra_y",
                f"several measures are drawn as bar, line or table charts, not as {a_chart(kind)}",
            )
        ]
    if spec.aggregate == "count" or not spec.y:
        return [
            (
                ".extra_y",
                "extra_y adds measures beside y: set y and an aggregate such as "
                "sum or mean (aggregate 'count' has no measure)",
            )
        ]
    if spec.color:
        return [
            (
                ".extra_y",
                "several measures and a color split are too many series; drop "
                "color, or make one chart per measure",
            )
        ]
    if kind == "table" and spec.aggregate == "none":
        return [
            (
                ".extra_y",
                "a table of several measures shows one row per x: set an aggregate "
                "(e.g. 'last' or 'mean')",
            )
        ]
    if spec.y in spec.extra_y or len(set(spec.extra_y)) < len(spec.extra_y):
        return [(".extra_y", "a measure is listed twice; list each column once, y first")]
    return []


def _ratio_conflicts(spec: ChartSpec, roles: Roles) -> list[Conflict]:
    found: list[Conflict] = []
    if spec.denominator:
        role = roles.get(spec.denominator)
        if role is not None and role != "number":
            found.append(
                (".denominator", f"{_is(spec.denominator, role)}; a denominator is a number column")
            )
        if not spec.y:
            found.append((".denominator", "a ratio needs y as its numerator"))
        elif spec.denominator in spec.measures():
            found.append((".denominator", "a column divided by itself is always 1"))
        if spec.aggregate not in RATIO_AGGREGATES:
            found.append(
                (
                    ".denominator",
                    "a ratio divides sums, averages, last values or single rows "
                    f"(aggregate sum, mean, last or none), not with aggregate '{spec.aggregate}'",
                )
            )
        if spec.chart_type in ("histogram", "box"):
            found.append(
                (".denominator", f"{a_chart(spec.chart_type)} draws raw values, not ratios")
            )
    if spec.as_percent and spec.transform and spec.transform.kind in PERCENT_TRANSFORMS:
        found.append(
            (".as_percent", f"transform '{spec.transform.kind}' is in % already; drop as_percent")
        )
    return found


def _transform_conflicts(spec: ChartSpec, roles: Roles) -> list[Conflict]:
    transform, kind = spec.transform, spec.chart_type
    if transform is None:
        return []
    name = transform.kind
    if kind not in TRANSFORMED and not (kind == "pie" and name == "share"):
        return [
            (
                ".transform",
                f"transforms are drawn as bar, line, area or table charts, not as {a_chart(kind)}",
            )
        ]
    found: list[Conflict] = []
    x_role = roles.get(spec.x) if spec.x else None
    if name in ORDERED_TRANSFORMS and x_role not in ("time", "number", None):
        found.append(
            (
                ".transform",
                f"'{name}' runs in x order, so x must be a time or number column; "
                f"{_is(spec.x, x_role)}",
            )
        )
    if name == "yoy":
        if x_role == "time" and spec.time_grain is None:
            found.append(
                (
                    ".transform",
                    "'yoy' compares each period with the same period a year earlier: "
                    "set time_grain (D, W, M, Q or Y)",
                )
            )
        if spec.aggregate == "none":
            found.append((".transform", "'yoy' needs one value per period: set an aggregate"))
    if name == "cumsum" and (spec.aggregate not in ("sum", "count", "none") or spec.denominator):
        found.append(
            (".transform", f"a running total adds values up; {_adds_up(spec)} (use sum or count)")
        )
    if name == "share" and (spec.aggregate not in ("sum", "count") or spec.denominator):
        found.append(
            (
                ".transform",
                f"a share of the total needs values that add up; {_adds_up(spec)} "
                "(use sum or count)",
            )
        )
    return found


def _adds_up(spec: ChartSpec) -> str:
    if spec.denominator:
        return "ratios do not add up"
    return f"aggregate '{spec.aggregate}' values do not add up"


def _limit_conflicts(spec: ChartSpec) -> list[Conflict]:
    kind = spec.chart_type
    found: list[Conflict] = []
    if spec.limit_within:
        if not spec.limit:
            found.append((".limit_within", "set limit: how many to keep within each group"))
        if not spec.color or spec.limit_within not in (spec.x, spec.color):
            found.append(
                (".limit_within", "must be the chart's x or color column, and the chart needs both")
            )
        if kind not in ("bar", "table"):
            found.append(
                (
                    ".limit_within",
                    f"top N within groups is drawn as a bar or table chart, not as {a_chart(kind)}",
                )
            )
        if spec.other_bucket:
            found.append((".other_bucket", "'Other' cannot be combined with limit_within"))
        return found
    if spec.limit and kind in ("line", "area") and not spec.color:
        found.append(
            (".limit", f"on {a_chart(kind)}, limit keeps the top N color series; it has no color")
        )
    if spec.limit and kind in ("scatter", "histogram", "box"):
        found.append((".limit", f"limit keeps the top categories; {a_chart(kind)} has none"))
    if spec.other_bucket and kind not in ("bar", "pie", "table"):
        found.append((".other_bucket", "'Other' is drawn on bar, pie and table charts only"))
    return found


def _scale_conflicts(spec: ChartSpec, roles: Roles) -> list[Conflict]:
    kind = spec.chart_type
    found: list[Conflict] = []
    if spec.x_scale == "log":
        x_role = roles.get(spec.x) if spec.x else None
        if kind not in ("scatter", "line", "area"):
            found.append(
                (
                    ".x_scale",
                    f"a log x axis is drawn on scatter, line and area charts, "
                    f"not on {a_chart(kind)}",
                )
            )
        elif x_role not in ("number", None):
            found.append((".x_scale", f"a log scale needs numbers on x; {_is(spec.x, x_role)}"))
    if spec.y_scale == "log" and kind in ("pie", "table"):
        found.append((".y_scale", f"{a_chart(kind)} has no y axis"))
    return found


def _is(name: str | None, role: ColumnRole | None) -> str:
    if not name:
        return "the chart has no x"
    return f"'{name}' is {ROLE_WORDS[role]}" if role else f"'{name}'"
