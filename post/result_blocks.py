"""The result message: title, what was plotted, the summary card and table, how it was answered.

Pure functions of the finished `ChartResult`. Every number shown comes from the sandbox run of
our compiled code; model-written text (titles, guesses, notes) is escaped like any file text.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.plan import Metric, Plan
from post.answer_actions import answer_actions
from post.blocks import CONTEXT_MAX, HEADER_MAX, SECTION_MAX, Block, mrkdwn, plain
from post.describe import describe, format_number
from post.mrkdwn import code_block, escape
from post.native_chart import native_chart_block
from sandbox.executor import SummaryValue, TableData
from workers.answer import ChartResult

MAX_CELL_CHARS = 24


def result_blocks(
    result: ChartResult,
    *,
    file_name: str,
    request_id: str,
    elapsed_s: float,
    notes: Sequence[str] = (),
    chart_types: Sequence[str] = (),
    native_chart: bool = False,
) -> list[Block]:
    """`notes` are already-escaped mrkdwn lines (which file or sheet was read); `chart_types`
    the types offered in the menu; `native_chart` adds Slack's own chart where it fits."""
    primary = result.primary
    blocks: list[Block] = [{"type": "header", "text": plain(primary.spec.title, HEADER_MAX)}]
    partly = understanding_text(result.plan)
    if partly:
        blocks.append({"type": "section", "text": mrkdwn(partly, SECTION_MAX)})
    if native_chart:
        native = native_chart_block(primary.spec, primary.figure)
        if native is not None:
            blocks.append(native)
    card = summary_card_fields(result)
    if card:
        blocks.append({"type": "section", "fields": card})
    for index, chart in enumerate(result.charts):
        sentence = describe(chart.spec, chart.summary)
        if len(result.charts) > 1:
            sentence = f"*{index + 1}. {escape(chart.spec.title)}*: {sentence}"
        if chart.note:
            sentence += f"\n_{escape(chart.note)}_"
        blocks.append({"type": "section", "text": mrkdwn(sentence, SECTION_MAX)})
    if result.table and result.plan.table:
        text = f"*{escape(result.plan.table.title)}*\n{code_block(table_text(result.table))}"
        blocks.append({"type": "section", "text": mrkdwn(text, SECTION_MAX)})
    if result.plan.changes:
        changed = "*Same chart,* " + "; ".join(result.plan.changes)
        blocks.insert(1, {"type": "section", "text": mrkdwn(changed, SECTION_MAX)})
    if result.plan.assumptions:
        guessed = "*What I had to guess:* " + " · ".join(result.plan.assumptions)
        blocks.append({"type": "context", "elements": [mrkdwn(guessed, CONTEXT_MAX)]})
    if notes:
        # Already mrkdwn (file and sheet names escaped where they were written); escaping
        # again changes nothing.
        text = " ".join(notes)
        blocks.append({"type": "context", "elements": [mrkdwn(text, CONTEXT_MAX)]})
    footer = " · ".join(
        [*answered_by(result), escape(file_name), f"{elapsed_s:.1f} s", f"request `{request_id}`"]
    )
    blocks.append({"type": "context", "elements": [mrkdwn(footer, CONTEXT_MAX)]})
    blocks.append(
        answer_actions(
            request_id,
            current=primary.spec.chart_type,
            chart_types=chart_types,
            has_data=True,
        )
    )
    return blocks


def understanding_text(plan: Plan) -> str | None:
    """When the planner understood only part of the question, the answer says so first:
    the words it did not use and what it could not do."""
    if not plan.unused and not plan.not_done:
        return None
    lines = ["⚠️ I only partly understood this, so check the chart before you rely on it."]
    if plan.unused:
        lines.append("What I didn't use: " + ", ".join(f"“{escape(w)}”" for w in plan.unused))
    if plan.not_done:
        lines.append("What I couldn't do: " + "; ".join(plan.not_done))
    return "\n".join(lines)


def result_fallback_text(result: ChartResult) -> str:
    """The notification text for clients that do not render blocks."""
    return f"{result.primary.spec.title}: {describe(result.primary.spec, result.summary)}"


def answered_by(result: ChartResult) -> list[str]:
    """Which path answered, in words: planner, code writer, cache, model, tokens."""
    planned = result.planned
    parts: list[str] = []
    if result.redrawn:
        parts.append("Redrawn from the saved plan (nothing re-planned)")
    elif planned.path == "rules":
        parts.append("Planned by rules")
        if planned.fallback_reason:
            parts.append(f"the LLM path failed ({planned.fallback_reason})")
    elif planned.path == "llm-repaired":
        parts.append(f"Planned by {planned.model} (repaired: {len(planned.repaired)} problem(s))")
    else:
        parts.append(f"Planned by {planned.model}")
    code_paths = {c.path for c in result.charts}
    if "llm-code-repaired" in code_paths:
        parts.append("chart code by the LLM, repaired after a failed run")
    elif "llm-code" in code_paths:
        parts.append("chart code by the LLM")
    if result.cache_hit:
        parts.append("from cache")
    elif result.usage.calls:
        tokens = result.usage.usage.input_tokens + result.usage.usage.output_tokens
        cost = result.usage.cost_usd
        parts.append(f"{tokens:,} tokens" + (f" (~${cost:.4f})" if cost else ""))
    return parts


def summary_card_fields(result: ChartResult) -> list[Block]:
    """The card's metrics as Block Kit section fields (Slack shows at most 10)."""
    card = result.plan.summary_card
    if card is None:
        return []
    return [
        mrkdwn(
            f"*{escape(metric.label)}*\n"
            + escape(_metric_value(metric, result.summary.get(f"card_{i}"))),
            2000,
        )
        for i, metric in enumerate(card.metrics[:10])
    ]


def table_text(table: TableData) -> str:
    """A fixed-width text table (Slack renders code blocks monospaced)."""
    header = [_cell(c) for c in table.columns]
    rows = [[_cell(v) for v in row] for row in table.rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [_line(header, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(row, widths, numbers=True) for row in rows]
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int], *, numbers: bool = False) -> str:
    out = []
    for cell, width in zip(cells, widths, strict=True):
        numeric = numbers and cell.replace(",", "").replace(".", "").lstrip("-").isdigit()
        out.append(cell.rjust(width) if numeric else cell.ljust(width))
    return "  ".join(out).rstrip()


def _cell(value: SummaryValue) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = format_number(float(value))
    else:
        text = "" if value is None else str(value)
        if text.endswith("T00:00:00"):
            text = text[:10]
    text = text.replace("`", "'").replace("\n", " ")
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _metric_value(metric: Metric, value: SummaryValue) -> str:
    if value is None:
        return "no values"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_number(float(value))
    text = str(value)
    return text[:10] if text.endswith("T00:00:00") else text[:100]
