"""Message events: mentions, DMs, and the asker's replies in threads Chartroom answered.

Each listener only turns the event into a `PlotRequest` and enqueues it; the worker posts
everything the person sees. A reply without a mention is enqueued only in a thread where
Chartroom answered and only from someone who asked there; the worker then drops it silently
unless it reads as a chart request.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from core.forget import forget_conversations
from core.logs import get_logger
from core.request import PlotRequest
from core.thread_state import load_thread
from handlers.dispatch import PLOT_JOB, Dispatcher
from handlers.payloads import (
    is_from_bot,
    is_question_message,
    is_thread_reply,
    mentions,
    request_from_event,
    team_of,
    wants_forget,
)
from post import texts

log = get_logger(__name__)


def register_message_events(app: AsyncApp, dispatcher: Dispatcher) -> None:
    @app.event("app_mention")
    async def on_mention(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if is_from_bot(event, context.bot_user_id):
            return
        request = request_from_event(body, event, bot_user_id=context.bot_user_id, source="mention")
        if wants_forget(request.text):
            await forget_here(context.client, request, in_thread=is_thread_reply(event))
            return
        if await dispatcher.enqueue(PLOT_JOB, request, request.request_id) == "busy":
            await dispatcher.tell_busy(context.client, request)

    async def forget_here(client: AsyncWebClient, request: PlotRequest, *, in_thread: bool) -> None:
        """ "@Chartroom forget" in a thread forgets the thread; at the top of a channel, every
        thread of the channel. Told privately."""
        conversation = request.thread_ts if in_thread else None
        gone = await forget_conversations(
            dispatcher.redis, request.team_id, request.channel_id, conversation
        )
        where = "this thread" if in_thread else "every thread in this channel"
        await client.chat_postEphemeral(
            channel=request.channel_id,
            user=request.user_id,
            thread_ts=request.thread_ts if in_thread else None,
            text=texts.forgotten(gone.conversations, gone.files, gone.answers, where),
        )

    @app.event("message")
    async def on_message(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if is_from_bot(event, context.bot_user_id) or not is_question_message(event):
            return
        if event.get("channel_type") == "im":
            # In a DM everything is for us; the worker tells a question from chatter.
            request = request_from_event(
                body, event, bot_user_id=context.bot_user_id, source="dm", is_dm=True
            )
            if await dispatcher.enqueue(PLOT_JOB, request, request.request_id) == "busy":
                await dispatcher.tell_busy(context.client, request)
            return
        if mentions(str(event.get("text") or ""), context.bot_user_id):
            return  # the same message arrives as app_mention, which answers it
        if not dispatcher.followups_without_mention or not is_thread_reply(event):
            return
        thread = await load_thread(
            dispatcher.redis, team_of(body, event), str(event["channel"]), str(event["thread_ts"])
        )
        if thread is None or not thread.asked_by(str(event.get("user") or "")):
            return  # not a thread we answered, or not the person who asked there
        request = request_from_event(body, event, bot_user_id=context.bot_user_id, source="reply")
        if await dispatcher.enqueue(PLOT_JOB, request, request.request_id) == "busy":
            await dispatcher.tell_busy(context.client, request)
