"""The chart-type menu under an answer: which types fit its plan, and the plan redrawn as one.

No planner, no model: the saved plan with its chart type changed (and what no longer applies to
the new type dropped), checked by the compiler like any plan.
"""

from __future__ import annotations

from ingest.profile import DataProfile
from planner.plan import ChartSpec, ChartType, Plan

MENU_TYPES: tuple[ChartType, ...] = ("bar", "line", "area", "pie", "scatter", "table")
_ORDERED_ROLES = ("time", "number")
_PIE_AGGREGATES = ("sum", "count", "distinct")


def fitting_chart_types(spec: ChartSpec, profile: DataProfile) -> list[ChartType]:
    """The menu's types for this chart, in menu order (the current one included when it fits).

    Histograms and box plots draw rows, not a measure per x: no menu. Lines and areas need an
    ordered x (time or number); pies one positive-sum measure over categories, unsplit; scatter
    a measure against an ordered x; bars an aggregated measure, or few raw rows.
    """
    if spec.chart_type in ("histogram", "box") or not spec.x:
        return []
    try:
        x_role = profile.column(spec.x).role
    except KeyError:
        return []
    ordered = x_role in _ORDERED_ROLES
    aggregated = spec.aggregate != "none"
    fits: dict[ChartType, bool] = {
        "bar": aggregated or not ordered,
        "line": ordered,
        "area": ordered,
        "pie": (
            spec.aggregate in _PIE_AGGREGATES
            and not spec.color
            and not spec.extra_y
            and spec.transform is None
            and spec.denominator is None
            and x_role != "time"
        ),
        "scatter": ordered and (spec.y is not None or spec.aggregate == "count"),
        "table": True,
    }
    return [t for t in MENU_TYPES if fits[t]]


def restyle(plan: Plan, chart_type: ChartType) -> Plan:
    """`plan` with its first chart drawn as `chart_type`. Model-written extras are dropped: they
    were written for the old type (the note says so)."""
    old = plan.primary
    update: dict[str, object] = {"chart_type": chart_type, "custom": None}
    if chart_type == "pie":
        update |= {"color": None, "barmode": None, "extra_y": []}
    if chart_type != "bar":
        update["barmode"] = None
    spec = old.model_copy(update=update)
    changes = [f"drawn as a {chart_type} chart instead of a {old.chart_type} chart"]
    if old.custom:
        changes.append(f"without “{old.custom}”, which was drawn for the {old.chart_type} chart")
    return plan.model_copy(update={"charts": [spec, *plan.charts[1:]], "changes": changes})
