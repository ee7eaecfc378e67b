"""ARQ job functions. Arguments are plain data; clients live in `ctx["deps"]`."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any

import structlog

from core.errors import CodeFailed, CodeRefused, CodeTimedOut, UserError
from core.logs import get_logger
from core.records import AnswerRecord, save_answer
from core.request import PlotRequest
from ingest.slack_files import download_slack_file
from post import texts
from post.result_blocks import result_blocks, result_fallback_text
from post.slack import upload_chart
from workers.answer_cache import CacheScope
from workers.context import WorkerDeps
from workers.files import find_data_file
from workers.pipeline import Asker
from workers.reply import ThreadReply
from workers.thread_memory import load_turns, remember_turn

log = get_logger(__name__)

ANSWER_TTL_S = 7 * 24 * 3600


async def plot_job(ctx: dict[str, Any], payload: dict[str, Any]) -> str:
    """Answer one question in its thread. Returns the outcome, for ARQ's result record.

    Every path ends with a message in the thread: a chart, a user error that says how to fix it,
    or an internal failure with the request id (the traceback goes to the log).
    """
    deps: WorkerDeps = ctx["deps"]
    request = PlotRequest.model_validate(payload)
    structlog.contextvars.bind_contextvars(request_id=request.request_id, job_try=ctx["job_try"])
    reply = ThreadReply(deps.slack, request)
    workdir = deps.settings.workspace_dir / _safe_dirname(request.request_id)
    started = time.monotonic()
    try:
        await _answer(ctx, deps, request, reply, workdir)
        outcome = "charted"
    except UserError as exc:
        outcome = "user_error"
        log.info("user error", error=type(exc).__name__)
        await reply.say(texts.user_error(exc.user_message))
    except CodeRefused as exc:
        outcome = "refused"
        log.warning("chart code refused by policy", reasons=exc.reasons)
        await reply.say(texts.user_error(exc.user_message))
    except CodeTimedOut as exc:
        outcome = "timeout"
        log.warning("chart code timed out", limit_s=exc.limit_s)
        await reply.say(texts.code_timed_out(exc.limit_s))
    except CodeFailed as exc:
        outcome = "code_failed"
        log.error("chart code failed", detail=exc.detail[-2000:])
        await reply.say(texts.code_failed(request.request_id))
    except asyncio.CancelledError:
        # ARQ's job timeout, or the worker shutting down: still tell the person.
        log.warning("job cancelled")
        await asyncio.shield(reply.say(texts.internal_failure(request.request_id)))
        raise
    except Exception:
        outcome = "internal_error"
        log.exception("job failed")
        await reply.say(texts.internal_failure(request.request_id))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        structlog.contextvars.clear_contextvars()
    log.info("job done", outcome=outcome, elapsed_s=round(time.monotonic() - started, 3))
    return outcome


async def _answer(
    ctx: dict[str, Any],
    deps: WorkerDeps,
    request: PlotRequest,
    reply: ThreadReply,
    workdir: Path,
) -> None:
    started = time.monotonic()
    file_id = await find_data_file(deps.slack, request)
    workdir.mkdir(parents=True, exist_ok=True)
    downloaded = await download_slack_file(
        deps.slack,
        deps.http,
        file_id,
        workdir,
        bot_token=deps.bot_token,
        max_bytes=deps.settings.max_file_bytes,
        timeout_s=deps.settings.download_timeout_s,
    )
    reply.file_name = downloaded.name
    history, version = await load_turns(ctx["redis"], request)
    asker = Asker(CacheScope(request.team_id, version), history)
    result = await deps.pipeline.run(
        downloaded.path, downloaded.name, request.text, workdir, progress=reply.stage, asker=asker
    )
    await upload_chart(deps.slack, request, result)
    await reply.say(
        result_fallback_text(result),
        blocks=result_blocks(
            result,
            file_name=downloaded.name,
            request_id=request.request_id,
            elapsed_s=time.monotonic() - started,
        ),
    )
    await save_answer(
        ctx["redis"],
        AnswerRecord(
            request_id=request.request_id,
            channel_id=request.channel_id,
            thread_ts=request.thread_ts,
            file_name=downloaded.name,
            question=request.text,
            plan_json=result.plan.model_dump_json(),
            code=result.code,
        ),
        ttl_s=ANSWER_TTL_S,
    )
    await remember_turn(ctx["redis"], request, result.plan)
    log.info(
        "charted",
        planner=result.planned.path,
        model=result.planned.model,
        code_paths=[c.path for c in result.charts],
        cache_hit=result.cache_hit,
        llm_calls=result.usage.calls,
        input_tokens=result.usage.usage.input_tokens,
        output_tokens=result.usage.usage.output_tokens,
        cost_usd=result.usage.cost_usd,
        timings_ms={k: round(v) for k, v in result.timings_ms.items()},
    )


def _safe_dirname(request_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in request_id)[:100]
