"""Run the Slack app: Socket Mode when an app token is set, else the HTTP server."""

from __future__ import annotations

import asyncio

from aiohttp import web
from arq import create_pool
from arq.connections import RedisSettings
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from core.logs import get_logger
from core.settings import Settings
from core.slack import slack_client
from handlers.app import build_app
from handlers.dispatch import Dispatcher
from handlers.http import build_web_app

log = get_logger(__name__)


async def serve(settings: Settings) -> None:
    assert settings.slack_signing_secret is not None
    redis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    dispatcher = Dispatcher(
        redis=redis,
        queue_name=settings.queue_name,
        followups_without_mention=settings.followups_without_mention,
    )
    bolt_app = build_app(
        client=slack_client(settings),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        dispatcher=dispatcher,
    )
    # The HTTP server always runs: in Socket Mode it still serves /health and /metrics.
    runner = web.AppRunner(build_web_app(bolt_app, redis), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.http_host, settings.http_port).start()
    log.info("http server listening", host=settings.http_host, port=settings.http_port)
    try:
        if settings.slack_app_token is not None:
            handler = AsyncSocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
            log.info("socket mode connecting")
            await handler.start_async()  # type: ignore[no-untyped-call]
        else:
            await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await redis.aclose()
