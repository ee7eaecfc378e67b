"""The buttons under answers and placeholders (`block_actions`).

Slack wants an interaction acknowledged within 3 s: each listener acks first (after enqueueing,
for the buttons that need a worker) and does any Slack call in a lazy listener afterwards.
"""

from __future__ import annotations

import contextlib
from typing import Any, Literal

from arq.jobs import Job, JobStatus
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.feedback import record_vote
from core.logs import get_logger
from core.records import load_answer
from core.request_state import RequestState
from handlers.dispatch import RESTYLE_JOB, SHOW_DATA_JOB, Dispatcher
from handlers.metrics import FEEDBACK
from handlers.payloads import button_request, team_of
from post import texts
from post.answer_actions import read_chart_type_value
from post.blocks import (
    CANCEL_ACTION,
    CHART_TYPE_ACTION,
    FEEDBACK_DOWN_ACTION,
    FEEDBACK_UP_ACTION,
    SHOW_CODE_ACTION,
    SHOW_DATA_ACTION,
    code_blocks,
)
from post.mrkdwn import escape

log = get_logger(__name__)


def register_actions(app: AsyncApp, dispatcher: Dispatcher) -> None:
    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def show_code(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        where = _where(body)
        record = await load_answer(dispatcher.redis, team_of(body), str(action.get("value", "")))
        if record is None:
            await _whisper(client, where, texts.ANSWER_EXPIRED)
            return
        asked = escape(record.question or record.file_name)[:200]
        await _whisper(
            client,
            (record.channel_id, where[1], record.thread_ts),
            f"Code for “{asked}”",
            blocks=code_blocks(record.code),
        )

    async def chart_type(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        chosen = read_chart_type_value(str((action.get("selected_option") or {}).get("value", "")))
        if chosen is not None:
            job = button_request(body, action="restyle", answer_id=chosen[1], chart_type=chosen[0])
            if await dispatcher.enqueue(RESTYLE_JOB, job, job.request_id) == "busy":
                await dispatcher.tell_busy(client, job)
        await ack()

    async def show_data(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        job = button_request(body, action="show_data", answer_id=str(action.get("value", "")))
        if await dispatcher.enqueue(SHOW_DATA_JOB, job, job.request_id) == "busy":
            await dispatcher.tell_busy(client, job)
        await ack()

    def feedback(vote: Literal["up", "down"]) -> Any:
        async def record(
            body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
        ) -> None:
            where = _where(body)
            counted = await record_vote(
                dispatcher.redis, team_of(body), str(action.get("value", "")), where[1], vote
            )
            if counted:
                FEEDBACK.labels(vote=vote).inc()
            await _whisper(client, where, texts.FEEDBACK_THANKS[vote])

        record.__name__ = f"record_feedback_{vote}"  # Bolt tells lazy listeners apart by name
        return record

    async def cancel(body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        where = _where(body)
        request_id = str(action.get("value", ""))
        state = RequestState(dispatcher.redis, team_of(body), request_id)
        asker = await state.get("user_id")
        if asker and asker != where[1]:
            await _whisper(client, where, texts.NOT_YOURS_TO_CANCEL)
            return
        job = Job(request_id, dispatcher.redis, _queue_name=dispatcher.queue_name)
        if await job.status() in (JobStatus.complete, JobStatus.not_found):
            await _whisper(client, where, texts.ALREADY_FINISHED)
            return
        await state.set(cancelled_by=where[1])
        log.info("cancel requested", request_id=request_id, user=where[1])
        # The worker cancels the job's task (allow_abort_jobs) and says so in the thread;
        # waiting for it to finish is not the listener's business.
        with contextlib.suppress(TimeoutError):
            await job.abort(timeout=0, poll_delay=0.05)

    app.action(SHOW_CODE_ACTION)(ack=just_ack, lazy=[show_code])
    app.action(CHART_TYPE_ACTION)(chart_type)
    app.action(SHOW_DATA_ACTION)(show_data)
    app.action(FEEDBACK_UP_ACTION)(ack=just_ack, lazy=[feedback("up")])
    app.action(FEEDBACK_DOWN_ACTION)(ack=just_ack, lazy=[feedback("down")])
    app.action(CANCEL_ACTION)(ack=just_ack, lazy=[cancel])


def _where(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """(channel, user, thread) of a click."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    thread = message.get("thread_ts") or container.get("thread_ts")
    return str(channel), str((body.get("user") or {}).get("id") or ""), thread


async def _whisper(
    client: AsyncWebClient,
    where: tuple[str, str, str | None],
    text: str,
    *,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    channel, user, thread = where
    try:
        await client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread, text=text, blocks=blocks
        )
    except SlackApiError as exc:
        log.warning("ephemeral reply refused", error=exc.response.get("error"))
    except Exception as exc:  # a lazy listener has no one to report to but the log
        log.warning("ephemeral reply failed", error=type(exc).__name__)
