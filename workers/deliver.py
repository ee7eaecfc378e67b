"""The last steps of every chart job: upload, remember, show the answer, remember the turn.

The answer record, the turn and the thread state are saved before the message that carries the
buttons, so a button pressed (or a follow-up sent) the moment the answer appears finds them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core import metrics
from core.data_ref import DataRef
from core.logs import get_logger
from core.records import AnswerRecord, save_answer
from core.thread_state import ThreadState, load_thread
from post.chart_data import chart_table
from post.native_chart import native_chart_block
from post.result_blocks import result_blocks, result_fallback_text
from post.slack import upload_chart
from workers.answer import ChartResult
from workers.flow import JobFlow
from workers.reply import ThreadReply
from workers.restyle import fitting_chart_types
from workers.thread_memory import Conversation, remember_asker, remember_turn

log = get_logger(__name__)


@dataclass(frozen=True)
class Delivery:
    """Where the answer goes and what it answers."""

    where: Conversation
    thread_ts: str
    user_id: str
    question: str
    data: DataRef | None
    file_name: str
    is_dm: bool = False
    notes: tuple[str, ...] = ()


async def deliver(
    flow: JobFlow, reply: ThreadReply, delivery: Delivery, result: ChartResult, started: float
) -> None:
    deps, redis = flow.deps, flow.redis
    settings = deps.settings
    channel_id, request_id = delivery.where.channel_id, flow.request_id
    # Recorded per request: a re-run after the worker died here doesn't upload a second set.
    uploaded = await flow.state.get("uploaded")
    if uploaded is None:
        file_ids = await upload_chart(
            deps.slack,
            channel_id,
            delivery.thread_ts,
            result,
            plotlyjs=deps.settings.html_plotlyjs,
        )
        await flow.state.set(uploaded=",".join(file_ids) or "-")
    else:
        log.info("charts already uploaded by an earlier try", file_ids=uploaded)
    primary = result.primary
    await save_answer(
        redis,
        AnswerRecord(
            request_id=request_id,
            team_id=delivery.where.team_id,
            channel_id=channel_id,
            thread_ts=delivery.thread_ts,
            user_id=delivery.user_id,
            file_name=delivery.file_name,
            question=delivery.question,
            title=primary.spec.title,
            chart_type=primary.spec.chart_type,
            plan_json=result.plan.model_dump_json(),
            code=result.code,
            data=delivery.data,
            chart_data=chart_table(
                primary.figure,
                x_name=primary.spec.x or "x",
                y_name=primary.spec.y
                if primary.spec.aggregate != "count" and primary.spec.y
                else "count",
            ),
        ),
        is_dm=delivery.is_dm,
        ttl_s=settings.record_ttl_s,
    )
    blocks = result_blocks(
        result,
        file_name=delivery.file_name,
        request_id=request_id,
        elapsed_s=time.monotonic() - started,
        notes=delivery.notes,
        chart_types=fitting_chart_types(primary.spec, result.profile),
        native_chart=settings.slack_native_charts,
    )
    await remember_turn(
        redis, delivery.where, delivery.question, result.plan, ttl_s=settings.thread_ttl_s
    )
    where = delivery.where
    thread = await load_thread(redis, where.team_id, where.channel_id, where.conversation_id)
    updated = ThreadState.updated(thread, delivery.user_id, delivery.data, request_id)
    await remember_asker(redis, where, updated, ttl_s=settings.thread_ttl_s)
    # Last, so that a follow-up sent the moment the answer shows finds the thread ready.
    await reply.say(result_fallback_text(result), blocks=blocks)
    metrics.charted(result.timings_ms, cache_hit=result.cache_hit)
    log.info(
        "charted",
        planner=result.planned.path,
        model=result.planned.model,
        code_paths=[c.path for c in result.charts],
        cache_hit=result.cache_hit,
        redrawn=result.redrawn,
        native_chart=settings.slack_native_charts
        and native_chart_block(primary.spec, primary.figure) is not None,
        llm_calls=result.usage.calls,
        input_tokens=result.usage.usage.input_tokens,
        output_tokens=result.usage.usage.output_tokens,
        cost_usd=result.usage.cost_usd,
        timings_ms={k: round(v) for k, v in result.timings_ms.items()},
    )
