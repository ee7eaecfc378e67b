"""Scores the follow-up specification (`followup_threads.THREADS`) against the rule planner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import ChartroomError
from ingest.profile import DataProfile
from planner.followup import reads_as_request
from planner.llm_planner import plan_with_rules
from planner.plan import ChartSpec, Plan
from planner.prompt import Turn
from tests.planner import frames
from tests.planner.conftest import orders_frame, profile_of
from tests.planner.followup_threads import THREADS, Expect

FILES: dict[str, Callable[[], DataProfile]] = {
    "orders": lambda: profile_of(orders_frame()),
    "weather": frames.weather,
    "cars": frames.cars,
    "countries": frames.countries,
    "tips": frames.tips,
    "prices_long": frames.prices_long,
    "prices_wide": frames.prices_wide,
    "sources": frames.sources,
    "airports": frames.airports,
}


@dataclass(frozen=True)
class TurnResult:
    file: str
    questions: list[str]
    wrong: list[str]  # field: got ≠ wanted

    @property
    def right(self) -> bool:
        return not self.wrong


def score_threads() -> list[TurnResult]:
    """Every follow-up turn of the specification, planned and compared."""
    profiles = {name: make() for name, make in FILES.items()}
    results: list[TurnResult] = []
    for name, turns in THREADS:
        profile = profiles[name]
        history: list[Turn] = []
        asked: list[str] = []
        for index, (question, expect) in enumerate(turns):
            asked.append(question)
            previous = history[-1].plan if history else None
            if index == 0:
                history.append(
                    Turn(question=question, plan=plan_with_rules(question, profile).plan)
                )
                continue
            if expect is None:
                wrong = (
                    ["read as a request"] if reads_as_request(question, profile, previous) else []
                )
                results.append(TurnResult(name, list(asked), wrong))
                continue
            try:
                plan = plan_with_rules(question, profile, history).plan
            except ChartroomError as exc:
                results.append(TurnResult(name, list(asked), [f"refused: {exc}"]))
                break
            results.append(TurnResult(name, list(asked), _differences(plan, expect)))
            history.append(Turn(question=question, plan=plan))
    return results


def _differences(plan: Plan, expect: Expect) -> list[str]:
    spec: ChartSpec = plan.primary
    got: dict[str, Any] = {
        "chart_type": spec.chart_type,
        "x": spec.x,
        "y": spec.y,
        "extra_y": spec.extra_y,
        "aggregate": spec.aggregate,
        "color": spec.color,
        "limit": spec.limit,
        "time_grain": spec.time_grain,
        "y_scale": spec.y_scale,
        "denominator": spec.denominator,
        "as_percent": spec.as_percent,
        "transform": spec.transform.model_dump(exclude_defaults=True) if spec.transform else None,
        "sort": (spec.sort.by, spec.sort.order) if spec.sort else None,
        "filters": sorted(
            (g.column, g.op, tuple(g.value) if isinstance(g.value, list) else g.value)
            for g in spec.filters
        ),
    }
    wrong: list[str] = []
    for key, wanted in expect.items():
        value = sorted(wanted) if key == "filters" else wanted
        if got[key] != value:
            wrong.append(f"{key}: {got[key]!r} ≠ {value!r}")
    return wrong
