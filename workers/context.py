"""Long-lived resources of a worker: made once at start-up, kept in ARQ's `ctx`, closed at exit."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from redis.asyncio import Redis
from slack_sdk.web.async_client import AsyncWebClient

from core import worker_status
from core.logs import get_logger
from core.settings import ProviderName, Settings
from core.slack import slack_client
from core.worker_status import WorkerStatus
from ingest.jail import start_ingest_server
from ingest.limits import IngestLimits
from planner.code_prompt import CODE_PROMPT_VERSION
from planner.llm_planner import LLMPlanner
from planner.prompt import PromptOptions
from providers.factory import make_chain
from render.process import RendererProcess
from sandbox.factory import backend_status, make_executor
from sandbox.guarded import PolicyCheckedExecutor
from workers.answer_cache import AnswerCache
from workers.custom_code import CustomCodeWriter
from workers.data_access import DataAccess
from workers.data_store import DataStore
from workers.pipeline import Pipeline, RenderOptions
from workers.pushdown import PushdownLimits

log = get_logger(__name__)


@dataclass
class WorkerDeps:
    settings: Settings
    slack: AsyncWebClient
    http: aiohttp.ClientSession
    pipeline: Pipeline
    access: DataAccess

    @property
    def bot_token(self) -> str:
        token = self.settings.slack_bot_token
        return token.get_secret_value() if token else ""


def make_deps(settings: Settings, pipeline: Pipeline, redis: Redis) -> WorkerDeps:
    http = aiohttp.ClientSession()
    slack = slack_client(settings, session=http)
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    access = DataAccess(
        slack=slack,
        http=http,
        bot_token=bot_token,
        max_file_bytes=settings.max_file_bytes,
        download_timeout_s=settings.download_timeout_s,
        pipeline=pipeline,
        store=DataStore(redis, settings.thread_data_max_bytes, settings.thread_data_ttl_s),
    )
    return WorkerDeps(settings, slack, http, pipeline, access)


def make_pipeline(
    settings: Settings,
    *,
    redis: Redis | None = None,
    providers: Sequence[ProviderName] | None = None,
) -> Pipeline:
    """The pipeline with the sandbox backend resolved against this machine (blocking: it may
    ask the Docker daemon). With `redis`, answers are cached; `providers` overrides
    `LLM_PROVIDERS` (raises `ProviderNotConfigured` naming a missing setting)."""
    status = backend_status(settings)
    executor = make_executor(settings, status)
    chain = make_chain(settings, providers)
    options = prompt_options(settings)
    checked = PolicyCheckedExecutor(executor) if settings.sandbox_policy else executor
    code_writer = (
        CustomCodeWriter(
            chain,
            executor,  # the writer always runs the policy itself, whatever SANDBOX_POLICY says
            repairs=settings.llm_code_repairs,
            safety_review=settings.llm_safety_review,
            options=options,
        )
        if chain is not None and settings.llm_code
        else None
    )
    return Pipeline(
        executor=checked,
        # Rendering happens in its own jailed process: no secrets, no network.
        renderer=RendererProcess(
            timeout_s=settings.render_timeout_s,
            max_renders=settings.render_max_renders,
            max_memory_mb=settings.render_max_memory_mb,
        ),
        limits=IngestLimits.from_settings(settings),
        render=RenderOptions(
            width_px=settings.chart_width_px,
            height_px=settings.chart_height_px,
            scale=settings.chart_scale,
        ),
        sandbox_warning=status["warning"],
        planner=LLMPlanner(chain, options) if chain is not None else None,
        code_writer=code_writer,
        cache=AnswerCache(redis, settings.plan_cache_ttl_s) if redis is not None else None,
        planner_settings=planner_settings(settings, chain.describe() if chain else "rules"),
        pushdown=PushdownLimits(settings.duckdb_threads, settings.duckdb_memory_mb)
        if settings.aggregate_in_duckdb
        else None,
    )


def prompt_options(settings: Settings) -> PromptOptions:
    return PromptOptions(
        max_columns=settings.llm_max_prompt_columns,
        sample_rows=settings.llm_sample_rows if settings.llm_send_sample_rows else 0,
    )


def planner_settings(settings: Settings, providers: str) -> str:
    """Everything about how answers are made that belongs in the answer cache's key."""
    return "|".join(
        [
            providers,
            prompt_options(settings).fingerprint(),
            f"{CODE_PROMPT_VERSION}:code={settings.llm_code}:repairs={settings.llm_code_repairs}"
            f":review={settings.llm_safety_review}",
            f"size={settings.chart_width_px}x{settings.chart_height_px}@{settings.chart_scale}",
        ]
    )


def make_startup(settings: Settings) -> Any:
    async def startup(ctx: dict[str, Any]) -> None:
        # Resolving the sandbox backend asks the Docker daemon: keep it off the event loop.
        pipeline = await asyncio.to_thread(make_pipeline, settings, redis=ctx["redis"])
        # Start Chromium and the sandbox's warm pool now, so the first chart doesn't pay for it.
        await pipeline.renderer.start()
        await pipeline.executor.start()
        await start_ingest_server()
        ctx["deps"] = make_deps(settings, pipeline, ctx["redis"])
        chain = pipeline.planner.chain.describe() if pipeline.planner is not None else ""
        status = WorkerStatus(
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            sandbox=pipeline.executor.name,
            warning=pipeline.sandbox_warning,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            planner=f"{chain.replace(',', ' → ')} → rules" if chain else "rules",
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
    if deps.pipeline.planner is not None:
        await deps.pipeline.planner.chain.aclose()
