"""The App Home (how to use it, the latest charts, what answers) and Slack's AI-app entry
points: suggested prompts when an assistant thread starts, a welcome the first time someone
opens the Messages tab. Every Slack call here is best effort: workspaces without the AI-app
features answer with an error, and nothing else changes."""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core import keys
from core.logs import get_logger
from core.records import recent_answers
from core.worker_status import live_workers
from handlers.dispatch import Dispatcher
from handlers.payloads import team_of
from post import texts
from post.home import home_view

log = get_logger(__name__)

WELCOME_TTL_S = 365 * 24 * 3600


def register_home(app: AsyncApp, dispatcher: Dispatcher) -> None:
    async def no_ack() -> None:
        """Events are acknowledged by Bolt itself."""

    async def opened(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        user = str(event.get("user") or "")
        if event.get("tab") == "messages":
            await _welcome(client, dispatcher, team_of(body, event), user, event.get("channel"))
            return
        if event.get("tab") != "home":
            return
        team = team_of(body, event)
        view = home_view(
            user, await recent_answers(dispatcher.redis, team), await live_workers(dispatcher.redis)
        )
        try:
            await client.views_publish(user_id=user, view=view)
        except SlackApiError as exc:
            log.warning("app home not published", error=exc.response.get("error"))

    async def suggest(event: dict[str, Any], client: AsyncWebClient) -> None:
        thread = event.get("assistant_thread") or {}
        try:
            await client.assistant_threads_setSuggestedPrompts(
                channel_id=str(thread.get("channel_id") or ""),
                thread_ts=str(thread.get("thread_ts") or ""),
                title="Attach a data file, then try:",
                prompts=texts.SUGGESTED_PROMPTS,
            )
        except SlackApiError as exc:
            log.info("suggested prompts not available", error=exc.response.get("error"))

    app.event("app_home_opened")(ack=no_ack, lazy=[opened])
    app.event("assistant_thread_started")(ack=no_ack, lazy=[suggest])


async def _welcome(
    client: AsyncWebClient, dispatcher: Dispatcher, team: str, user: str, channel: Any
) -> None:
    """Example questions, the first time a person opens the Messages tab (and never again)."""
    if not channel or not user:
        return
    first = await dispatcher.redis.set(keys.welcomed(team, user), "1", nx=True, ex=WELCOME_TTL_S)
    if not first:
        return
    try:
        await client.chat_postMessage(channel=str(channel), text=texts.WELCOME)
    except SlackApiError as exc:
        log.info("welcome not posted", error=exc.response.get("error"))
