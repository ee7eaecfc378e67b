"""`python bot.py plot`: the worker's ingest → plan → sandbox → render path, without Slack."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from ingest.limits import IngestLimits
from ingest.load import ingest_file
from planner.plan import Plan
from planner.rules import plan_from_rules
from post.describe import describe
from render.html import figure_html
from workers.context import make_pipeline


@dataclass(frozen=True)
class PlotOutcome:
    plan: Plan
    png_path: Path | None
    html_path: Path | None
    sentence: str | None


async def plot_file(
    settings: Settings, data_path: Path, question: str, out_dir: Path, *, dry_run: bool = False
) -> PlotOutcome:
    workdir = Path(tempfile.mkdtemp(prefix="chartroom-plot-"))
    try:
        if dry_run:
            # Planning only: no sandbox to resolve, no renderer to start.
            ingested = await asyncio.to_thread(
                ingest_file,
                data_path,
                data_path.name,
                workdir,
                IngestLimits.from_settings(settings),
            )
            return PlotOutcome(plan_from_rules(question, ingested.profile), None, None, None)
        pipeline = make_pipeline(settings)
        await pipeline.renderer.start()
        try:
            result = await pipeline.run(data_path, data_path.name, question, workdir)
        finally:
            await pipeline.renderer.aclose()
            await pipeline.executor.aclose()
        out_dir.mkdir(parents=True, exist_ok=True)
        png_path, html_path = out_dir / "chart.png", out_dir / "chart.html"
        png_path.write_bytes(result.png)
        html_path.write_text(
            figure_html(result.figure, title=result.plan.primary.title), encoding="utf-8"
        )
        sentence = describe(result.plan.primary, result.summary).replace("*", "")
        return PlotOutcome(result.plan, png_path, html_path, sentence)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def plan_text(plan: Plan) -> str:
    """The plan for people: one block per chart, then the guesses."""
    lines: list[str] = []
    for spec in plan.charts:
        lines.append(f"{spec.title}")
        fields = spec.model_dump(exclude={"title"}, exclude_defaults=True, mode="json")
        lines.extend(
            f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()
        )
    lines.extend(f"  guessed: {a}" for a in plan.assumptions)
    return "\n".join(lines)
