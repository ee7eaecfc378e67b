"""Score one planned chart against a question's acceptable plans, field by field.

An item is right when every field of the primary chart matches one alternative: chart type, x,
the set of measures drawn (y and extra_y, order ignored), aggregate, colour, filters (by the rows
they keep, see `bench.people.filters`) and transform, plus the optional fields the alternative
names. A refusal (the planner raised a `ChartroomError`) is right only where a refusal is
expected, and a plan is never right where one is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.people.filters import Domain, conditions, same_rows
from bench.people.questions import OPTIONAL_KEYS, Alternative, ExpectedTransform, Question
from planner.plan import ChartSpec, Transform

FIELDS = ("chart_type", "x", "y", "aggregate", "color", "filters", "transform")
# A rolling mean without a window is drawn over 7 points (`Transform.describe`).
DEFAULT_ROLLING_WINDOW = 7


@dataclass(frozen=True)
class Outcome:
    """How one question was answered.

    `fields` are those of the best-matching alternative (most fields right, first on ties); empty
    when a refusal was expected or the planner refused.
    """

    right: bool
    refused: bool
    fields: Mapping[str, bool]
    best: int | None


def score(question: Question, spec: ChartSpec | None, domains: Mapping[str, Domain]) -> Outcome:
    """Score the primary chart `spec` (None: the planner refused) against `question.accept`."""
    if question.expects_refusal or spec is None:
        return Outcome(
            right=question.expects_refusal and spec is None,
            refused=spec is None,
            fields={},
            best=None,
        )
    results = [match(alt, spec, domains) for alt in question.accept]
    best = max(range(len(results)), key=lambda i: (sum(results[i].values()), -i))
    return Outcome(
        right=all(results[best].values()), refused=False, fields=results[best], best=best
    )


def match(alt: Alternative, spec: ChartSpec, domains: Mapping[str, Domain]) -> dict[str, bool]:
    """Each field of `alt` (core, then the optional ones it names): does `spec` match it?"""
    fields = {
        "chart_type": spec.chart_type in alt.chart_types,
        "x": spec.x == alt.x,
        "y": frozenset(spec.measures()) == alt.y,
        "aggregate": spec.aggregate in alt.aggregates,
        "color": spec.color == alt.color,
        "filters": filters_match(alt, spec, domains),
        "transform": transform_matches(alt.transform, spec.transform),
    }
    for key in OPTIONAL_KEYS:
        if key in alt.optional:
            fields[key] = _optional_matches(key, alt.optional[key], spec)
    return fields


def filters_match(alt: Alternative, spec: ChartSpec, domains: Mapping[str, Domain]) -> bool:
    """Whether `spec` keeps the same rows as the alternative's filters (no more, no fewer)."""
    tolerance: dict[str, int] = {}
    for f in alt.filters:
        tolerance[f.column] = max(tolerance.get(f.column, 0), f.tolerance_days)
    return same_rows(conditions(alt.filters, domains), conditions(spec.filters, domains), tolerance)


def transform_matches(expected: ExpectedTransform | None, got: Transform | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if expected.kind != got.kind:
        return False
    if expected.window is None:
        return True
    window = got.window
    if window is None and got.kind == "rolling_mean":
        window = DEFAULT_ROLLING_WINDOW
    return window == expected.window


def _optional_matches(key: str, expected: Any, spec: ChartSpec) -> bool:
    if key == "sort":
        got = spec.sort
        return (got is None and expected is None) or (
            got is not None
            and expected is not None
            and (got.by, got.order) == (expected["by"], expected["order"])
        )
    value = getattr(spec, key)
    if isinstance(expected, list):
        return value in expected
    return bool(value == expected)


def predicted_fields(spec: ChartSpec) -> dict[str, Any]:
    """The scored fields of a planned chart, for reports."""
    return {
        "chart_type": spec.chart_type,
        "x": spec.x,
        "y": spec.measures(),
        "aggregate": spec.aggregate,
        "color": spec.color,
        "filters": [f.model_dump() for f in spec.filters],
        "transform": spec.transform.model_dump() if spec.transform else None,
        "time_grain": spec.time_grain,
        "limit": spec.limit,
        "limit_within": spec.limit_within,
        "denominator": spec.denominator,
        "as_percent": spec.as_percent,
        "sort": spec.sort.model_dump() if spec.sort else None,
    }
