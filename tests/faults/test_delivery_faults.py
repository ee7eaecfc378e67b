"""Between Slack and the queue, and back: the app killed after taking an event, Slack
throttling and failing past slack_sdk's retry budget. One app and one worker (real processes, a
private Redis) serve the whole module; each case asks its own question."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from tests.fakes.slack_api import DROP_AFTER_EFFECT
from tests.faults import report
from tests.faults.checks import assert_one_answer
from tests.faults.harness import Harness, harness

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(150)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def h(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    async with harness(tmp_path_factory.mktemp("delivery-faults")) as started:
        await started.start_app()
        await started.start_worker()
        yield started


async def test_an_event_taken_by_an_app_killed_before_the_enqueue_is_answered_when_slack_redelivers(
    h: Harness,
) -> None:
    app = next(p for p in reversed(h.procs) if p.name == "app")
    asked = h.question()
    h.redis.pause()  # the app takes the event and waits on Redis…
    pending = asyncio.create_task(h.deliver(asked))
    await asyncio.sleep(1.0)
    app.kill()  # …and dies before the job exists
    with pytest.raises(aiohttp.ClientError):
        await pending  # no 200: Slack delivers the event again
    h.redis.resume()
    await h.start_app()
    asked.asked_at = time.monotonic()
    assert await h.deliver(asked, retry_num=1) == 200
    waited = await h.first_word(asked)
    await assert_one_answer(h, asked)
    assert await h.deliver(asked, retry_num=2) == 200  # a late re-delivery: dropped
    await assert_one_answer(h, asked)
    report.record("app killed after taking an event, before the enqueue", waited, "charted once")


async def test_slack_rate_limits_past_the_client_budget_still_end_in_one_answer(h: Harness) -> None:
    h.slack.http_faults["chat.postMessage"] = [429] * 5  # slack_sdk gives up after 4
    asked = await h.ask()
    waited = await h.first_word(asked)
    await assert_one_answer(h, asked)
    posts = [
        c
        for c in h.slack.calls_to("chat.postMessage")
        if c.args.get("thread_ts") == asked.thread_ts
    ]
    assert len(posts) == 6
    report.record("Slack 429 ×5 on the placeholder", waited, "charted once")


async def test_slack_server_errors_on_the_final_edit_past_the_budget_still_end_in_one_answer(
    h: Harness,
) -> None:
    asked = await h.ask()
    waited = await h.first_word(asked)
    await h.until(lambda: bool(h.uploads(asked)), 60)
    h.slack.http_faults["chat.update"] = [500] * 6  # two rounds of slack_sdk's retries
    await assert_one_answer(h, asked)
    report.record("Slack 500 ×6 on the final edit", waited, "charted once, no orphan placeholder")


async def test_a_connection_dropped_after_slack_posted_the_placeholder_leaves_no_orphan(
    h: Harness,
) -> None:
    h.slack.http_faults["chat.postMessage"] = [DROP_AFTER_EFFECT]  # posted, answer lost
    asked = await h.ask()
    waited = await h.first_word(asked)
    await assert_one_answer(h, asked)
    report.record(
        "connection dropped after Slack posted the placeholder", waited, "charted once, no orphan"
    )


async def test_a_connection_dropped_after_slack_took_the_final_edit_ends_in_one_answer(
    h: Harness,
) -> None:
    asked = await h.ask()
    await h.until(lambda: bool(h.uploads(asked)), 60)
    h.slack.http_faults["chat.update"] = [DROP_AFTER_EFFECT]
    waited = await h.first_word(asked)
    await assert_one_answer(h, asked)
    report.record("connection dropped after Slack took the final edit", waited, "charted once")


async def test_a_worker_stopped_for_a_deploy_mid_job_hands_the_job_to_the_next_worker(
    h: Harness,
) -> None:
    worker = next(p for p in reversed(h.procs) if p.name == "worker")
    asked = await h.ask()
    await h.until(lambda: bool(h.bot_messages(asked)), 60)
    stopping = asyncio.create_task(
        worker.stop()
    )  # SIGTERM: ARQ cancels the running job and re-queues it
    stopped_at = time.monotonic()
    told = await h.until(lambda: h.saw_progress(asked, "trying again"), 30) - stopped_at
    await stopping
    await h.start_worker()
    await assert_one_answer(h, asked)
    report.record("worker stopped (SIGTERM) mid-job", told, "told 'trying again', charted once")
