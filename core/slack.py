"""The bot's Slack Web API client, made the same way by the app and the workers."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from core.settings import Settings


def without_connection_retries(client: AsyncWebClient) -> AsyncWebClient:
    """The same client for calls that are not idempotent (posting a message): when the
    connection drops after Slack acted on the call, a blind retry would post it twice. The
    caller looks for the first one instead (see `workers.reply`)."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        session=client.session,
        timeout=client.timeout,
        retry_handlers=[
            handler
            for handler in client.retry_handlers
            if not isinstance(handler, AsyncConnectionErrorRetryHandler)
        ],
    )


def slack_client(
    settings: Settings,
    token: str | None = None,
    *,
    session: aiohttp.ClientSession | None = None,
) -> AsyncWebClient:
    """Retries rate limits (honouring Retry-After), 5xx answers and dropped connections.

    `token` is one workspace's bot token; else `SLACK_BOT_TOKEN`, which multi-workspace mode
    (a `SLACK_CLIENT_ID`) never uses: there the client has no token of its own. Pass the
    process's one `session`: without it, slack_sdk opens (and closes) a new HTTP session, with a
    new connection, for every call. The workers do. The Bolt app can't yet: its lazy listeners
    deep-copy the request with its client, and a live session can't be copied.
    """
    if token is None and settings.slack_bot_token is not None and not settings.slack_client_id:
        token = settings.slack_bot_token.get_secret_value()
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )
