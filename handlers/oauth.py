"""Installing Chartroom into many workspaces: Slack's OAuth v2 through Bolt's own flow, and
forgetting a workspace completely when it uninstalls the app or revokes its tokens.

`GET /slack/install` answers with a page carrying Slack's authorize link (and the state cookie);
`GET /slack/oauth_redirect` exchanges the code (`oauth.v2.access`), and Bolt saves the
installation in PostgreSQL through slack_sdk's SQLAlchemy stores (`core.installations`).
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from core import keys
from core.installations import Installations, Workspace
from core.logs import get_logger
from core.settings import Settings
from handlers.payloads import enterprise_of, team_of

log = get_logger(__name__)

# The bot scopes of manifest.yml, and no more (a test keeps the two equal).
BOT_SCOPES = (
    "app_mentions:read",
    "chat:write",
    "files:read",
    "files:write",
    "commands",
    "im:history",
    "channels:history",  # the asker's replies in threads: follow-ups without a mention
    "groups:history",  # the same in private channels
    "assistant:write",  # assistant.threads.setSuggestedPrompts
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def oauth_settings(settings: Settings, installations: Installations) -> AsyncOAuthSettings:
    assert settings.slack_client_id
    assert settings.slack_client_secret is not None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=installations.installation_store,
        installation_store_bot_only=True,
        state_store=installations.state_store,
        state_expiration_seconds=settings.oauth_state_ttl_s,
    )


async def forget_workspace(redis: Redis, installations: Installations, workspace: Workspace) -> int:
    """Delete the workspace's installation (PostgreSQL) and everything kept for it in Redis:
    thread state, kept data, answer records, cached answers, feedback. Returns the keys deleted."""
    await installations.forget(workspace)
    deleted = 0
    batch: list[Any] = []
    async for key in redis.scan_iter(match=keys.workspace_pattern(workspace.team_id), count=500):
        batch.append(key)
        if len(batch) >= 500:
            deleted += await redis.unlink(*batch)
            batch.clear()
    if batch:
        deleted += await redis.unlink(*batch)
    return deleted


def register_uninstall(app: AsyncApp, installations: Installations, redis: Redis) -> None:
    """`app_uninstalled` and `tokens_revoked` (bot tokens): the workspace is forgotten."""

    async def forget(body: dict[str, Any]) -> None:
        workspace = Workspace(team_of(body), **enterprise_of(body))
        deleted = await forget_workspace(redis, installations, workspace)
        log.info("workspace forgotten", team_id=workspace.team_id, redis_keys_deleted=deleted)

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        await forget(body)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await forget(body)
