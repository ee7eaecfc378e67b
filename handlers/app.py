"""The Bolt app: listeners ack at once, turn payloads into requests and hand them to workers.

No pandas, no LLM, no Docker here: everything slow happens in `workers/`.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from core.logs import get_logger
from core.records import load_answer
from handlers.dispatch import Dispatcher
from handlers.payloads import (
    first_file_name,
    is_from_bot,
    is_question_message,
    request_from_command,
    request_from_event,
)
from post import texts
from post.blocks import SHOW_CODE_ACTION, code_blocks

log = get_logger(__name__)


def build_app(
    *,
    client: AsyncWebClient,
    signing_secret: str,
    dispatcher: Dispatcher,
) -> AsyncApp:
    """A Bolt `AsyncApp` with Chartroom's listeners. `client` carries the bot token."""
    app = AsyncApp(client=client, signing_secret=signing_secret, process_before_response=False)

    @app.event("app_mention")
    async def on_mention(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if is_from_bot(event, context.bot_user_id):
            return
        request = request_from_event(body, event, bot_user_id=context.bot_user_id, source="mention")
        await dispatcher.dispatch(context.client, request, first_file_name(event))

    @app.event("message")
    async def on_message(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        # In channels we answer mentions only (they arrive as app_mention too); in a DM every
        # message with a file, or a question, is for us.
        if event.get("channel_type") != "im":
            return
        if is_from_bot(event, context.bot_user_id) or not is_question_message(event):
            return
        request = request_from_event(body, event, bot_user_id=context.bot_user_id, source="dm")
        await dispatcher.dispatch(context.client, request, first_file_name(event))

    @app.command("/plot")
    async def on_plot(
        ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
    ) -> None:
        await ack()
        client = context.client
        try:
            root = await client.chat_postMessage(
                channel=command["channel_id"],
                text=texts.command_asked(command["user_id"], command.get("text", "")),
            )
        except Exception:
            log.exception("could not post the /plot thread root")
            await respond(text=texts.COMMAND_NOT_IN_CHANNEL, response_type="ephemeral")
            return
        request = request_from_command(command, thread_ts=str(root["ts"]))
        await dispatcher.dispatch(client, request, None)

    @app.action(SHOW_CODE_ACTION)
    async def on_show_code(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        record = await load_answer(dispatcher.redis, str(action.get("value", "")))
        channel = str(body.get("channel", {}).get("id") or "")
        user = str(body.get("user", {}).get("id") or "")
        if record is None:
            await context.client.chat_postEphemeral(
                channel=channel, user=user, text=texts.ANSWER_EXPIRED
            )
            return
        await context.client.chat_postEphemeral(
            channel=record.channel_id,
            user=user,
            thread_ts=record.thread_ts,
            text=f"Code for “{record.question or record.file_name}”",
            blocks=code_blocks(record.code),
        )

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tab") != "home":
            return
        await context.client.views_publish(
            user_id=str(event["user"]),
            view={
                "type": "home",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": texts.HOME}}],
            },
        )

    return app
