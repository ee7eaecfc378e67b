"""`/plot`: usage privately for `/plot` and `/plot help`; otherwise a job (the worker finds the
newest data file the person shared in the channel, or tells them privately there is none)."""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from core.forget import forget_conversations
from handlers.dispatch import PLOT_JOB, Dispatcher
from handlers.payloads import command_wants_usage, request_from_command, wants_forget
from post import texts


def register_commands(app: AsyncApp, dispatcher: Dispatcher) -> None:
    @app.command("/plot")
    async def on_plot(ack: AsyncAck, command: dict[str, Any]) -> None:
        if command_wants_usage(command):
            # A command's response body is shown to the caller alone; nothing is posted.
            await ack(text=texts.USAGE, response_type="ephemeral")
            return
        request = request_from_command(command)
        if wants_forget(request.text):
            gone = await forget_conversations(
                dispatcher.redis,
                request.team_id,
                request.channel_id,
                "dm" if request.is_dm else None,
            )
            where = "this conversation" if request.is_dm else "every thread in this channel"
            text = texts.forgotten(gone.conversations, gone.files, gone.answers, where)
            await ack(text=text, response_type="ephemeral")
            return
        if await dispatcher.enqueue(PLOT_JOB, request, request.request_id) == "busy":
            busy = texts.workspace_busy(dispatcher.workspace_max_jobs)
            await ack(text=busy, response_type="ephemeral")
            return
        await ack()
