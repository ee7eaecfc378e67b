"""The chart pipeline shared by the Slack worker and `python bot.py plot`.

    local file ─▶ ingest ─▶ ReadyData ─▶ cache? ─▶ plan (LLM or rules) ─▶ code per chart
                                                                      ─▶ sandbox ─▶ render

It knows nothing about Slack: the caller fetches the file first (or brings data it already
ingested: a follow-up reuses the conversation's normalized Parquet), says who is asking (for the
cache and the thread's history) and passes a `progress` callback awaited as each stage starts.
`draw` skips planning altogether: a saved plan, edited (another chart type), drawn again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import CodeFailed, CodeTimedOut
from core.logs import get_logger
from core.progress import Progress, no_progress
from ingest.jail import ingest_in_child
from ingest.limits import IngestLimits
from ingest.profile import DataProfile
from planner.compile import compile_chart
from planner.compile_extras import compile_extras
from planner.compile_sql import Fallback, compile_pushdown
from planner.llm_planner import LLMPlanner, PlannedAnswer, plan_with_rules
from planner.plan import ChartSpec, Plan
from planner.prompt import Turn
from providers.chain import UsageLedger
from render.renderer import Renderer
from sandbox.executor import Executor, RunResult, TableData
from workers.answer import ChartResult, DrawnChart
from workers.answer_cache import AnswerCache, CacheScope, cache_key, data_fingerprint
from workers.custom_code import CustomCode, CustomCodeWriter
from workers.pushdown import PushdownFailed, PushdownLimits, aggregate

log = get_logger(__name__)

__all__ = ["Asker", "ChartResult", "Pipeline", "ReadyData", "RenderOptions"]


@dataclass(frozen=True)
class ReadyData:
    """A file already ingested: its normalized Parquet and its profile."""

    parquet_path: Path
    profile: DataProfile


@dataclass(frozen=True)
class RenderOptions:
    width_px: int = 1000
    height_px: int = 600
    scale: float = 2.0


@dataclass(frozen=True)
class Asker:
    """Where the question comes from: the cache's scope and the thread's earlier turns."""

    scope: CacheScope
    history: Sequence[Turn] = ()


@dataclass
class Pipeline:
    """Long-lived parts (sandbox executor, warm renderer, LLM planner, cache) plus limits."""

    executor: Executor
    renderer: Renderer
    limits: IngestLimits
    render: RenderOptions = field(default_factory=RenderOptions)
    sandbox_warning: str | None = None  # why the sandbox is not the configured backend, if so
    planner: LLMPlanner | None = None  # None: the rule-based planner answers
    code_writer: CustomCodeWriter | None = None  # None: asks the compiler can't express are noted
    cache: AnswerCache | None = None
    planner_settings: str = "rules"  # part of the cache key
    # Charts the SQL compiler can express are grouped by DuckDB before the sandbox; None: never.
    pushdown: PushdownLimits | None = None

    async def run(
        self,
        data_path: Path,
        file_name: str,
        question: str,
        workdir: Path,
        *,
        progress: Progress = no_progress,
        asker: Asker | None = None,
        sheet: str | int | None = None,
    ) -> ChartResult:
        """Ingest a raw file, then `answer`."""
        timings: dict[str, float] = {}
        await progress("reading")
        with _timer(timings, "ingest"):
            data = await self.ingest(data_path, file_name, workdir, sheet=sheet, progress=progress)
        result = await self.answer(data, question, progress=progress, asker=asker)
        result.timings_ms = timings | result.timings_ms
        return result

    async def ingest(
        self,
        data_path: Path,
        file_name: str,
        workdir: Path,
        *,
        sheet: str | int | None = None,
        progress: Progress = no_progress,
    ) -> ReadyData:
        """Untrusted bytes are parsed in a jailed child process (memory, CPU and time limits),
        never in the worker; the event loop only relays its progress (rows read so far)."""

        async def rows_read(rows: int) -> None:
            await progress("reading", rows=rows)

        ingested = await ingest_in_child(
            data_path, file_name, workdir, self.limits, sheet=sheet, progress=rows_read
        )
        return ReadyData(ingested.parquet_path, ingested.profile)

    async def answer(
        self,
        data: ReadyData,
        question: str,
        *,
        progress: Progress = no_progress,
        asker: Asker | None = None,
        file_key: str | None = None,
    ) -> ChartResult:
        """Plan `question` against data already ingested, draw and render it. `file_key` (see
        `file_cache_key`) also stores the answer under the Slack file's identity, so the same
        question about the same file version is found before anything is downloaded."""
        timings: dict[str, float] = {}
        profile = data.profile
        key = None
        if self.cache is not None and asker is not None:
            fingerprint = await asyncio.to_thread(data_fingerprint, data.parquet_path)
            key = cache_key(asker.scope, question, fingerprint, self.planner_settings)
            hit = await self.cached_answer(key, profile)
            if hit is not None:
                return hit
        ledger = UsageLedger()
        await progress("planning")
        with _timer(timings, "plan"):
            planned = await self._plan(question, profile, asker, ledger)
        result = await self._finish(planned, data, ledger, timings, progress)
        if key is not None and self.cache is not None:
            entry = result.to_cache()
            await self.cache.put(key, entry)
            if file_key is not None:
                await self.cache.put(file_key, entry)
        return result

    def file_cache_key(self, asker: Asker, question: str, identity: str) -> str | None:
        """The answer cache's key by the Slack file's id, version and size (and sheet) instead
        of the data's bytes: known before the download. None without a cache."""
        if self.cache is None:
            return None
        return cache_key(asker.scope, question, f"slack-file:{identity}", self.planner_settings)

    async def cached_answer(self, key: str, profile: DataProfile) -> ChartResult | None:
        """A finished answer under `key`, or None."""
        if self.cache is None:
            return None
        timings: dict[str, float] = {}
        with _timer(timings, "cache"):
            hit = await self._cached(key, profile)
        if hit is not None:
            hit.timings_ms = timings
            log.info("answer cache hit", key=key)
        return hit

    async def draw(
        self, plan: Plan, data: ReadyData, *, progress: Progress = no_progress
    ) -> ChartResult:
        """Draw a plan as it is: no planner, no model, no cache (a button's chart-type change)."""
        return await self._finish(
            PlannedAnswer(plan, "rules"), data, UsageLedger(), {}, progress, redrawn=True
        )

    async def _finish(
        self,
        planned: PlannedAnswer,
        data: ReadyData,
        ledger: UsageLedger,
        timings: dict[str, float],
        progress: Progress,
        *,
        redrawn: bool = False,
    ) -> ChartResult:
        await progress("running")
        with _timer(timings, "sandbox"):
            charts, table = await self._draw(planned, data.profile, data.parquet_path, ledger)
        await progress("rendering")
        with _timer(timings, "render"):
            for chart in charts:
                chart.png = await self.renderer.png(
                    chart.figure,
                    width=self.render.width_px,
                    height=self.render.height_px,
                    scale=self.render.scale,
                )
        return ChartResult(
            planned.plan,
            planned,
            charts,
            data.profile,
            table,
            usage=ledger,
            timings_ms=timings,
            redrawn=redrawn,
        )

    async def _cached(self, key: str, profile: DataProfile) -> ChartResult | None:
        assert self.cache is not None
        entry = await self.cache.get(key)
        if entry is None:
            return None
        try:
            return ChartResult.from_cache(entry, profile)
        except (KeyError, ValueError, TypeError):
            log.warning("answer cache entry of another shape; answering afresh", key=key)
            return None

    async def _plan(
        self, question: str, profile: DataProfile, asker: Asker | None, ledger: UsageLedger
    ) -> PlannedAnswer:
        history = asker.history if asker else ()
        if self.planner is None:
            return plan_with_rules(question, profile, history)
        return await self.planner.plan(question, profile, history=history, ledger=ledger)

    async def _draw(
        self, planned: PlannedAnswer, profile: DataProfile, data_path: Path, ledger: UsageLedger
    ) -> tuple[list[DrawnChart], TableData | None]:
        """Run each chart's compiled code (the first also computes the card and table), then the
        model's code where the plan asks for more than the compiler can draw."""
        plan = planned.plan
        charts: list[DrawnChart] = []
        table = None
        for index, spec in enumerate(plan.charts):
            code = compile_chart(spec, profile)
            extras = compile_extras(plan, profile) if index == 0 else ""
            code += extras
            try:
                run = await self._run_chart(spec, code, profile, data_path, alone=not extras)
            except (CodeFailed, CodeTimedOut):
                if index == 0:
                    raise
                # A second chart of a model's plan that fails should not cost the whole answer.
                log.warning("dropping a chart whose code failed", chart=index, exc_info=True)
                continue
            if index == 0:
                table = run.table
            chart = DrawnChart(spec, code, run.figure, run.summary)
            if spec.custom:
                await self._customize(chart, profile, data_path, ledger)
            charts.append(chart)
        return charts, table

    async def _run_chart(
        self, spec: ChartSpec, code: str, profile: DataProfile, data_path: Path, *, alone: bool
    ) -> RunResult:
        """Run a chart's code; grouped by DuckDB first where the plan allows.

        `code` (the pandas path over the whole file) stays the chart's code either way: it is
        what "show code", restyles and follow-ups reuse, and it draws the same numbers
        (tests/planner/test_compile_sql.py). It runs as it is when the chart also computes the
        card or table (they read the whole file), when the model adds to the chart (its code
        gets the whole frame), or when the SQL compiler cannot express the plan.
        """
        if self.pushdown is None or not alone or spec.custom:
            return await self.executor.run(code, data_path)
        pushed = compile_pushdown(spec, profile)
        if isinstance(pushed, Fallback):
            log.info("chart grouped by pandas in the sandbox", reason=pushed.reason)
            return await self.executor.run(code, data_path)
        out_path = data_path.with_name(f"groups-{uuid.uuid4().hex}.parquet")
        try:
            grouped = await asyncio.to_thread(aggregate, pushed, data_path, out_path, self.pushdown)
        except PushdownFailed as exc:
            log.warning("DuckDB could not group the chart; pandas does", error=str(exc))
            return await self.executor.run(code, data_path)
        try:
            log.info("chart grouped by DuckDB", groups=grouped.rows, ms=round(grouped.elapsed_ms))
            return await self.executor.run(grouped.code, grouped.path)
        finally:
            out_path.unlink(missing_ok=True)

    async def _customize(
        self, chart: DrawnChart, profile: DataProfile, data_path: Path, ledger: UsageLedger
    ) -> None:
        spec: ChartSpec = chart.spec
        if self.code_writer is None:
            chart.note = f"I drew the chart without “{spec.custom}”: LLM code is off here."
            return
        outcome = await self.code_writer.draw(spec, chart.code, profile, data_path, ledger=ledger)
        if isinstance(outcome, CustomCode):
            chart.code, chart.figure = outcome.code, outcome.figure
            chart.path = "llm-code-repaired" if outcome.repairs else "llm-code"
        else:
            chart.note = (
                f"I couldn't add “{spec.custom}” ({outcome.reason}), so this is the chart "
                "without it."
            )


class _timer:
    """Adds the elapsed milliseconds of a `with` block to `timings[name]`."""

    def __init__(self, timings: dict[str, float], name: str) -> None:
        self._timings, self._name = timings, name

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._timings[self._name] = (time.perf_counter() - self._start) * 1000
