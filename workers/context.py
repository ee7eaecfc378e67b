"""Long-lived resources of a worker: made once at start-up, kept in ARQ's `ctx`, closed at exit."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
from prometheus_client import start_http_server
from redis.asyncio import Redis
from slack_sdk.web.async_client import AsyncWebClient

from core import worker_status
from core.errors import SandboxUnavailable
from core.installations import BotTokens, Workspace, bot_tokens
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
from sandbox.executor import Executor
from sandbox.factory import backend_status, make_executor
from sandbox.fallback import FallbackExecutor, UnavailableExecutor
from sandbox.guarded import PolicyCheckedExecutor
from workers.answer_cache import AnswerCache
from workers.arq_worker import RedisLink
from workers.custom_code import CustomCodeWriter
from workers.data_access import DataAccess
from workers.data_store import DataStore
from workers.pipeline import Pipeline, RenderOptions
from workers.pushdown import PushdownLimits
from workers.supervisor import Supervisor

log = get_logger(__name__)


@dataclass
class WorkerDeps:
    settings: Settings
    slack: AsyncWebClient
    http: aiohttp.ClientSession
    pipeline: Pipeline
    access: DataAccess
    tokens: BotTokens

    @property
    def bot_token(self) -> str:
        return self.access.bot_token

    async def for_workspace(self, workspace: Workspace) -> WorkerDeps:
        """These resources with the workspace's own bot token (the same ones in
        single-workspace mode). Raises `WorkspaceNotInstalled`."""
        token = await self.tokens.token_for(workspace)
        if token == self.access.bot_token:
            return self
        slack = slack_client(self.settings, token, session=self.http)
        return replace(self, slack=slack, access=replace(self.access, slack=slack, bot_token=token))


def make_deps(settings: Settings, pipeline: Pipeline, redis: Redis) -> WorkerDeps:
    http = aiohttp.ClientSession()
    slack = slack_client(settings, session=http)
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if settings.slack_client_id:
        bot_token = ""  # multi-workspace: every job resolves its team's token
    access = DataAccess(
        slack=slack,
        http=http,
        bot_token=bot_token,
        max_file_bytes=settings.max_file_bytes,
        download_timeout_s=settings.download_timeout_s,
        pipeline=pipeline,
        store=DataStore(redis, settings.thread_data_max_bytes, settings.thread_data_ttl_s),
    )
    return WorkerDeps(settings, slack, http, pipeline, access, bot_tokens(settings))


def make_pipeline(
    settings: Settings,
    *,
    redis: Redis | None = None,
    providers: Sequence[ProviderName] | None = None,
    serve_without_sandbox: bool = False,
) -> Pipeline:
    """The pipeline with the sandbox backend resolved against this machine (blocking: it may
    ask the Docker daemon). With `redis`, answers are cached; `providers` overrides
    `LLM_PROVIDERS` (raises `ProviderNotConfigured` naming a missing setting).
    `serve_without_sandbox`: when SANDBOX_BACKEND=docker and Docker does not answer, a pipeline
    whose every run fails with the reason (a worker that stays up and reports not-ready)
    instead of `SandboxUnavailable`."""
    executor: Executor
    try:
        status = backend_status(settings)
        executor = make_executor(settings, status)
    except SandboxUnavailable as exc:
        if not serve_without_sandbox:
            raise
        log.error("no sandbox: this worker cannot draw charts", detail=str(exc))
        status = {"backend": "docker", "warning": f"not ready: {exc}"}
        executor = UnavailableExecutor(str(exc))
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
        pipeline = await asyncio.to_thread(
            make_pipeline, settings, redis=ctx["redis"], serve_without_sandbox=True
        )
        # Start Chromium and the sandbox's warm pool now, so the first chart doesn't pay for it.
        await pipeline.renderer.start()
        await pipeline.executor.start()
        await start_ingest_server()
        _serve_metrics(settings)
        ctx["deps"] = make_deps(settings, pipeline, ctx["redis"])
        chain = pipeline.planner.chain.describe() if pipeline.planner is not None else ""
        status = WorkerStatus(
            worker_id=worker_status.this_worker(),
            sandbox=pipeline.executor.name,
            warning=pipeline.sandbox_warning,
            ready=pipeline.executor.name != UnavailableExecutor.name,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            planner=f"{chain.replace(',', ' → ')} → rules" if chain else "rules",
        )
        ctx["heartbeat"] = asyncio.create_task(_heartbeat(ctx, status))
        supervisor = Supervisor(ctx["redis"], settings, ctx["deps"].tokens, name=status.worker_id)
        ctx["supervisor"] = asyncio.create_task(supervisor.run())
        log.info("worker ready", sandbox=status.sandbox, queue=settings.queue_name)

    return startup


def _serve_metrics(settings: Settings) -> None:
    if not settings.worker_metrics_port:
        return
    try:
        start_http_server(settings.worker_metrics_port, addr=settings.http_host)
    except OSError as exc:
        log.warning(
            "worker metrics not served: port taken",
            port=settings.worker_metrics_port,
            error=str(exc),
        )


async def _heartbeat(ctx: dict[str, Any], status: WorkerStatus) -> None:
    link: RedisLink | None = ctx.get("redis_link")
    while True:
        try:
            if link is not None:
                status.redis = link.describe()
            pipeline: Pipeline | None = getattr(ctx.get("deps"), "pipeline", None)
            if pipeline is not None:
                status.sandbox = pipeline.executor.name
                status.warning = sandbox_warning(pipeline)
            await worker_status.publish(ctx["redis"], status)
        except Exception:
            log.warning("could not publish worker status", exc_info=True)
        await asyncio.sleep(worker_status.HEARTBEAT_S)


def sandbox_warning(pipeline: Pipeline) -> str | None:
    """Why chart code doesn't run where SANDBOX_BACKEND says, now (Docker may go away)."""
    executor = getattr(pipeline.executor, "inner", pipeline.executor)
    if isinstance(executor, FallbackExecutor) and executor.warning:
        return executor.warning
    return pipeline.sandbox_warning


async def shutdown(ctx: dict[str, Any]) -> None:
    supervisor: asyncio.Task[None] | None = ctx.get("supervisor")
    if supervisor is not None:
        supervisor.cancel()
    heartbeat: asyncio.Task[None] | None = ctx.get("heartbeat")
    if heartbeat is not None:
        heartbeat.cancel()
        with contextlib.suppress(Exception):
            await worker_status.withdraw(ctx["redis"], worker_status.this_worker())
    deps: WorkerDeps | None = ctx.get("deps")
    if deps is None:
        return
    await deps.http.close()
    await deps.tokens.aclose()
    await deps.pipeline.renderer.aclose()
    await deps.pipeline.executor.aclose()
    if deps.pipeline.planner is not None:
        await deps.pipeline.planner.chain.aclose()
