"""Long-lived resources of a worker: made once at start-up, kept in ARQ's `ctx`, closed at exit."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from redis.asyncio import Redis
from slack_sdk.web.async_client import AsyncWebClient

from core import worker_status
from core.logs import get_logger
from core.settings import Settings
from core.slack import slack_client
from core.worker_status import WorkerStatus
from ingest.limits import IngestLimits
from render.process import RendererProcess
from sandbox.factory import backend_status, make_executor
from sandbox.guarded import PolicyCheckedExecutor
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
    """The pipeline with the sandbox backend resolved against this machine (blocking: it may
    ask the Docker daemon)."""
    status = backend_status(settings)
    executor = make_executor(settings, status)
    return Pipeline(
        executor=PolicyCheckedExecutor(executor) if settings.sandbox_policy else executor,
        # Rendering happens in its own jailed process: no secrets, no network.
        renderer=RendererProcess(
            timeout_s=settings.render_timeout_s, max_renders=settings.render_max_renders
        ),
        limits=IngestLimits.from_settings(settings),
        render=RenderOptions(
            width_px=settings.chart_width_px,
            height_px=settings.chart_height_px,
            scale=settings.chart_scale,
        ),
        sandbox_warning=status["warning"],
    )


def make_startup(settings: Settings) -> Any:
    async def startup(ctx: dict[str, Any]) -> None:
        # Resolving the sandbox backend asks the Docker daemon: keep it off the event loop.
        pipeline = await asyncio.to_thread(make_pipeline, settings)
        # Start Chromium and the sandbox's warm pool now, so the first chart doesn't pay for it.
        await pipeline.renderer.start()
        await pipeline.executor.start()
        ctx["deps"] = WorkerDeps(
            settings=settings,
            slack=slack_client(settings),
            http=aiohttp.ClientSession(),
            pipeline=pipeline,
        )
        status = WorkerStatus(
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            sandbox=pipeline.executor.name,
            warning=pipeline.sandbox_warning,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        ctx["heartbeat"] = asyncio.create_task(_heartbeat(ctx["redis"], status))
        log.info("worker ready", sandbox=status.sandbox, queue=settings.queue_name)

    return startup


async def _heartbeat(redis: Redis, status: WorkerStatus) -> None:
    while True:
        try:
            await worker_status.publish(redis, status)
        except Exception:
            log.warning("could not publish worker status", exc_info=True)
        await asyncio.sleep(worker_status.HEARTBEAT_S)


async def shutdown(ctx: dict[str, Any]) -> None:
    heartbeat: asyncio.Task[None] | None = ctx.get("heartbeat")
    if heartbeat is not None:
        heartbeat.cancel()
        with contextlib.suppress(Exception):
            await worker_status.withdraw(ctx["redis"], f"{socket.gethostname()}:{os.getpid()}")
    deps: WorkerDeps | None = ctx.get("deps")
    if deps is None:
        return
    await deps.http.close()
    await deps.pipeline.renderer.aclose()
    await deps.pipeline.executor.aclose()
