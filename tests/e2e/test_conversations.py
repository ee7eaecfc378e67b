"""A thread is a conversation, end to end: signed events → the real Bolt app → ARQ on the real
Redis → the real worker, sandbox and renderer → the fake Slack, which records every call.

Follow-ups without a mention, chatter ignored, the file kept for the conversation (no files.info,
no download, no conversations.replies), a DM that keeps its last file, and Slack's AI-app status.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from arq.jobs import Job, JobStatus

from core import keys
from core.data_ref import DataRef
from core.slack_files import shared_file
from tests.e2e.stack import (
    CHANNEL,
    SALES_CSV,
    Stack,
    blocks_of,
    changes_text,
    context_text,
    running_stack,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parents[2]
SLACK_READS = ("files.info", "download", "conversations.replies", "files.list")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("workspace")) as running:
        yield running


async def first_answer(stack: Stack, question: str) -> tuple[str, dict[str, Any]]:
    sales = stack.share("sales.csv", SALES_CSV)
    _, thread = await stack.mention(question, files=[sales])
    return thread, await stack.final_reply(thread)


def reads_since(stack: Stack, mark: int) -> list[str]:
    return [c.method for c in stack.slack.calls[mark:] if c.method in SLACK_READS]


async def test_the_askers_reply_without_a_mention_refines_the_answer_from_the_kept_data(
    stack: Stack,
) -> None:
    thread, first = await first_answer(stack, "total revenue by region")
    assert first["blocks"][0]["type"] == "header"
    mark = len(stack.slack.calls)

    event_id = await stack.reply("make it a line chart by month", thread)
    assert await stack.outcome(event_id) == "charted"
    second = await stack.final_reply(thread, after=1)

    assert second["ts"] != first["ts"]
    assert reads_since(stack, mark) == []  # no files.info, download or conversations.replies
    menu = next(e for e in blocks_of(second, "actions")[0]["elements"] if "options" in e)
    assert menu["initial_option"]["value"].startswith("line|")
    assert len([u for u in stack.slack.uploads.values() if u.thread_ts == thread]) == 4


async def test_chatter_from_the_asker_gets_no_message_at_all(stack: Stack) -> None:
    thread, _ = await first_answer(stack, "revenue by product")
    messages_before = len(stack.bot_replies(thread))
    posts_before = len(stack.slack.calls_to("chat.postMessage"))

    event_id = await stack.reply("thanks, that's great!", thread)

    assert await stack.outcome(event_id) == "ignored"
    assert len(stack.bot_replies(thread)) == messages_before
    assert len(stack.slack.calls_to("chat.postMessage")) == posts_before


async def test_someone_elses_reply_without_a_mention_is_not_even_queued(stack: Stack) -> None:
    thread, _ = await first_answer(stack, "average revenue by region")

    event_id = await stack.reply("only EU", thread, user="U0OTHER")

    job = Job(event_id, stack.redis, _queue_name=stack.settings.queue_name)
    assert await job.status() == JobStatus.not_found


async def test_with_a_mention_anyone_in_the_thread_is_answered(stack: Stack) -> None:
    thread, _ = await first_answer(stack, "total revenue by product")

    await stack.mention("only EU", thread_ts=thread, user="U0OTHER")
    answer = await stack.final_reply(thread, after=1)

    assert answer["blocks"][0]["type"] == "header"
    assert "EU" in " ".join(b["text"]["text"] for b in blocks_of(answer, "section") if "text" in b)


async def test_a_follow_up_after_the_kept_data_expired_downloads_the_file_again(
    stack: Stack,
) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    _, thread = await stack.mention("total revenue by region", files=[sales])
    await stack.final_reply(thread)
    file = shared_file(sales)
    assert file is not None
    ref = DataRef(file=file)
    await stack.redis.delete(keys.data(stack.team_id, ref.identity()))
    await stack.redis.delete(keys.profile(stack.team_id, ref.identity()))
    mark = len(stack.slack.calls)

    event_id = await stack.reply("top 2", thread)

    assert await stack.outcome(event_id) == "charted"
    assert reads_since(stack, mark) == ["files.info", "download"]


async def test_a_dm_keeps_its_last_file_so_a_later_question_needs_no_attachment(
    stack: Stack,
) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    _, first = await stack.dm("revenue by region", files=[sales], channel="D0KEEP")
    await stack.final_reply(first["ts"], channel="D0KEEP")
    mark = len(stack.slack.calls)

    event_id, later = await stack.dm("total revenue by product", channel="D0KEEP")

    assert await stack.outcome(event_id) == "charted"
    answer = await stack.final_reply(later["ts"], channel="D0KEEP")
    assert "product" in answer["blocks"][0]["text"]["text"].lower()
    assert reads_since(stack, mark) == []
    status_calls = [
        c for c in stack.slack.calls_to("assistant.threads.setStatus")
        if c.args.get("channel_id") == "D0KEEP"
    ]  # fmt: skip
    assert status_calls and status_calls[0].args["loading_messages"]
    assert status_calls[-1].args["status"] == ""  # cleared once the answer is there


async def test_a_dm_still_answers_where_slack_offers_no_assistant_status(stack: Stack) -> None:
    stack.slack.failing_methods["assistant.threads.setStatus"] = "invalid_thread_ts"
    try:
        sales = stack.share("sales.csv", SALES_CSV)
        _, event = await stack.dm("revenue by region", files=[sales], channel="D0NOAI")
        answer = await stack.final_reply(event["ts"], channel="D0NOAI")
    finally:
        stack.slack.failing_methods.clear()
    assert answer["blocks"][0]["type"] == "header"


async def test_chatter_in_a_dm_after_a_chart_gets_no_message(stack: Stack) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    _, first = await stack.dm("revenue by product", files=[sales], channel="D0CHAT")
    await stack.final_reply(first["ts"], channel="D0CHAT")

    event_id, thanks = await stack.dm("thanks!", channel="D0CHAT")

    assert await stack.outcome(event_id) == "ignored"
    assert stack.bot_replies(thanks["ts"], channel="D0CHAT") == []


async def test_a_mention_in_a_thread_the_bot_has_not_seen_looks_up_the_thread_once(
    stack: Stack,
) -> None:
    file_id = stack.slack.add_file("sales.csv", SALES_CSV)
    root = "1699999999.000300"
    stack.slack.add_user_message(CHANNEL, root, file_ids=[file_id])
    await stack.mention("revenue by region", thread_ts=root)
    await stack.final_reply(root)
    mark = len(stack.slack.calls)

    await stack.mention("as a pie", thread_ts=root)
    await stack.final_reply(root, after=1)

    assert len(stack.slack.calls_to("conversations.replies")) >= 1
    assert "conversations.replies" not in reads_since(stack, mark)
    assert "Planned by rules" in context_text(stack.bot_replies(root)[-1])


async def test_after_a_question_that_ended_in_a_message_the_askers_reply_still_counts(
    stack: Stack,
) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    _, thread = await stack.mention("profit margin by warehouse", files=[sales])
    assert "couldn't find a column" in (await stack.final_reply(thread))["text"]

    event_id = await stack.reply("total revenue by region", thread)

    assert await stack.outcome(event_id) == "charted"


async def test_a_file_shared_in_the_thread_without_a_question_draws_nothing(
    stack: Stack,
) -> None:
    thread, _ = await first_answer(stack, "total revenue by product")
    replies = len(stack.bot_replies(thread))

    event_id = await stack.reply(
        "here you go", thread, files=[stack.share("export.csv", SALES_CSV)]
    )

    assert await stack.outcome(event_id) == "ignored"
    assert len(stack.bot_replies(thread)) == replies


async def test_the_readme_thread(stack: Stack) -> None:
    """The worked thread in the README's "Conversations", on examples/sales.csv."""
    sales = stack.share("sales.csv", (ROOT / "examples" / "sales.csv").read_bytes())
    _, thread = await stack.mention("total revenue by product", files=[sales])
    first = await stack.final_reply(thread)
    assert chart_type(first) == "bar"
    steps = [
        ("only EU", "bar", "filtered to region is EU"),
        ("top 3", "bar", "top 3"),
        ("make it a pie", "pie", "as a pie chart"),
        ("same for units", "pie", "showing units instead"),
    ]
    for turn, (text, expected_type, change) in enumerate(steps, start=1):
        event_id = await stack.reply(text, thread)
        assert await stack.outcome(event_id) == "charted", text
        answer = await stack.final_reply(thread, after=turn)
        assert chart_type(answer) == expected_type, text
        assert change in changes_text(answer), text
    assert await stack.outcome(await stack.reply("thanks, looks right", thread)) == "ignored"


def chart_type(answer: dict[str, Any]) -> str:
    menu = next(e for e in blocks_of(answer, "actions")[0]["elements"] if "options" in e)
    return str(menu["initial_option"]["value"].split("|")[0])
