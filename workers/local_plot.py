"""`python bot.py plot`: the worker's ingest → plan → sandbox → render path, without Slack."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import ProviderName, Settings
from ingest.jail import ingest_in_child
from ingest.limits import IngestLimits
from ingest.load import check_size
from planner.llm_planner import LLMPlanner, PlannedAnswer, plan_with_rules
from planner.plan import Plan
from post.describe import describe
from post.result_blocks import answered_by, table_text
from providers.factory import make_chain
from render.html import figure_html
from workers.answer import ChartResult
from workers.context import make_pipeline, prompt_options


@dataclass(frozen=True)
class PlotOutcome:
    plan: Plan
    how: list[str]  # which path answered, in words
    png_paths: list[Path] = field(default_factory=list)
    html_paths: list[Path] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    table: str | None = None


async def plot_file(
    settings: Settings,
    data_path: Path,
    question: str,
    out_dir: Path,
    *,
    dry_run: bool = False,
    providers: Sequence[ProviderName] | None = None,
) -> PlotOutcome:
    """Chart `data_path` into `out_dir` (chart.png/.html; chart-2.png… for more charts).

    `providers` overrides `LLM_PROVIDERS` ([] forces the rule-based planner); a provider whose
    key is missing raises `ProviderNotConfigured`, which names the setting.
    """
    # The size check comes before anything starts (the renderer's Chromium takes seconds).
    check_size(data_path, data_path.name, IngestLimits.from_settings(settings))
    workdir = Path(tempfile.mkdtemp(prefix="chartroom-plot-"))
    try:
        if dry_run:
            planned = await _plan_only(settings, data_path, question, workdir, providers)
            how = [planned.path] + ([planned.model] if planned.model else [])
            return PlotOutcome(planned.plan, how)
        pipeline = make_pipeline(settings, providers=providers)
        await pipeline.renderer.start()
        try:
            result = await pipeline.run(data_path, data_path.name, question, workdir)
        finally:
            await pipeline.renderer.aclose()
            await pipeline.executor.aclose()
            if pipeline.planner is not None:
                await pipeline.planner.chain.aclose()
        return _write(result, out_dir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def _plan_only(
    settings: Settings,
    data_path: Path,
    question: str,
    workdir: Path,
    providers: Sequence[ProviderName] | None,
) -> PlannedAnswer:
    """Planning only: no sandbox to resolve, no renderer to start."""
    limits = IngestLimits.from_settings(settings)
    ingested = await ingest_in_child(data_path, data_path.name, workdir, limits)
    chain = make_chain(settings, providers)
    if chain is None:
        return plan_with_rules(question, ingested.profile)
    try:
        return await LLMPlanner(chain, prompt_options(settings)).plan(question, ingested.profile)
    finally:
        await chain.aclose()


def _write(result: ChartResult, out_dir: Path) -> PlotOutcome:
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = PlotOutcome(
        result.plan,
        answered_by(result),
        table=table_text(result.table) if result.table else None,
    )
    for index, chart in enumerate(result.charts):
        stem = "chart" if index == 0 else f"chart-{index + 1}"
        png_path, html_path = out_dir / f"{stem}.png", out_dir / f"{stem}.html"
        png_path.write_bytes(chart.png)
        html_path.write_text(figure_html(chart.figure, title=chart.spec.title), encoding="utf-8")
        outcome.png_paths.append(png_path)
        outcome.html_paths.append(html_path)
        sentence = describe(chart.spec, chart.summary).replace("*", "")
        outcome.sentences.append(sentence + (f" ({chart.note})" if chart.note else ""))
    return outcome


def plan_text(plan: Plan) -> str:
    """The plan for people: one block per chart, then the card, the table and the guesses."""
    lines: list[str] = []
    for spec in plan.charts:
        lines.append(f"{spec.title}")
        fields = spec.model_dump(exclude={"title"}, exclude_defaults=True, mode="json")
        lines.extend(
            f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()
        )
    if plan.summary_card:
        for metric in plan.summary_card.metrics:
            lines.append(f"  card: {metric.label} = {metric.aggregate}({metric.column or 'rows'})")
    if plan.table:
        lines.append(f"  table: {plan.table.model_dump_json(exclude_defaults=True)}")
    lines.extend(f"  guessed: {a}" for a in plan.assumptions)
    return "\n".join(lines)
