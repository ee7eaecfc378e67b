"""The chart pipeline shared by the Slack worker and `python bot.py plot`.

    local file ─▶ ingest (parse, normalize, Parquet, profile) ─▶ plan ─▶ code ─▶ sandbox ─▶ render

It knows nothing about Slack: the caller fetches the file first and passes a `progress` callback
that is awaited as each stage starts.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.progress import Progress, no_progress
from ingest.limits import IngestLimits
from ingest.load import ingest_file
from ingest.profile import DataProfile
from planner.compile import compile_chart
from planner.plan import Plan
from planner.rules import plan_from_rules
from render.renderer import Renderer
from sandbox.executor import Executor, SummaryValue


@dataclass(frozen=True)
class RenderOptions:
    width_px: int = 1000
    height_px: int = 600
    scale: float = 2.0


@dataclass
class ChartResult:
    """What one question produced. Numbers in `summary` were computed from the file."""

    plan: Plan
    code: str
    profile: DataProfile
    figure: dict[str, Any]
    summary: dict[str, SummaryValue]
    png: bytes
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass
class Pipeline:
    """Long-lived parts (the sandbox executor and the warm renderer) plus per-run limits."""

    executor: Executor
    renderer: Renderer
    limits: IngestLimits
    render: RenderOptions = field(default_factory=RenderOptions)
    sandbox_warning: str | None = None  # why the sandbox is not the configured backend, if so

    async def run(
        self,
        data_path: Path,
        file_name: str,
        question: str,
        workdir: Path,
        *,
        progress: Progress = no_progress,
    ) -> ChartResult:
        timings: dict[str, float] = {}
        await progress("reading")
        with _timer(timings, "ingest"):
            # Parsing is CPU-bound pandas work: keep it off the event loop so the worker still
            # answers ARQ's health checks and other jobs' Slack calls meanwhile.
            ingested = await asyncio.to_thread(
                ingest_file, data_path, file_name, workdir, self.limits
            )
            profile = ingested.profile
        await progress("planning")
        with _timer(timings, "plan"):
            plan = plan_from_rules(question, profile)
            code = compile_chart(plan.primary, profile)
        await progress("running")
        with _timer(timings, "sandbox"):
            run = await self.executor.run(code, ingested.parquet_path)
        await progress("rendering")
        with _timer(timings, "render"):
            png = await self.renderer.png(
                run.figure,
                width=self.render.width_px,
                height=self.render.height_px,
                scale=self.render.scale,
            )
        return ChartResult(
            plan=plan,
            code=code,
            profile=profile,
            figure=run.figure,
            summary=run.summary,
            png=png,
            timings_ms=timings,
        )


class _timer:
    """Adds the elapsed milliseconds of a `with` block to `timings[name]`."""

    def __init__(self, timings: dict[str, float], name: str) -> None:
        self._timings, self._name = timings, name

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._timings[self._name] = (time.perf_counter() - self._start) * 1000
