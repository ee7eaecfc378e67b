"""Forgetting, through the real app and worker: "@Chartroom forget" in a thread deletes what
Chartroom kept for that thread and nothing else; `/plot forget` does it for the whole channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from arq.jobs import Job, JobStatus

from core import keys
from core.records import load_answer
from core.thread_state import load_thread
from tests.e2e.stack import CHANNEL, SALES_CSV, Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("forget")) as running:
        yield running


async def answered_thread(stack: Stack, question: str) -> tuple[str, str]:
    """A thread with one answer: (its thread ts, the answer's request id)."""
    sales = stack.share("sales.csv", SALES_CSV)
    event_id, thread = await stack.mention(question, files=[sales])
    assert await stack.outcome(event_id) == "charted"
    return thread, event_id


async def kept_keys(stack: Stack) -> list[str]:
    pattern = keys.workspace_pattern(stack.team_id)
    return sorted([k.decode() async for k in stack.redis.scan_iter(match=pattern)])


async def test_forget_in_a_thread_deletes_that_thread_only(stack: Stack) -> None:
    first, first_answer = await answered_thread(stack, "total revenue by region")
    second, second_answer = await answered_thread(stack, "total revenue by product")

    event_id, _ = await stack.mention("forget this thread", thread_ts=first)

    assert await load_thread(stack.redis, stack.team_id, CHANNEL, first) is None
    assert await load_answer(stack.redis, stack.team_id, first_answer) is None
    assert await load_thread(stack.redis, stack.team_id, CHANNEL, second) is not None
    assert await load_answer(stack.redis, stack.team_id, second_answer) is not None
    told = stack.slack.calls_to("chat.postEphemeral")[-1].args
    assert told["thread_ts"] == first
    assert "1 conversation(s)" in told["text"]
    assert "1 answer record(s)" in told["text"]
    queued = Job(event_id, stack.redis, _queue_name=stack.settings.queue_name)
    assert await queued.status() == JobStatus.not_found  # no chart job for "forget"


async def test_plot_forget_deletes_every_thread_of_the_channel(stack: Stack) -> None:
    await answered_thread(stack, "average revenue by region")

    status, body = await stack.command("forget")

    assert status == 200
    assert "every thread in this channel" in body
    left = await kept_keys(stack)
    assert not [k for k in left if ":thread:" in k or ":record:" in k or ":data:" in k], left
    status, body = await stack.command("forget")
    assert "nothing kept" in body
