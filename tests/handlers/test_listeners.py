"""What the Slack app alone does with each payload: the real Bolt app over signed HTTP, the real
Redis, the fake Slack Web API, and no worker. Listeners only enqueue; nothing the person sees in
a thread is posted on the ack path."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from arq.jobs import Job, JobStatus

from core.feedback import totals
from core.records import AnswerRecord, save_answer
from core.request_state import RequestState
from core.thread_state import ThreadState, save_thread
from core.worker_status import WorkerStatus, publish
from post import texts
from post.answer_actions import answer_actions
from post.blocks import CANCEL_ACTION, FEEDBACK_UP_ACTION, SHOW_CODE_ACTION, working_blocks
from tests.e2e.stack import CHANNEL, SIGNING_SECRET, Stack, running_app
from tests.fakes.slack_events import event_envelope, mention_event, post_event

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_app(tmp_path_factory.mktemp("workspace")) as running:
        yield running


async def queued(stack: Stack, job_id: str) -> dict[str, Any] | None:
    """The queued job's payload, or None when no such job exists."""
    job = Job(job_id, stack.redis, _queue_name=stack.settings.queue_name)
    if await job.status() == JobStatus.not_found:
        return None
    info = await job.info()
    assert info is not None
    payload: dict[str, Any] = info.args[0]
    return payload


async def answered_thread(stack: Stack, asker: str = "U0001") -> str:
    thread = f"{time.time():.6f}"
    await save_thread(
        stack.redis, stack.team_id, CHANNEL, thread, ThreadState(askers=[asker]), ttl_s=60
    )
    return thread


async def send(stack: Stack, event: dict[str, Any]) -> str:
    envelope = event_envelope(event, team_id=stack.team_id)
    assert await post_event(stack.events_url, envelope, SIGNING_SECRET) == 200
    return str(envelope["event_id"])


async def test_a_mention_is_queued_and_nothing_is_posted_on_the_ack_path(app: Stack) -> None:
    event_id, _ = await app.mention("revenue by region")

    payload = await queued(app, event_id)
    assert payload is not None
    assert payload["source"] == "mention" and payload["text"] == "revenue by region"
    assert app.slack.calls_to("chat.postMessage") == []


async def test_a_redelivered_event_makes_no_second_job(app: Stack) -> None:
    envelope = event_envelope(mention_event("revenue", channel=CHANNEL), team_id=app.team_id)
    assert await post_event(app.events_url, envelope, SIGNING_SECRET) == 200
    assert await post_event(app.events_url, envelope, SIGNING_SECRET, retry_num=1) == 200

    queue = await app.redis.zrange(app.settings.queue_name, 0, -1)
    assert queue.count(envelope["event_id"].encode()) == 1


async def test_when_redis_cannot_take_the_job_slack_gets_a_500_and_delivers_again(
    tmp_path: Path,
) -> None:
    async with running_app(tmp_path, redis_url="redis://127.0.0.1:1/0") as broken:
        envelope = event_envelope(mention_event("revenue", channel=CHANNEL))
        assert await post_event(broken.events_url, envelope, SIGNING_SECRET) == 500


async def test_the_askers_reply_in_an_answered_thread_is_queued_as_a_reply(app: Stack) -> None:
    thread = await answered_thread(app)

    event_id = await send(app, reply("only EU", thread))

    payload = await queued(app, event_id)
    assert payload is not None
    assert payload["source"] == "reply" and payload["thread_ts"] == thread


@pytest.mark.parametrize(
    "case", ["another person", "a thread never answered", "a mention", "a top-level message"]
)
async def test_other_messages_in_channels_are_not_queued(app: Stack, case: str) -> None:
    thread = await answered_thread(app)
    event = {
        "another person": reply("only EU", thread, user="U0OTHER"),
        "a thread never answered": reply("only EU", "1600000000.000001"),
        "a mention": reply("<@UBOT> only EU", thread),
        "a top-level message": reply("only EU", thread) | {"thread_ts": None},
    }[case]

    event_id = await send(app, event)

    assert await queued(app, event_id) is None


async def test_follow_ups_without_a_mention_can_be_turned_off(tmp_path: Path) -> None:
    async with running_app(tmp_path, followups_without_mention=False) as strict:
        thread = await answered_thread(strict)
        event_id = await send(strict, reply("only EU", thread))
        assert await queued(strict, event_id) is None


async def test_plot_help_answers_privately_and_posts_nothing(app: Stack) -> None:
    before = await app.redis.zcard(app.settings.queue_name)
    for text in ("help", ""):
        status, body = await app.command(text)
        assert status == 200
        answer = json.loads(body)
        assert answer.get("response_type", "ephemeral") == "ephemeral"
        assert "/plot QUESTION" in answer["text"]
    assert app.slack.calls_to("chat.postMessage") == []
    assert await app.redis.zcard(app.settings.queue_name) == before


async def test_plot_with_a_question_queues_a_job_that_answers_through_the_response_url(
    app: Stack,
) -> None:
    before = set(await app.redis.zrange(app.settings.queue_name, 0, -1))
    status, body = await app.command("revenue by region")
    assert status == 200 and body == ""
    new = set(await app.redis.zrange(app.settings.queue_name, 0, -1)) - before
    assert len(new) == 1
    payload = await queued(app, new.pop().decode())
    assert payload is not None
    assert payload["source"] == "command" and payload["thread_ts"] is None
    assert payload["response_url"] == app.slack.response_url("cmd")


async def test_feedback_counts_once_per_person_and_shows_in_metrics(app: Stack) -> None:
    answer = {"ts": "1.1", "thread_ts": "1.0", "text": "chart", "blocks": answer_blocks("EvF1")}
    for user in ("U1", "U1", "U2"):
        assert await app.click(answer, FEEDBACK_UP_ACTION, user=user) == 200
    await app.slack.wait_for(lambda: len(app.slack.ephemerals) >= 3)

    assert await totals(app.redis, app.team_id) == {"up": 2, "down": 0}
    assert app.slack.ephemerals[-1]["text"] == texts.FEEDBACK_THANKS["up"]
    metrics_url = app.events_url.replace("/slack/events", "/metrics")
    async with aiohttp.ClientSession() as session, session.get(metrics_url) as response:
        metrics = await response.text()
    assert 'chartroom_feedback_total{vote="up"}' in metrics


async def test_only_the_person_who_asked_may_cancel(app: Stack) -> None:
    request_id = f"Ev{uuid.uuid4().hex[:10]}"
    await RequestState(app.redis, app.team_id, request_id).set(user_id="U0ASKER")
    placeholder: dict[str, Any] = {"ts": "2.1", "thread_ts": "2.0", "text": "Reading…"}
    placeholder["blocks"] = working_blocks("Reading…", request_id)

    assert await app.click(placeholder, CANCEL_ACTION, user="U0OTHER") == 200
    await app.slack.wait_for(
        lambda: any(e["text"] == texts.NOT_YOURS_TO_CANCEL for e in app.slack.ephemerals)
    )
    assert await RequestState(app.redis, app.team_id, request_id).get("cancelled_by") is None


async def test_show_code_on_an_answer_no_longer_kept_says_so_privately(app: Stack) -> None:
    answer = {"ts": "3.1", "thread_ts": "3.0", "text": "chart", "blocks": answer_blocks("EvGone")}
    assert await app.click(answer, SHOW_CODE_ACTION, user="U9") == 200
    await app.slack.wait_for(
        lambda: any(e["text"] == texts.ANSWER_EXPIRED for e in app.slack.ephemerals)
    )
    note = next(e for e in app.slack.ephemerals if e["text"] == texts.ANSWER_EXPIRED)
    assert note["user"] == "U9" and note["thread_ts"] == "3.0"


async def test_show_code_escapes_the_question_it_repeats(app: Stack) -> None:
    record = AnswerRecord(
        request_id="EvCode",
        team_id=app.team_id,
        channel_id=CHANNEL,
        thread_ts="4.0",
        file_name="a.csv",
        question="<!channel> revenue",
        plan_json="{}",
        code="fig = px.bar(df)",
    )
    await save_answer(app.redis, record)
    answer = {"ts": "4.1", "thread_ts": "4.0", "text": "chart", "blocks": answer_blocks("EvCode")}

    await app.click(answer, SHOW_CODE_ACTION, user="U9")

    await app.slack.wait_for(lambda: any("Code for" in e["text"] for e in app.slack.ephemerals))
    shown = next(e for e in app.slack.ephemerals if "Code for" in e["text"])
    assert "<!channel>" not in shown["text"] and "&lt;!channel&gt;" in shown["text"]
    assert "px.bar" in shown["blocks"][0]["text"]["text"]


async def test_the_app_home_shows_usage_latest_charts_and_who_answers(app: Stack) -> None:
    charts = [("EvH1", "U0ME", "Revenue by region"), ("EvH2", "U0YOU", "Secret margins")]
    for request_id, user, title in charts:
        await save_answer(
            app.redis,
            AnswerRecord(
                request_id=request_id,
                team_id=app.team_id,
                channel_id=CHANNEL,
                thread_ts="5.0",
                user_id=user,
                file_name="a.csv",
                question="q",
                title=title,
                chart_type="bar",
                plan_json="{}",
                code="",
            ),
        )
    await publish(
        app.redis,
        WorkerStatus(worker_id=f"test-{uuid.uuid4().hex}", sandbox="docker", started_at="now"),
    )

    await send(app, {"type": "app_home_opened", "user": "U0ME", "channel": "D0ME", "tab": "home"})

    await app.slack.wait_for(lambda: bool(app.slack.calls_to("views.publish")))
    view = app.slack.calls_to("views.publish")[-1].args["view"]
    shown = json.dumps(view)
    assert "/plot QUESTION" in shown
    assert "Revenue by region" in shown  # the viewer's own chart, by title
    assert "Secret margins" not in shown and "a bar chart by <@U0YOU>" in shown
    assert "Planner: rules" in shown


async def test_assistant_threads_get_suggested_prompts(app: Stack) -> None:
    event = {
        "type": "assistant_thread_started",
        "assistant_thread": {"user_id": "U1", "channel_id": "D0AI", "thread_ts": "6.0"},
        "event_ts": "6.0",
    }
    await send(app, event)

    await app.slack.wait_for(
        lambda: bool(app.slack.calls_to("assistant.threads.setSuggestedPrompts"))
    )
    args = app.slack.calls_to("assistant.threads.setSuggestedPrompts")[-1].args
    assert args["channel_id"] == "D0AI" and args["thread_ts"] == "6.0"
    assert args["prompts"][0]["message"] == "help"


async def test_the_messages_tab_welcomes_a_person_once(app: Stack) -> None:
    opened = {"type": "app_home_opened", "user": "U0NEW", "channel": "D0NEW", "tab": "messages"}
    for _ in range(2):
        await send(app, opened)
    await app.slack.wait_for(
        lambda: any(
            c.args.get("channel") == "D0NEW" for c in app.slack.calls_to("chat.postMessage")
        )
    )
    await asyncio.sleep(0.5)
    welcomes = [c for c in app.slack.calls_to("chat.postMessage") if c.args["channel"] == "D0NEW"]
    assert len(welcomes) == 1 and "Send me a data file" in welcomes[0].args["text"]


def reply(text: str, thread_ts: str, *, user: str = "U0001") -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "thread_ts": thread_ts,
    }


def answer_blocks(request_id: str) -> list[dict[str, Any]]:
    return [answer_actions(request_id, current="bar", chart_types=["bar", "pie"], has_data=True)]
