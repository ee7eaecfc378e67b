"""Where each workspace's bot token comes from.

Single-workspace mode (no `SLACK_CLIENT_ID`): the one `SLACK_BOT_TOKEN`. Multi-workspace mode:
the installations Bolt's OAuth flow saved in PostgreSQL through slack_sdk's SQLAlchemy stores,
looked up per team (or per enterprise for an org-wide install) and refreshed before they expire
when token rotation is on. Workers resolve the token here from the team in the job; a job never
carries a token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.errors import ChartroomError
from core.settings import Settings

# Refresh a rotating token when it has less than this left (Slack's tokens live 12 hours).
ROTATE_MINUTES_BEFORE_EXPIRY = 30


class WorkspaceNotInstalled(ChartroomError):
    """A job for a workspace with no installation (uninstalled, or never installed)."""


@dataclass(frozen=True)
class Workspace:
    """Who a job is for: the team, and the enterprise of an org-wide (Enterprise Grid) install."""

    team_id: str
    enterprise_id: str | None = None
    enterprise_install: bool = False


class BotTokens(Protocol):
    async def token_for(self, workspace: Workspace) -> str: ...

    async def aclose(self) -> None: ...


class SingleWorkspaceToken:
    """`SLACK_BOT_TOKEN` for every job: the app serves one workspace."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token_for(self, workspace: Workspace) -> str:
        return self._token

    async def aclose(self) -> None:
        return None


class Installations:
    """The OAuth installation and state stores in PostgreSQL (tables created on start)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.slack_client_id or settings.database_url is None:
            raise ValueError("multi-workspace mode needs SLACK_CLIENT_ID and DATABASE_URL")
        self.engine: AsyncEngine = create_async_engine(
            settings.database_url.get_secret_value(), pool_pre_ping=True
        )
        self.installation_store = AsyncSQLAlchemyInstallationStore(
            client_id=settings.slack_client_id, engine=self.engine
        )
        self.state_store = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=settings.oauth_state_ttl_s, engine=self.engine
        )

    async def create_tables(self) -> None:
        await self.installation_store.create_tables()  # type: ignore[no-untyped-call]
        await self.state_store.create_tables()  # type: ignore[no-untyped-call]

    async def forget(self, workspace: Workspace) -> None:
        """Delete the workspace's installation and bot rows (uninstalled, tokens revoked)."""
        enterprise = workspace.enterprise_id
        team = None if workspace.enterprise_install else workspace.team_id
        await self.installation_store.async_delete_all(enterprise_id=enterprise, team_id=team)

    async def aclose(self) -> None:
        await self.engine.dispose()


class InstalledTokens:
    """Bot tokens from the installation store, rotated (and saved) when close to expiry."""

    def __init__(self, installations: Installations, settings: Settings) -> None:
        self.installations = installations
        self.rotator: AsyncTokenRotator | None = None
        if settings.slack_token_rotation and settings.slack_client_secret is not None:
            assert settings.slack_client_id is not None
            self.rotator = AsyncTokenRotator(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret.get_secret_value(),
                client=AsyncWebClient(base_url=settings.slack_api_url),
            )

    async def token_for(self, workspace: Workspace) -> str:
        store = self.installations.installation_store
        bot = await store.async_find_bot(
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            is_enterprise_install=workspace.enterprise_install,
        )
        if bot is None or not bot.bot_token:
            raise WorkspaceNotInstalled(f"no installation for team {workspace.team_id}")
        if self.rotator is not None and bot.bot_refresh_token:
            rotated = await self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
            if rotated is not None:
                await store.async_save_bot(rotated)
                bot = rotated
        return str(bot.bot_token)

    async def aclose(self) -> None:
        await self.installations.aclose()


def bot_tokens(settings: Settings) -> BotTokens:
    """The token source this deployment uses (see the module docstring)."""
    if settings.slack_client_id:
        return InstalledTokens(Installations(settings), settings)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    return SingleWorkspaceToken(token)
