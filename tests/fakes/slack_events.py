"""Send Slack events to the Bolt app the way Slack does: signed HTTP POSTs."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier


def signed_headers(
    body: str, signing_secret: str, *, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def event_envelope(event: dict[str, Any], *, team_id: str = "T0001") -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
    }


def mention_event(
    text: str,
    *,
    files: list[dict[str, Any]] | None = None,
    channel: str = "C0001",
    user: str = "U0001",
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT> {text}",
        "ts": ts or f"{time.time():.6f}",
        "channel": channel,
        "event_ts": ts or f"{time.time():.6f}",
    }
    if files:
        event["files"] = files
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


async def post_event(
    url: str,
    envelope: dict[str, Any],
    signing_secret: str | None,
    *,
    retry_num: int | None = None,
) -> int:
    """POST an event envelope; `signing_secret=None` sends it unsigned. Returns the status."""
    body = json.dumps(envelope)
    headers = {"Content-Type": "application/json"}
    if signing_secret is not None:
        headers |= signed_headers(body, signing_secret)
    if retry_num is not None:
        headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


async def post_form(url: str, fields: dict[str, str], signing_secret: str) -> int:
    """A signed form POST, as Slack sends slash commands and interactivity payloads."""
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers |= signed_headers(body, signing_secret)
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


def dm_event(
    text: str,
    *,
    files: list[dict[str, Any]] | None = None,
    channel: str = "D0001",
    user: str = "U0001",
    bot_id: str | None = None,
) -> dict[str, Any]:
    """A message in the bot's DM, as `message.im` delivers it (a file share when `files`)."""
    ts = f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    if files:
        event |= {"subtype": "file_share", "files": files}
    if bot_id:
        event["bot_id"] = bot_id
    return event
