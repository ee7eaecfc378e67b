"""The placeholder and the final message, against the fake Slack and the real Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from core.request_state import RequestState
from core.settings import Settings
from core.slack import slack_client
from tests.fakes.slack_api import FakeSlack
from workers.flow import JobFlow
from workers.reply import ThreadReply


@pytest_asyncio.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    await client.aclose()


def reply_for(
    slack: FakeSlack, redis: Redis, request_id: str, *, in_dm: bool = False
) -> ThreadReply:
    client = slack_client(Settings(slack_bot_token=slack.bot_token, slack_api_url=slack.api_url))
    state = RequestState(redis, "TREPLY", request_id)
    return ThreadReply(client, state, "D1" if in_dm else "C1", "1.0", "sales.csv", in_dm=in_dm)


@pytest.fixture
def request_id() -> str:
    return f"Ev{uuid.uuid4().hex[:10]}"


async def test_a_rerun_of_the_job_edits_the_same_placeholder(
    fake_slack: FakeSlack, redis: Redis, request_id: str
) -> None:
    first_try = reply_for(fake_slack, redis, request_id)
    await first_try.start("Reading sales.csv…")
    await first_try.stage("planning")

    second_try = reply_for(fake_slack, redis, request_id)  # a new worker, same job
    await second_try.start("Reading sales.csv…")
    await second_try.say("done")

    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    (message,) = fake_slack.messages.values()
    assert message["text"] == "done"
    assert "Planning a chart from sales.csv" in " ".join(message["history"])


async def test_the_placeholder_has_a_cancel_button_and_the_answer_does_not(
    fake_slack: FakeSlack, redis: Redis, request_id: str
) -> None:
    reply = reply_for(fake_slack, redis, request_id)
    await reply.start("Reading sales.csv…")
    (message,) = fake_slack.messages.values()
    button = message["blocks"][1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("cancel_job", request_id)

    await reply.say("done")
    assert [b["type"] for b in message["blocks"]] == ["section"]


async def test_a_refused_native_chart_is_dropped_and_the_answer_sent_again(
    fake_slack: FakeSlack, redis: Redis, request_id: str
) -> None:
    fake_slack.reject_native_charts = True
    reply = reply_for(fake_slack, redis, request_id)
    native = {
        "type": "data_visualization",
        "title": "t",
        "chart": {"type": "pie", "segments": [{"label": "a", "value": 1}]},
    }
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "answer"}}

    await reply.say("answer", [native, section])

    (message,) = fake_slack.messages.values()
    assert message["blocks"] == [section]
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # refused, then sent without it


async def test_the_dm_status_is_set_then_cleared_and_its_failure_changes_nothing(
    fake_slack: FakeSlack, redis: Redis, request_id: str
) -> None:
    reply = reply_for(fake_slack, redis, request_id, in_dm=True)
    await reply.start("Reading sales.csv…")
    fake_slack.failing_methods["assistant.threads.setStatus"] = "invalid_thread_ts"
    await reply.say("done")

    statuses = [c.args["status"] for c in fake_slack.calls_to("assistant.threads.setStatus")]
    assert statuses == ["is making your chart…", ""]
    (message,) = fake_slack.messages.values()
    assert message["text"] == "done"


@dataclass
class AnsweringFlow(JobFlow):
    """A job whose work is to answer, and optionally to be stopped right after."""

    stopped_after_answer: bool = False
    runs: int = 0

    async def work(self) -> str:
        self.runs += 1
        await self.thread_reply("1.0", "sales.csv").say("the answer")
        if self.stopped_after_answer:
            raise asyncio.CancelledError
        return "charted"


class SlackOnly(SimpleNamespace):
    """The part of `WorkerDeps` a flow that only talks to Slack uses."""

    async def for_workspace(self, workspace: object) -> SlackOnly:
        return self


def flow_for(slack: FakeSlack, redis: Redis, request_id: str, tmp_path: Path) -> AnsweringFlow:
    settings = Settings(
        slack_bot_token=slack.bot_token, slack_api_url=slack.api_url, workspace_dir=tmp_path
    )
    ctx = {"redis": redis, "deps": SlackOnly(settings=settings, slack=slack_client(settings))}
    return AnsweringFlow(ctx, request_id, "TREPLY", "C1", "U1")


async def test_a_rerun_after_the_answer_was_shown_answers_nothing_twice(
    fake_slack: FakeSlack, redis: Redis, request_id: str, tmp_path: Path
) -> None:
    assert await flow_for(fake_slack, redis, request_id, tmp_path).run() == "charted"
    again = flow_for(fake_slack, redis, request_id, tmp_path)

    assert await again.run() == "already_answered"
    assert again.runs == 0
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


async def test_a_job_stopped_after_its_answer_does_not_take_the_answer_back(
    fake_slack: FakeSlack, redis: Redis, request_id: str, tmp_path: Path
) -> None:
    flow = flow_for(fake_slack, redis, request_id, tmp_path)
    flow.stopped_after_answer = True

    with pytest.raises(asyncio.CancelledError):
        await flow.run()

    (message,) = fake_slack.messages.values()
    assert message["text"] == "the answer"
