"""The end-to-end stack: fake Slack, the real Bolt app over HTTP, a real ARQ worker on the real
local Redis, the real sandbox and Chromium. Test modules start one per module with their own
settings (e.g. an LLM provider pointed at a fake API)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.jobs import Job

from core.installations import Installations
from core.logs import configure_logging
from core.settings import Settings
from core.slack import slack_client
from handlers.app import build_app
from handlers.dispatch import Dispatcher
from handlers.http import build_web_app
from handlers.oauth import oauth_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_events import (
    block_action,
    command_fields,
    dm_event,
    event_envelope,
    mention_event,
    post_event,
    post_form,
    post_form_body,
    reply_event,
)
from workers.arq_worker import ResilientWorker
from workers.settings import worker_options

SIGNING_SECRET = "test-signing-secret"
CHANNEL = "C0001"
SALES_CSV = b"date,region,product,revenue\n" + b"".join(
    f"2024-{m:02d}-{d:02d},{r},{p},{(m * 37 + d * 11 + len(r) * 5 + len(p)) % 500 + 50}\n".encode()
    for m in range(1, 13)
    for d in (3, 17)
    for r in ("EU", "US", "APAC")
    for p in ("Widget", "Gadget")
)


@dataclass
class Stack:
    slack: FakeSlack
    events_url: str
    redis: ArqRedis
    settings: Settings
    # A fresh workspace id per stack: answers cached in the shared Redis by an earlier run of
    # the suite must not answer this one.
    team_id: str = field(default_factory=lambda: f"T{uuid.uuid4().hex[:10].upper()}")

    def share(self, name: str, content: bytes, **kwargs: Any) -> dict[str, Any]:
        """A file as it appears attached to an event."""
        return self.slack.file_object(self.slack.add_file(name, content, **kwargs))

    async def mention(
        self, text: str, *, team_id: str | None = None, **kwargs: Any
    ) -> tuple[str, str]:
        """@mention the bot; returns (event id, thread ts)."""
        event = mention_event(text, channel=CHANNEL, **kwargs)
        envelope = event_envelope(event, team_id=team_id or self.team_id)
        assert await post_event(self.events_url, envelope, SIGNING_SECRET) == 200
        return envelope["event_id"], event.get("thread_ts") or event["ts"]

    async def reply(self, text: str, thread_ts: str, *, user: str = "U0001", **kwargs: Any) -> str:
        """A reply in a channel thread, without a mention, as `message.channels` delivers it;
        returns the event id."""
        event = reply_event(text, thread_ts=thread_ts, channel=CHANNEL, user=user, **kwargs)
        envelope = event_envelope(event, team_id=self.team_id)
        assert await post_event(self.events_url, envelope, SIGNING_SECRET) == 200
        return str(envelope["event_id"])

    async def dm(self, text: str, **kwargs: Any) -> tuple[str, dict[str, Any]]:
        """A message in the bot's DM; returns (event id, event)."""
        event = dm_event(text, **kwargs)
        envelope = event_envelope(event, team_id=self.team_id)
        assert await post_event(self.events_url, envelope, SIGNING_SECRET) == 200
        return str(envelope["event_id"]), event

    async def click(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        user: str = "U0001",
        option: str | None = None,
        channel: str = CHANNEL,
    ) -> int:
        """Press a button (or pick a menu option whose value contains `option`) on a message
        the bot posted, with Slack's `block_actions` payload."""
        payload = block_action(
            message, action_id, user=user, option=option, channel=channel, team_id=self.team_id
        )
        payload["response_url"] = self.slack.response_url("action")
        return await post_form(self.events_url, {"payload": json.dumps(payload)}, SIGNING_SECRET)

    async def command(
        self, text: str, *, user: str = "U0001", channel: str = CHANNEL
    ) -> tuple[int, str]:
        """`/plot text`; returns the HTTP status and body (what the caller alone sees)."""
        fields = command_fields(
            text,
            team_id=self.team_id,
            channel=channel,
            user=user,
            response_url=self.slack.response_url("cmd"),
        )
        return await post_form_body(self.events_url, fields, SIGNING_SECRET)

    async def outcome(self, job_id: str, timeout_s: float = 90) -> Any:
        """What the worker's job returned ("charted", "ignored"…)."""
        job = Job(job_id, self.redis, _queue_name=self.settings.queue_name)
        return await job.result(timeout=timeout_s, poll_delay=0.1)

    def bot_replies(self, thread_ts: str, *, channel: str = CHANNEL) -> list[dict[str, Any]]:
        return self.slack.thread_messages(channel, thread_ts)

    async def final_reply(
        self, thread_ts: str, *, channel: str = CHANNEL, timeout_s: float = 90, after: int = 0
    ) -> dict[str, Any]:
        """The bot's reply in the thread (the first after `after` earlier ones) once it has
        stopped saying it is working."""

        def done() -> bool:
            replies = self.slack.thread_messages(channel, thread_ts)
            return len(replies) > after and not is_progress(replies[-1]["text"])

        await self.slack.wait_for(done, timeout_s)
        return self.slack.thread_messages(channel, thread_ts)[-1]


def is_progress(text: str) -> bool:
    return any(word in text for word in ("Reading", "Planning", "Running the chart", "Drawing"))


def blocks_of(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [b for b in message.get("blocks") or [] if b.get("type") == kind]


def changes_text(message: dict[str, Any]) -> str:
    """What a redraw or follow-up changed: the section right under the header, or ""."""
    blocks = message.get("blocks") or []
    if len(blocks) < 2 or blocks[1].get("type") != "section":
        return ""
    text = str(blocks[1].get("text", {}).get("text", ""))
    return text if text.startswith("*Same chart,*") else ""


def context_text(message: dict[str, Any]) -> str:
    return " ".join(e.get("text", "") for b in blocks_of(message, "context") for e in b["elements"])


@contextlib.asynccontextmanager
async def running_app(
    workspace: Path,
    *,
    redis_url: str | None = None,
    database_url: str | None = None,
    **settings: Any,
) -> AsyncIterator[Stack]:
    """The fake Slack and the real Bolt app over HTTP, with no worker: what the app alone does.
    `redis_url` points the app's queue somewhere else (e.g. at a port nothing listens on);
    `database_url` turns on multi-workspace mode (OAuth installs kept in that database)."""
    configure_logging(level="INFO", fmt="console")  # as `bot.py` does: with the secret mask
    slack = FakeSlack()
    await slack.start()
    values: dict[str, Any] = {
        "slack_bot_token": slack.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.api_url,
        "queue_name": f"chartroom:test:{uuid.uuid4().hex}",
        "workspace_dir": workspace,
        "max_file_mb": 1,
        "worker_metrics_port": 0,  # the suite's workers share this process's registry
        # Generous: the suite shares 2 cores with other work, and a chart run that times out
        # under load would fail a test about something else.
        "sandbox_timeout_s": 60,
    }
    if database_url is not None:
        values |= {
            "slack_client_id": slack.client_id,
            "slack_client_secret": slack.client_secret,
            "slack_authorize_url": f"{slack.url}/oauth/v2/authorize",
            "database_url": database_url,
        }
    config = Settings.model_validate(values | settings)
    installations = Installations(config) if database_url is not None else None
    if installations is not None:
        await installations.create_tables()
    redis = await create_pool(RedisSettings.from_dsn(config.redis_url))
    queue = redis if redis_url is None else ArqRedis.from_url(redis_url, socket_connect_timeout=1)
    dispatcher = Dispatcher.from_settings(queue, config)
    bolt_app = build_app(
        client=slack_client(config),
        signing_secret=SIGNING_SECRET,
        dispatcher=dispatcher,
        oauth=oauth_settings(config, installations) if installations else None,
        installations=installations,
    )
    web_app = build_web_app(
        bolt_app, redis, queue_name=config.queue_name, installations=installations
    )
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield Stack(slack, f"http://127.0.0.1:{port}/slack/events", redis, config)
    finally:
        await runner.cleanup()
        if queue is not redis:
            await queue.aclose()
        await redis.aclose()
        if installations is not None:
            await installations.aclose()
        await slack.stop()


@contextlib.asynccontextmanager
async def running_stack(workspace: Path, **settings: Any) -> AsyncIterator[Stack]:
    """The app, plus a real ARQ worker on the same queue (sandbox, renderer, the lot)."""
    async with running_app(workspace, **settings) as stack:
        options = worker_options(stack.settings) | {"handle_signals": False}
        worker = ResilientWorker(**options)
        worker_task = asyncio.create_task(worker.async_run())
        try:
            yield stack
        finally:
            await worker.close()
            worker_task.cancel()
