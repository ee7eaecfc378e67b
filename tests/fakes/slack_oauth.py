"""Slack's OAuth v2 token exchange, for the fake Slack: `oauth.v2.access` with a code (an
install) or a refresh token (token rotation), answered in Slack's wire format.

A test grants an install first (`grant_install`), then drives the browser's side: the app's
`/slack/install` page, and its redirect URL with the code Slack would have sent there.
"""

from __future__ import annotations

import base64
import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import web

TOKEN_LIFETIME_S = 12 * 3600  # Slack's rotating tokens live 12 hours


@dataclass(frozen=True)
class Installed:
    """A workspace (or an org, for an Enterprise Grid org-wide install) that installed the app."""

    team_id: str
    enterprise_id: str | None = None
    org_wide: bool = False
    rotating: bool = False
    lifetime_s: int = TOKEN_LIFETIME_S  # of each rotating token


class OAuthMethods:
    """Mixed into `FakeSlack`, which declares these fields."""

    client_id: str
    client_secret: str
    bot_user_id: str
    grants: dict[str, Installed]  # code → the install it stands for
    installed: dict[str, Installed]  # bot token → whose it is
    refresh_tokens: dict[str, Installed]

    _serial = itertools.count(1)

    def grant_install(
        self,
        team_id: str,
        *,
        enterprise_id: str | None = None,
        org_wide: bool = False,
        rotating: bool = False,
        lifetime_s: int = TOKEN_LIFETIME_S,
    ) -> str:
        """Someone approved the install in Slack: the code Slack sends to the redirect URL."""
        code = f"code-{uuid.uuid4().hex[:12]}"
        self.grants[code] = Installed(team_id, enterprise_id, org_wide, rotating, lifetime_s)
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace uninstalled the app: its tokens stop working."""
        for token, who in list(self.installed.items()):
            if who.team_id == team_id:
                del self.installed[token]

    def oauth_v2_access(self, request: web.Request, args: dict[str, Any]) -> dict[str, Any]:
        client_id, client_secret = _client_credentials(request, args)
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            who = self.refresh_tokens.pop(str(args.get("refresh_token")), None)
            if who is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return self._tokens(who) | {"token_type": "bot"}
        who = self.grants.pop(str(args.get("code")), None)
        if who is None:
            return {"ok": False, "error": "invalid_code"}
        enterprise = {"id": who.enterprise_id, "name": "Org"} if who.enterprise_id else None
        return self._tokens(who) | {
            "token_type": "bot",
            "scope": "app_mentions:read,chat:write,files:read,files:write,commands",
            "bot_user_id": self.bot_user_id,
            "app_id": "AFAKEAPP",
            "team": None if who.org_wide else {"id": who.team_id, "name": who.team_id},
            "enterprise": enterprise,
            "is_enterprise_install": who.org_wide,
            "authed_user": {"id": "UINSTALLER"},
        }

    def _tokens(self, who: Installed) -> dict[str, Any]:
        serial = next(self._serial)
        prefix = "xoxe.xoxb" if who.rotating else "xoxb"
        token = f"{prefix}-{who.team_id}-{serial}-{uuid.uuid4().hex[:8]}"
        self.installed[token] = who
        if not who.rotating:
            return {"ok": True, "access_token": token}
        refresh = f"xoxe-1-{uuid.uuid4().hex}"
        self.refresh_tokens[refresh] = who
        return {
            "ok": True,
            "access_token": token,
            "refresh_token": refresh,
            "expires_in": who.lifetime_s,
            "issued_at": int(time.time()),
        }


def _client_credentials(request: web.Request, args: dict[str, Any]) -> tuple[str, str]:
    """slack_sdk sends them as HTTP basic auth; form fields are accepted too."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password
    return str(args.get("client_id", "")), str(args.get("client_secret", ""))
