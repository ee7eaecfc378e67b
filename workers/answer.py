"""What one question produced: the plan, each drawn chart, the table, and how it was reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ingest.profile import DataProfile
from planner.llm_planner import PlannedAnswer
from planner.plan import ChartSpec, Plan
from providers.chain import UsageLedger
from sandbox.executor import SummaryValue, TableData
from workers.answer_cache import decode_bytes, encode_bytes

CodePath = Literal["compiled", "llm-code", "llm-code-repaired"]


@dataclass
class DrawnChart:
    """One chart. `summary` always comes from the compiled code's run, so the numbers quoted in
    the thread are computed by our code from the file, even when the model wrote the figure."""

    spec: ChartSpec
    code: str  # the code that drew `figure`
    figure: dict[str, Any]
    summary: dict[str, SummaryValue]
    path: CodePath = "compiled"
    note: str | None = None  # e.g. why the model's extra could not be drawn
    png: bytes = b""


@dataclass
class ChartResult:
    plan: Plan
    planned: PlannedAnswer
    charts: list[DrawnChart]
    profile: DataProfile
    table: TableData | None = None
    cache_hit: bool = False
    redrawn: bool = False  # a saved plan drawn again (chart-type button), nothing planned
    usage: UsageLedger = field(default_factory=UsageLedger)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def primary(self) -> DrawnChart:
        return self.charts[0]

    @property
    def summary(self) -> dict[str, SummaryValue]:
        return self.primary.summary

    @property
    def code(self) -> str:
        return "\n\n".join(
            f"# Chart {i + 1}: {c.spec.title}\n{c.code}" if len(self.charts) > 1 else c.code
            for i, c in enumerate(self.charts)
        )

    def to_cache(self) -> dict[str, Any]:
        return {
            "plan": self.plan.model_dump(mode="json"),
            "path": self.planned.path,
            "model": self.planned.model,
            "fallback_reason": self.planned.fallback_reason,
            "charts": [
                {
                    "code": c.code,
                    "figure": c.figure,
                    "summary": c.summary,
                    "path": c.path,
                    "note": c.note,
                    "spec_index": self.plan.charts.index(c.spec),
                    "png": encode_bytes(c.png),
                }
                for c in self.charts
            ],
            "table": self.table.model_dump(mode="json") if self.table else None,
        }

    @classmethod
    def from_cache(cls, entry: dict[str, Any], profile: DataProfile) -> ChartResult:
        """Rebuild a cached answer; raises KeyError/ValueError on an entry of another shape."""
        plan = Plan.model_validate(entry["plan"])
        planned = PlannedAnswer(
            plan, entry["path"], entry.get("model"), entry.get("fallback_reason")
        )
        charts = [
            DrawnChart(
                spec=plan.charts[int(c["spec_index"])],
                code=str(c["code"]),
                figure=dict(c["figure"]),
                summary=dict(c["summary"]),
                path=c["path"],
                note=c.get("note"),
                png=decode_bytes(c["png"]),
            )
            for c in entry["charts"]
        ]
        if not charts:
            raise ValueError("a cached answer without charts")
        table = TableData.model_validate(entry["table"]) if entry.get("table") else None
        return cls(plan, planned, charts, profile, table, cache_hit=True)
