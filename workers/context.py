"""Long-lived resources of a worker: made once at start-up, kept in ARQ's `ctx`, closed at exit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from core.logs import get_logger
from core.settings import Settings
from core.slack import slack_client
from ingest.limits import IngestLimits
from render.kaleido_renderer import KaleidoRenderer
from sandbox.factory import make_executor
from workers.pipeline import Pipeline, RenderOptions

log = get_logger(__name__)


@dataclass
class WorkerDeps:
    settings: Settings
    slack: AsyncWebClient
    http: aiohttp.ClientSession
    pipeline: Pipeline

    @property
    def bot_token(self) -> str:
        token = self.settings.slack_bot_token
        return token.get_secret_value() if token else ""


def make_pipeline(settings: Settings) -> Pipeline:
    return Pipeline(
        executor=make_executor(settings),
        renderer=KaleidoRenderer(timeout_s=settings.render_timeout_s),
        limits=IngestLimits.from_settings(settings),
        render=RenderOptions(
            width_px=settings.chart_width_px,
            height_px=settings.chart_height_px,
            scale=settings.chart_scale,
        ),
    )


def make_startup(settings: Settings) -> Any:
    async def startup(ctx: dict[str, Any]) -> None:
        pipeline = make_pipeline(settings)
        # Start Chromium now so the first chart doesn't pay for it.
        await pipeline.renderer.start()
        ctx["deps"] = WorkerDeps(
            settings=settings,
            slack=slack_client(settings),
            http=aiohttp.ClientSession(),
            pipeline=pipeline,
        )
        log.info("worker ready", sandbox=pipeline.executor.name, queue=settings.queue_name)

    return startup


async def shutdown(ctx: dict[str, Any]) -> None:
    deps: WorkerDeps | None = ctx.get("deps")
    if deps is None:
        return
    await deps.http.close()
    await deps.pipeline.renderer.aclose()
    await deps.pipeline.executor.aclose()
