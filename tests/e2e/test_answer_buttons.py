"""The buttons under every answer, end to end with Slack's `block_actions` payloads, and the
native chart beside the PNG: none of it needs an LLM."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from post.blocks import CANCEL_ACTION, CHART_TYPE_ACTION, SHOW_DATA_ACTION
from tests.e2e.stack import (
    SALES_CSV,
    Stack,
    blocks_of,
    changes_text,
    context_text,
    is_progress,
    running_stack,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("workspace")) as running:
        yield running


def revenue_by_region() -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for row in csv.DictReader(io.StringIO(SALES_CSV.decode())):
        totals[row["region"]] += float(row["revenue"])
    return dict(totals)


async def answer(stack: Stack, question: str) -> tuple[str, dict[str, Any]]:
    _, thread = await stack.mention(question, files=[stack.share("sales.csv", SALES_CSV)])
    return thread, await stack.final_reply(thread)


async def test_the_answer_carries_slacks_own_chart_built_from_the_drawn_numbers(
    stack: Stack,
) -> None:
    _, final = await answer(stack, "total revenue by region")

    (native,) = blocks_of(final, "data_visualization")
    chart = native["chart"]
    assert chart["type"] == "bar"
    (series,) = chart["series"]
    drawn = {point["label"]: point["value"] for point in series["data"]}
    assert drawn == revenue_by_region()
    assert chart["axis_config"]["categories"] == list(drawn)


async def test_picking_another_chart_type_redraws_the_saved_plan_without_replanning(
    stack: Stack,
) -> None:
    thread, first = await answer(stack, "total revenue by region")
    menu = next(e for e in blocks_of(first, "actions")[0]["elements"] if "options" in e)
    offered = [o["value"].split("|")[0] for o in menu["options"]]
    assert offered == ["bar", "pie", "table"]  # regions have no order: no line, area, scatter
    mark = len(stack.slack.calls)

    assert await stack.click(first, CHART_TYPE_ACTION, option="pie|") == 200
    redrawn = await stack.final_reply(thread, after=1)

    assert redrawn["ts"] != first["ts"]
    assert "Redrawn from the saved plan" in context_text(redrawn)
    assert "drawn as a pie chart instead of a bar chart" in changes_text(redrawn)
    (native,) = blocks_of(redrawn, "data_visualization")
    shares = {s["label"]: s["value"] for s in native["chart"]["segments"]}
    assert shares == revenue_by_region()
    new_menu = next(e for e in blocks_of(redrawn, "actions")[0]["elements"] if "options" in e)
    assert new_menu["initial_option"]["value"].startswith("pie|")
    methods = [c.method for c in stack.slack.calls[mark:]]
    assert "files.info" not in methods and "download" not in methods
    pngs = [u for u in stack.slack.uploads.values() if u.thread_ts == thread]
    assert sum(u.filename == "chart.png" for u in pngs) == 2


async def test_show_data_posts_the_first_rows_as_a_table_and_all_of_them_as_csv(
    stack: Stack,
) -> None:
    thread, first = await answer(stack, "total revenue by region")

    assert await stack.click(first, SHOW_DATA_ACTION, user="U0DATA") == 200
    await stack.slack.wait_for(
        lambda: any(u.filename == "data.csv" and u.thread_ts == thread and u.title
                    for u in stack.slack.uploads.values())
    )  # fmt: skip

    table_message = next(m for m in stack.bot_replies(thread) if blocks_of(m, "table"))
    rows = blocks_of(table_message, "table")[0]["rows"]
    assert [c["text"] for c in rows[0]] == ["region", "revenue"]
    assert len(rows) == 1 + len(revenue_by_region())
    assert "<@U0DATA>" in context_text(table_message)
    upload = next(u for u in stack.slack.uploads.values() if u.filename == "data.csv")
    parsed = list(csv.reader(io.StringIO(upload.data.decode())))
    assert parsed[0] == ["region", "revenue"]
    assert {r[0]: float(r[1]) for r in parsed[1:]} == revenue_by_region()


async def test_cancel_stops_the_running_job_and_says_so(stack: Stack) -> None:
    slow = stack.share("slow.csv", SALES_CSV, download_delay_s=15)
    event_id, thread = await stack.mention("revenue by region", files=[slow])
    await stack.slack.wait_for(lambda: bool(stack.bot_replies(thread)))
    placeholder = stack.bot_replies(thread)[0]
    assert blocks_of(placeholder, "actions")  # the Cancel button while it works

    assert await stack.click(placeholder, CANCEL_ACTION, user="U0001") == 200
    await stack.slack.wait_for(lambda: "Cancelled by" in stack.bot_replies(thread)[-1]["text"])

    final = stack.bot_replies(thread)[-1]
    assert "Cancelled by <@U0001>" in final["blocks"][0]["text"]["text"]
    assert not blocks_of(final, "actions")  # no Cancel button once it is over
    await asyncio.sleep(1)
    assert not [u for u in stack.slack.uploads.values() if u.thread_ts == thread]
    assert len(stack.bot_replies(thread)) == 1
    assert not is_progress(final["text"])
    assert event_id


async def test_a_workspace_refusing_the_native_chart_still_gets_the_answer(
    stack: Stack, capfd: pytest.CaptureFixture[str]
) -> None:
    stack.slack.reject_native_charts = True
    try:
        _, final = await answer(stack, "total revenue by product")
    finally:
        stack.slack.reject_native_charts = False

    assert final["blocks"][0]["type"] == "header"
    assert not blocks_of(final, "data_visualization")
    refused = [
        c for c in stack.slack.calls_to("chat.update") if "data_visualization" in str(c.args)
    ]
    assert refused, "the first attempt carried the native chart"
    assert "Slack refused the native chart block" in "".join(capfd.readouterr())
