"""The end-to-end stack: fake Slack, the real Bolt app over HTTP, a real ARQ worker on the real
local Redis, the real sandbox and Chromium. Test modules start one per module with their own
settings (e.g. an LLM provider pointed at a fake API)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker

from core.logs import configure_logging
from core.settings import Settings
from core.slack import slack_client
from handlers.app import build_app
from handlers.dispatch import Dispatcher
from handlers.http import build_web_app
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_events import event_envelope, mention_event, post_event
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

    async def final_reply(
        self, thread_ts: str, *, channel: str = CHANNEL, timeout_s: float = 90
    ) -> dict[str, Any]:
        """The bot's reply in the thread once it has stopped saying it is working."""

        def done() -> bool:
            replies = self.slack.thread_messages(channel, thread_ts)
            return bool(replies) and not is_progress(replies[-1]["text"])

        await self.slack.wait_for(done, timeout_s)
        return self.slack.thread_messages(channel, thread_ts)[-1]


def is_progress(text: str) -> bool:
    return any(word in text for word in ("Reading", "Planning", "Running the chart", "Drawing"))


@contextlib.asynccontextmanager
async def running_stack(workspace: Path, **settings: Any) -> AsyncIterator[Stack]:
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
        "sandbox_timeout_s": 20,
    }
    config = Settings.model_validate(values | settings)
    redis = await create_pool(RedisSettings.from_dsn(config.redis_url))
    dispatcher = Dispatcher(
        redis=redis,
        queue_name=config.queue_name,
        followups_without_mention=config.followups_without_mention,
    )
    bolt_app = build_app(
        client=slack_client(config), signing_secret=SIGNING_SECRET, dispatcher=dispatcher
    )
    runner = web.AppRunner(build_web_app(bolt_app, redis), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    options = worker_options(config) | {"handle_signals": False, "poll_delay": 0.05}
    worker = Worker(**options)
    worker_task = asyncio.create_task(worker.async_run())
    try:
        yield Stack(slack, f"http://127.0.0.1:{port}/slack/events", redis, config)
    finally:
        await worker.close()
        worker_task.cancel()
        await runner.cleanup()
        await redis.aclose()
        await slack.stop()
