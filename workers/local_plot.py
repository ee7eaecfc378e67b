"""`python bot.py plot`: the worker's ingest → plan → sandbox → render path, without Slack."""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import ProviderName, Settings
from ingest.jail import ingest_in_child
from ingest.limits import IngestLimits
from ingest.load import check_size
from ingest.profile import DataProfile
from planner.llm_planner import LLMPlanner, PlannedAnswer, plan_with_rules
from planner.plan import Plan
from planner.prompt import Turn
from post.describe import describe
from post.result_blocks import answered_by, table_text
from providers.factory import make_chain
from render.html import PlotlyJs, figure_html
from workers.answer import ChartResult
from workers.answer_cache import CacheScope
from workers.context import make_pipeline, prompt_options
from workers.pipeline import Asker, Pipeline


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
    outcomes = await plot_conversation(
        settings, data_path, [question], out_dir, dry_run=dry_run, providers=providers
    )
    return outcomes[0]


async def plot_conversation(
    settings: Settings,
    data_path: Path,
    questions: Sequence[str],
    out_dir: Path,
    *,
    dry_run: bool = False,
    providers: Sequence[ProviderName] | None = None,
) -> list[PlotOutcome]:
    """Ask `questions` as one thread: each turn is a follow-up of the one before ("only EU",
    "make it a line"). One question writes chart.png; several write chart-1.png, chart-2.png…"""
    # The size check comes before anything starts (the renderer's Chromium takes seconds).
    check_size(data_path, data_path.name, IngestLimits.from_settings(settings))
    async with LocalThread(settings, data_path, dry_run=dry_run, providers=providers) as thread:
        outcomes: list[PlotOutcome] = []
        for turn, question in enumerate(questions, start=1):
            stem = "chart" if len(questions) == 1 else f"chart-{turn}"
            outcomes.append(await thread.ask(question, out_dir, stem=stem))
        return outcomes


class LocalThread:
    """A conversation about one local file, as a Slack thread would hold it: the pipeline (or
    just the planner, for a dry run) made once, and the turns so far."""

    def __init__(
        self,
        settings: Settings,
        data_path: Path,
        *,
        dry_run: bool = False,
        providers: Sequence[ProviderName] | None = None,
    ) -> None:
        self.settings, self.data_path, self.dry_run = settings, data_path, dry_run
        self.providers = providers
        self.turns: list[Turn] = []
        self.workdir = Path(tempfile.mkdtemp(prefix="chartroom-plot-"))
        self._pipeline: Pipeline | None = None
        self._profile: DataProfile | None = None
        self._planner: LLMPlanner | None = None

    async def __aenter__(self) -> LocalThread:
        if self.dry_run:
            limits = IngestLimits.from_settings(self.settings)
            ingested = await ingest_in_child(
                self.data_path, self.data_path.name, self.workdir, limits
            )
            self._profile = ingested.profile
            chain = make_chain(self.settings, self.providers)
            if chain is not None:
                self._planner = LLMPlanner(chain, prompt_options(self.settings))
            return self
        self._pipeline = make_pipeline(self.settings, providers=self.providers)
        await self._pipeline.renderer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._pipeline is not None:
                await self._pipeline.renderer.aclose()
                await self._pipeline.executor.aclose()
                if self._pipeline.planner is not None:
                    await self._pipeline.planner.chain.aclose()
            if self._planner is not None:
                await self._planner.chain.aclose()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    async def ask(self, question: str, out_dir: Path, *, stem: str = "chart") -> PlotOutcome:
        """Answer one turn and remember it for the next."""
        if self._pipeline is None:
            assert self._profile is not None
            planned = await self._plan_only(question, self._profile)
            self.turns.append(Turn(question=question, plan=planned.plan))
            return PlotOutcome(
                planned.plan, [planned.path] + ([planned.model] if planned.model else [])
            )
        turn_dir = self.workdir / f"turn-{len(self.turns) + 1}"
        asker = Asker(CacheScope("local", len(self.turns)), tuple(self.turns))
        result = await self._pipeline.run(
            self.data_path, self.data_path.name, question, turn_dir, asker=asker
        )
        self.turns.append(Turn(question=question, plan=result.plan))
        return _write(result, out_dir, stem, plotlyjs=self.settings.html_plotlyjs)

    async def _plan_only(self, question: str, profile: DataProfile) -> PlannedAnswer:
        if self._planner is None:
            return plan_with_rules(question, profile, self.turns)
        return await self._planner.plan(question, profile, history=self.turns)


def _write(
    result: ChartResult, out_dir: Path, stem: str = "chart", *, plotlyjs: PlotlyJs = "inline"
) -> PlotOutcome:
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = PlotOutcome(
        result.plan,
        answered_by(result),
        table=table_text(result.table) if result.table else None,
    )
    for index, chart in enumerate(result.charts):
        name = stem if index == 0 else f"{stem}-{index + 1}"
        png_path, html_path = out_dir / f"{name}.png", out_dir / f"{name}.html"
        png_path.write_bytes(chart.png)
        page = figure_html(chart.figure, title=chart.spec.title, plotlyjs=plotlyjs)
        html_path.write_text(page, encoding="utf-8")
        outcome.png_paths.append(png_path)
        outcome.html_paths.append(html_path)
        # The sentence is Slack mrkdwn; a terminal wants the words: no marks, no entities.
        sentence = html.unescape(re.sub(r"[*`]", "", describe(chart.spec, chart.summary)))
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
