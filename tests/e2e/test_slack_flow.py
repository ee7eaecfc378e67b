"""End to end on real parts: signed events → real Bolt app over HTTP → real ARQ worker on the real
local Redis → real sandbox and Chromium → the fake Slack Web API, which records what users see.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.e2e.stack import (
    CHANNEL,
    SALES_CSV,
    SIGNING_SECRET,
    Stack,
    running_stack,
)
from tests.fakes.slack_events import (
    dm_event,
    event_envelope,
    mention_event,
    post_event,
    post_form,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("workspace")) as running:
        yield running


async def test_a_mention_with_a_csv_becomes_a_chart_in_the_thread(stack: Stack) -> None:
    sales = stack.share("sales.csv", SALES_CSV)

    _, thread = await stack.mention("total revenue by region", files=[sales])
    final = await stack.final_reply(thread)

    placeholder = stack.slack.calls_to("chat.postMessage")[0].args
    assert placeholder["thread_ts"] == thread
    assert "Reading sales.csv" in placeholder["text"]
    shown = [*final["history"], final["text"]]
    for stage_word in ("Planning", "Running the chart code", "Drawing"):
        assert any(stage_word in text for text in shown), f"no progress text for {stage_word}"
    png = next(u for u in stack.slack.uploads.values() if u.filename == "chart.png")
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert 10_000 < len(png.data) < 5_000_000
    assert png.channel == CHANNEL and png.thread_ts == thread
    assert png.title and "revenue" in png.title.lower()
    assert png.alt_txt and "region" in png.alt_txt
    html = next(u for u in stack.slack.uploads.values() if u.filename == "chart.html")
    assert b"plotly" in html.data.lower()
    blocks = final["blocks"]
    assert blocks[0]["type"] == "header"
    sentence = next(b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b)
    assert "revenue" in sentence and "region" in sentence
    rows = SALES_CSV.count(b"\n") - 1
    assert f"{rows:,} of {rows:,} rows" in sentence


async def test_unsigned_requests_are_rejected(stack: Stack) -> None:
    envelope = event_envelope(mention_event("revenue by region", channel=CHANNEL))
    assert await post_event(stack.events_url, envelope, None) == 401
    assert await post_event(stack.events_url, envelope, "wrong-secret") == 401


async def test_a_retried_delivery_makes_no_second_job(stack: Stack) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    event = mention_event("revenue by product", channel=CHANNEL, files=[sales])
    envelope = event_envelope(event)

    assert await post_event(stack.events_url, envelope, SIGNING_SECRET) == 200
    assert await post_event(stack.events_url, envelope, SIGNING_SECRET, retry_num=1) == 200
    await stack.final_reply(event["ts"])
    await asyncio.sleep(0.5)

    placeholders = [
        c
        for c in stack.slack.calls_to("chat.postMessage")
        if c.args.get("thread_ts") == event["ts"]
    ]
    assert len(placeholders) == 1
    uploads = [u for u in stack.slack.uploads.values() if u.thread_ts == event["ts"]]
    assert len([u for u in uploads if u.filename == "chart.png"]) == 1


@pytest.mark.parametrize(
    ("name", "content", "extra", "expected"),
    [
        ("notes.pdf", b"%PDF-1.7\n%binary", {}, "I can't chart *notes.pdf*"),
        ("big.csv", b"a,b\n" + b"1,2\n" * 300_000, {}, "over my 1.0 MB limit"),
        ("empty.csv", b"", {}, "no data rows"),
        ("junk.csv", b"\x00\x01\x02\xff\xfe" * 400, {}, "junk.csv"),
        ("sales.csv", SALES_CSV, {"serve_login_page": True}, "Slack wouldn't give me"),
    ],
    ids=["unsupported-type", "over-size-limit", "empty", "binary-named-csv", "login-page"],
)
async def test_file_problems_get_a_clear_reply(
    stack: Stack, name: str, content: bytes, extra: dict[str, Any], expected: str
) -> None:
    shared = stack.share(name, content, **extra)
    _, thread = await stack.mention("revenue by region", files=[shared])
    final = await stack.final_reply(thread)
    assert expected in final["text"]
    assert "Traceback" not in final["text"]


async def test_a_mention_without_a_file_says_how_to_attach_one(stack: Stack) -> None:
    _, thread = await stack.mention("revenue by region")
    final = await stack.final_reply(thread)
    assert "Attach a" in final["text"]


async def test_a_mention_inside_a_thread_uses_the_file_shared_there(stack: Stack) -> None:
    file_id = stack.slack.add_file("sales.csv", SALES_CSV)
    root_ts = "1699999999.000100"
    stack.slack.add_user_message(CHANNEL, root_ts, file_ids=[file_id])
    _, thread = await stack.mention("revenue by product", thread_ts=root_ts)
    final = await stack.final_reply(thread)
    assert final["blocks"][0]["type"] == "header"


async def test_a_question_naming_no_column_lists_the_columns(stack: Stack) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    _, thread = await stack.mention("profit margin by warehouse", files=[sales])
    final = await stack.final_reply(thread)
    assert "couldn't find a column" in final["text"]
    for column in ("date", "region", "product", "revenue"):
        assert f"`{column}`" in final["text"]


async def test_the_worker_keeps_serving_after_a_bad_file(stack: Stack) -> None:
    junk = stack.share("junk.csv", b"\x00" * 5000)
    good = stack.share("sales.csv", SALES_CSV)
    _, bad_thread = await stack.mention("revenue", files=[junk])
    _, good_thread = await stack.mention("revenue by region", files=[good])
    assert "junk.csv" in (await stack.final_reply(bad_thread))["text"]
    assert (await stack.final_reply(good_thread))["blocks"][0]["type"] == "header"


async def test_plot_command_charts_the_last_file_shared_in_the_channel(stack: Stack) -> None:
    stack.slack.add_file("sales.csv", SALES_CSV)
    status = await post_form(
        stack.events_url,
        {
            "command": "/plot",
            "text": "revenue by region",
            "team_id": stack.team_id,
            "channel_id": CHANNEL,
            "user_id": "U0001",
            "trigger_id": uuid.uuid4().hex,
            "response_url": f"{stack.slack.url}/respond",
        },
        SIGNING_SECRET,
    )
    assert status == 200
    await stack.slack.wait_for(
        lambda: any("asked for a chart" in m["text"] for m in stack.slack.messages.values())
    )
    root = next(
        ts for (_, ts), m in stack.slack.messages.items() if "asked for a chart" in m["text"]
    )
    final = await stack.final_reply(root)
    assert final["blocks"][0]["type"] == "header"


async def test_show_code_button_posts_the_code_to_the_person(stack: Stack, tmp_path: Path) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    event_id, thread = await stack.mention("average revenue by product", files=[sales])
    final = await stack.final_reply(thread)
    button = next(e for e in final["blocks"][-1]["elements"] if e.get("action_id") == "show_code")
    payload = {
        "type": "block_actions",
        "team": {"id": stack.team_id},
        "user": {"id": "U0002"},
        "channel": {"id": CHANNEL},
        "container": {"type": "message", "message_ts": final["ts"], "channel_id": CHANNEL},
        "trigger_id": "123.456",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "value": button["value"],
                "block_id": "b",
                "action_ts": "1.2",
            }
        ],
        "response_url": f"{stack.slack.url}/respond",
    }
    status = await post_form(stack.events_url, {"payload": json.dumps(payload)}, SIGNING_SECRET)
    assert status == 200
    await stack.slack.wait_for(lambda: bool(stack.slack.calls_to("chat.postEphemeral")))
    ephemeral = stack.slack.calls_to("chat.postEphemeral")[-1].args
    assert ephemeral["user"] == "U0002"
    code = ephemeral["blocks"][0]["text"]["text"]
    assert "fig" in code and "'revenue'" in code
    assert button["value"] == event_id


async def test_a_file_sent_in_a_dm_is_charted_in_the_dm(stack: Stack) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    event = dm_event("revenue by product", files=[sales])
    assert await post_event(stack.events_url, event_envelope(event), SIGNING_SECRET) == 200
    final = await stack.final_reply(event["ts"], channel=event["channel"])
    assert final["blocks"][0]["type"] == "header"
    assert any(u.channel == event["channel"] for u in stack.slack.uploads.values())


async def test_messages_from_bots_are_never_answered(stack: Stack) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    from_bot_dm = dm_event("revenue by region", files=[sales], bot_id="B0OTHER")
    from_bot_mention = mention_event("revenue by region", channel=CHANNEL, files=[sales])
    from_bot_mention["bot_id"] = "B0OTHER"
    for event in (from_bot_dm, from_bot_mention):
        assert await post_event(stack.events_url, event_envelope(event), SIGNING_SECRET) == 200
    await asyncio.sleep(1.5)
    answered = {c.args.get("thread_ts") for c in stack.slack.calls_to("chat.postMessage")}
    assert from_bot_dm["ts"] not in answered
    assert from_bot_mention["ts"] not in answered


async def test_an_internal_failure_gives_the_request_id_and_logs_the_traceback(
    stack: Stack, capfd: pytest.CaptureFixture[str]
) -> None:
    sales = stack.share("sales.csv", SALES_CSV)
    stack.slack.failing_methods["files.completeUploadExternal"] = "internal_error"
    try:
        event_id, thread = await stack.mention("revenue by region", files=[sales])
        final = await stack.final_reply(thread)
    finally:
        stack.slack.failing_methods.clear()
    assert f"request id `{event_id}`" in final["text"]
    assert "Traceback" not in final["text"]
    logged = "".join(capfd.readouterr())
    failure = next(line for line in logged.splitlines() if "job failed" in line)
    assert event_id in failure
    assert "Traceback" in logged
    assert stack.slack.bot_token not in logged


async def test_health_shows_redis_and_the_sandbox_each_worker_uses(stack: Stack) -> None:
    health_url = stack.events_url.replace("/slack/events", "/health")
    ours: dict[str, Any] | None = None
    async with aiohttp.ClientSession() as session:
        for _ in range(240):  # the worker publishes its status once its start-up is done
            async with session.get(health_url) as response:
                assert response.status == 200
                body = await response.json()
            assert body["redis"] == "ok"
            mine = [w for w in body["workers"] if w["worker_id"].endswith(f":{os.getpid()}")]
            if mine:
                ours = mine[0]
                break
            await asyncio.sleep(0.25)
    assert ours is not None, "the worker never published its status"
    # The test machine has Docker and the sandbox image (scripts/test.sh makes sure of it), so
    # `auto` must have chosen Docker, with no fallback warning.
    assert ours["sandbox"] == "docker"
    assert ours["warning"] is None


async def test_metrics_count_slack_requests_by_status(stack: Stack) -> None:
    unsigned = event_envelope(mention_event("revenue", channel=CHANNEL))
    assert await post_event(stack.events_url, unsigned, None) == 401
    metrics_url = stack.events_url.replace("/slack/events", "/metrics")
    async with aiohttp.ClientSession() as session, session.get(metrics_url) as response:
        text = await response.text()
    assert 'chartroom_slack_requests_total{status="401"}' in text
