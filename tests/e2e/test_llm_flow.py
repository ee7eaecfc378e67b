"""End to end with an LLM provider: the real `openai` client in the worker talks to a fake
OpenAI-compatible server; everything else is the real stack (Bolt, ARQ, Redis, sandbox, Chromium).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.stack import CHANNEL, SALES_CSV, Stack, running_stack
from tests.fakes.llm_script import Reply
from tests.fakes.openai_api import FakeOpenAI, running_fake_openai

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODEL = "llama3.1"


def plan_answer(**chart: Any) -> str:
    """A model's plan for SALES_CSV, with a card and a table, as a chatty model writes it."""
    spec = {
        "chart_type": "bar",
        "x": "region",
        "y": "revenue",
        "aggregate": "sum",
        "title": "Revenue by region",
    } | chart
    plan = {
        "charts": [spec],
        "summary_card": {
            "metrics": [
                {"label": "Total revenue", "column": "revenue", "aggregate": "sum"},
                {"label": "Orders", "column": None, "aggregate": "count"},
            ]
        },
        "table": {
            "title": "Top products",
            "group_by": ["product"],
            "value": "revenue",
            "aggregate": "sum",
            "limit": 5,
        },
        "assumptions": ["revenue is summed"],
    }
    return f"Here is the plan:\n```json\n{json.dumps(plan)}\n```"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def llm() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory, llm: FakeOpenAI) -> AsyncIterator[Stack]:
    async with running_stack(
        tmp_path_factory.mktemp("workspace"),
        llm_providers=("openai",),
        openai_base_url=llm.url,
        openai_model=MODEL,
        llm_timeout_s=5,
        llm_max_retries=0,
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_script(llm: FakeOpenAI) -> None:
    llm.script.reset()


def _context(message: dict[str, Any]) -> str:
    return " ".join(
        e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]
    )


def _section_texts(message: dict[str, Any]) -> str:
    texts = [b["text"]["text"] for b in message["blocks"] if b.get("text")]
    texts += [f["text"] for b in message["blocks"] for f in b.get("fields", [])]
    return "\n".join(texts)


async def test_a_model_plans_the_chart_card_and_table_and_the_file_supplies_the_numbers(
    stack: Stack, llm: FakeOpenAI
) -> None:
    llm.script.queue(plan_answer())
    sales = stack.share("sales.csv", SALES_CSV)

    _, thread = await stack.mention("revenue by region, with a summary", files=[sales])
    final = await stack.final_reply(thread)

    assert f"Planned by openai:{MODEL}" in _context(final)
    shown = _section_texts(final)
    total = sum(int(line.rsplit(",", 1)[1]) for line in SALES_CSV.decode().splitlines()[1:])
    assert f"*Total revenue*\n{total:,}" in shown
    assert "*Orders*\n144" in shown
    assert "*Top products*\n```product" in shown
    prompt = llm.script.requests[0]["messages"][1]["content"]
    assert "revenue by region, with a summary" in prompt


async def test_the_same_question_on_the_same_data_is_answered_from_the_cache(
    stack: Stack, llm: FakeOpenAI
) -> None:
    llm.script.queue(plan_answer(title="Cached revenue by region"))
    question = "Which region sells most?"

    started = time.perf_counter()
    _, first = await stack.mention(question, files=[stack.share("a.csv", SALES_CSV)])
    miss = await stack.final_reply(first)
    miss_s = time.perf_counter() - started
    started = time.perf_counter()
    # Another thread, another file name, same bytes, the question cased and spaced differently.
    _, second = await stack.mention(
        "which  region sells most", files=[stack.share("b.csv", SALES_CSV)]
    )
    hit = await stack.final_reply(second)
    hit_s = time.perf_counter() - started

    assert "from cache" not in _context(miss)
    assert "from cache" in _context(hit)
    assert len(llm.script.requests) == 1, "a cache hit must not call the model"
    assert hit["blocks"][0]["text"]["text"] == "Cached revenue by region"
    uploads = [u for u in stack.slack.uploads.values() if u.thread_ts == second]
    assert any(u.filename == "chart.png" and u.data.startswith(b"\x89PNG") for u in uploads)
    print(f"\nend-to-end latency: cache miss {miss_s:.2f} s, cache hit {hit_s:.2f} s")


async def test_the_same_slack_file_asked_again_is_answered_before_any_download(
    stack: Stack, llm: FakeOpenAI
) -> None:
    llm.script.queue(plan_answer(title="Answered once"))
    shared = stack.share("same.csv", SALES_CSV)
    _, first = await stack.mention("revenue split by region", files=[shared])
    await stack.final_reply(first)
    downloads = len(stack.slack.calls_to("download"))

    # The same Slack file (id, version, size) in another thread: the cache is keyed by it.
    _, second = await stack.mention("Revenue split by region?", files=[shared])
    hit = await stack.final_reply(second)

    assert "from cache" in _context(hit)
    assert hit["blocks"][0]["text"]["text"] == "Answered once"
    assert len(stack.slack.calls_to("download")) == downloads, "a hit downloads nothing"
    assert len(llm.script.requests) == 1


async def test_another_workspace_never_gets_a_cached_answer(stack: Stack, llm: FakeOpenAI) -> None:
    llm.script.queue(plan_answer(title="Team one"), plan_answer(title="Team two"))
    question = "revenue per region for the board"

    _, first = await stack.mention(question, files=[stack.share("s.csv", SALES_CSV)])
    await stack.final_reply(first)
    _, second = await stack.mention(
        question, team_id=stack.team_id + "X", files=[stack.share("s.csv", SALES_CSV)]
    )
    other = await stack.final_reply(second)

    assert len(llm.script.requests) == 2
    assert other["blocks"][0]["text"]["text"] == "Team two"
    assert "from cache" not in _context(other)


async def test_a_follow_up_in_the_thread_sends_the_earlier_question_and_plan(
    stack: Stack, llm: FakeOpenAI
) -> None:
    llm.script.queue(plan_answer(), plan_answer(chart_type="pie", title="Share by region"))
    thread = "1699999999.000200"
    stack.slack.add_user_message(
        CHANNEL, thread, file_ids=[stack.slack.add_file("f.csv", SALES_CSV)]
    )
    await stack.mention("revenue by region please", thread_ts=thread)
    await stack.slack.wait_for(lambda: len(llm.script.requests) == 1, 60)
    await stack.final_reply(thread)

    await stack.mention("make it a pie", thread_ts=thread)
    await stack.slack.wait_for(lambda: len(llm.script.requests) == 2, 60)
    final = await stack.final_reply(thread)

    follow_up = llm.script.requests[1]["messages"][1]["content"]
    assert "revenue by region please" in follow_up and '"chart_type":"bar"' in follow_up.replace(
        " ", ""
    )
    assert final["blocks"][0]["text"]["text"] == "Share by region"


async def test_a_wrong_plan_is_repaired_once_and_the_message_says_so(
    stack: Stack, llm: FakeOpenAI
) -> None:
    llm.script.queue(plan_answer(y="sales"), plan_answer(title="Repaired revenue"))
    _, thread = await stack.mention(
        "sales by region, repaired", files=[stack.share("r.csv", SALES_CSV)]
    )
    final = await stack.final_reply(thread)

    assert "repaired" in _context(final)
    assert final["blocks"][0]["text"]["text"] == "Repaired revenue"
    repair_turn = llm.script.requests[1]["messages"][-1]["content"]
    assert "sales" in repair_turn and "revenue" in repair_turn


async def test_when_the_model_is_down_the_rules_answer_and_say_why(
    stack: Stack, llm: FakeOpenAI
) -> None:
    llm.script.default = Reply(status=503)
    _, thread = await stack.mention(
        "total revenue by product", files=[stack.share("d.csv", SALES_CSV)]
    )
    final = await stack.final_reply(thread)

    context = _context(final)
    assert "Planned by rules" in context and "LLM path failed" in context
    assert any(
        u.filename == "chart.png" for u in stack.slack.uploads.values() if u.thread_ts == thread
    )
