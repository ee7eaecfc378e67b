"""The result message: card, charts, table, how it was answered, all within Slack's limits."""

from __future__ import annotations

from typing import Any

from ingest.profile import DataProfile
from planner.llm_planner import PlannedAnswer
from planner.plan import ChartSpec, Metric, Plan, SummaryCard, TableSpec
from post.result_blocks import answered_by, result_blocks, table_text
from providers.base import Completion, Usage
from providers.chain import UsageLedger
from sandbox.executor import SummaryValue, TableData
from tests.fakes.slack_blocks import block_errors
from workers.answer import ChartResult, DrawnChart

PROFILE = DataProfile(file_name="sales.csv", file_kind="csv", rows=10, columns=[])


def _bar(**kwargs: object) -> ChartSpec:
    fields: dict[str, object] = {
        "chart_type": "bar",
        "x": "region",
        "y": "revenue",
        "aggregate": "sum",
        "title": "Total revenue by region",
    }
    return ChartSpec.model_validate(fields | kwargs)


def _result(
    plan: Plan,
    *,
    planned: PlannedAnswer | None = None,
    summary: dict[str, SummaryValue] | None = None,
    table: TableData | None = None,
    **chart: Any,
) -> ChartResult:
    charts = [DrawnChart(spec, "fig = None\n", {}, summary or {}, **chart) for spec in plan.charts]
    return ChartResult(plan, planned or PlannedAnswer(plan, "rules"), charts, PROFILE, table)


def _texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", [])]
        out += [
            e["text"]
            for e in block.get("elements", [])
            if "text" in e and block["type"] == "context"
        ]
    return "\n".join(out)


def test_result_blocks_respect_slack_limits_and_carry_the_request_id() -> None:
    plan = Plan(charts=[_bar(title="T" * 400)], assumptions=["Summed revenue" * 300])
    blocks = result_blocks(_result(plan), file_name="sales.csv", request_id="Ev1", elapsed_s=1.2)
    assert blocks[0]["type"] == "header"
    assert len(blocks[0]["text"]["text"]) <= 150
    assert all(
        len(e["text"]) <= 2000 for b in blocks if b["type"] == "context" for e in b["elements"]
    )
    assert blocks[-1]["elements"][0]["value"] == "Ev1"


def test_file_text_cannot_mention_a_whole_channel() -> None:
    plan = Plan(charts=[_bar(x="<!channel>", title="<!here> by region")])
    text = _texts(result_blocks(_result(plan), file_name="a.csv", request_id="E", elapsed_s=1))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_the_summary_card_shows_values_computed_from_the_file() -> None:
    card = SummaryCard(
        metrics=[
            Metric(label="Total revenue", column="revenue", aggregate="sum"),
            Metric(label="Orders", aggregate="count"),
            Metric(label="Last order", column="order_date", aggregate="max"),
        ]
    )
    plan = Plan(charts=[_bar()], summary_card=card)
    result = _result(
        plan, summary={"card_0": 3007384.09, "card_1": 7590, "card_2": "2024-12-31T00:00:00"}
    )
    fields = result_blocks(result, file_name="a", request_id="E", elapsed_s=1)[1]["fields"]
    assert [f["text"] for f in fields] == [
        "*Total revenue*\n3,007,384.09",
        "*Orders*\n7,590",
        "*Last order*\n2024-12-31",
    ]


def test_the_table_is_a_monospaced_block_with_numbers_aligned_right() -> None:
    table = TableData(columns=["region", "revenue"], rows=[["EU", 1200.5], ["North America", 17]])
    assert table_text(table).splitlines() == [
        "region         revenue",
        "-------------  --------",
        "EU             1,200.50",
        "North America        17",
    ]
    plan = Plan(
        charts=[_bar()], table=TableSpec(title="Top regions", group_by=["region"], value="revenue")
    )
    blocks = result_blocks(_result(plan, table=table), file_name="a", request_id="E", elapsed_s=1)
    assert "*Top regions*\n```region" in _texts(blocks)


def test_the_footer_says_which_path_answered_and_what_it_cost() -> None:
    plan = Plan(charts=[_bar(custom="annotate the max")], planner="llm")
    ledger = UsageLedger()
    ledger.record(Completion("{}", "gemini", "gemini-2.5-flash", Usage(1000, 200)), 0.0008)
    planned = PlannedAnswer(plan, "llm-repaired", "gemini:gemini-2.5-flash", repaired=["x"])
    result = _result(plan, planned=planned, path="llm-code")
    result.usage = ledger
    assert answered_by(result) == [
        "Planned by gemini:gemini-2.5-flash (repaired: 1 problem(s))",
        "chart code by the LLM",
        "1,200 tokens (~$0.0008)",
    ]
    result.cache_hit = True
    assert answered_by(result)[-1] == "from cache"


def test_rules_say_why_the_llm_path_did_not_answer() -> None:
    plan = Plan(charts=[_bar()])
    planned = PlannedAnswer(plan, "rules", fallback_reason="no model answered in time")
    assert answered_by(_result(plan, planned=planned)) == [
        "Planned by rules",
        "the LLM path failed (no model answered in time)",
    ]


def test_every_chart_gets_its_sentence_and_its_note() -> None:
    plan = Plan(charts=[_bar(), _bar(chart_type="pie", title="Share", custom="explode the top")])
    result = _result(plan)
    result.charts[1].note = "I couldn't add “explode the top”"
    text = _texts(result_blocks(result, file_name="a", request_id="E", elapsed_s=1))
    assert "*1. Total revenue by region*" in text and "*2. Share*" in text
    assert "_I couldn't add “explode the top”_" in text


def test_slacks_own_chart_is_added_only_when_asked_and_the_whole_message_passes_slack() -> None:
    plan = Plan(charts=[_bar()], changes=["filtered to region = EU"])
    figure = {"data": [{"type": "bar", "x": ["EU", "US"], "y": [3.0, 4.0]}], "layout": {}}
    result = _result(plan)
    result.charts[0].figure = figure
    common: dict[str, Any] = {"file_name": "sales.csv", "request_id": "Ev1", "elapsed_s": 1.0}

    with_native = result_blocks(result, native_chart=True, chart_types=["bar", "pie"], **common)
    without = result_blocks(result, native_chart=False, **common)

    assert [b["type"] for b in with_native].count("data_visualization") == 1
    assert "data_visualization" not in [b["type"] for b in without]
    assert block_errors(with_native) == []
    assert "*Same chart,* filtered to region = EU" in _texts(with_native)
