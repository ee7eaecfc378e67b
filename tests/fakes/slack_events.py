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
    status, _ = await post_form_body(url, fields, signing_secret)
    return status


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


def reply_event(
    text: str,
    *,
    thread_ts: str,
    channel: str = "C0001",
    user: str = "U0001",
    files: list[dict[str, Any]] | None = None,
    channel_type: str = "channel",
) -> dict[str, Any]:
    """A reply in a channel thread, as `message.channels` (or `message.groups`) delivers it."""
    ts = f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": channel_type,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "thread_ts": thread_ts,
        "parent_user_id": user,
    }
    if files:
        event |= {"subtype": "file_share", "files": files}
    return event


def command_fields(
    text: str, *, team_id: str, channel: str, user: str, response_url: str
) -> dict[str, str]:
    """A `/plot` command as Slack posts it (form fields)."""
    return {
        "token": "legacy-verification-token",
        "command": "/plot",
        "text": text,
        "team_id": team_id,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "general" if channel.startswith("C") else "directmessage",
        "user_id": user,
        "user_name": "ana",
        "api_app_id": "A0001",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex[:12]}",
        "response_url": response_url,
    }


def block_action(
    message: dict[str, Any],
    action_id: str,
    *,
    user: str,
    channel: str,
    team_id: str,
    option: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload for pressing a button (or choosing the menu option whose value
    contains `option`) on a message as the fake Slack stored it, in Slack's shape."""
    element, block_id = _element(message, action_id)
    action_ts = f"{time.time():.6f}"
    action: dict[str, Any] = {
        "type": element["type"],
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": action_ts,
    }
    if element["type"] == "button":
        action |= {"text": element["text"], "value": element.get("value", "")}
    else:
        chosen = next(o for o in element["options"] if option and option in o["value"])
        action |= {"selected_option": chosen, "placeholder": element.get("placeholder")}
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "ana", "name": "ana", "team_id": team_id},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": message.get("thread_ts"),
        },
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex[:12]}",
        "team": {"id": team_id, "domain": "fake"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "message": {
            "type": "message",
            "user": "UBOT",
            "bot_id": "BBOT",
            "ts": message["ts"],
            "thread_ts": message.get("thread_ts"),
            "text": message.get("text", ""),
            "blocks": message.get("blocks") or [],
        },
        "state": {"values": {}},
        "actions": [action],
    }


def _element(message: dict[str, Any], action_id: str) -> tuple[dict[str, Any], str]:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element, str(block.get("block_id") or "b")
    raise AssertionError(f"no {action_id!r} element in {message.get('text')!r}")


async def post_form_body(url: str, fields: dict[str, str], signing_secret: str) -> tuple[int, str]:
    """A signed form POST; returns the status and the response body (a command's ack text)."""
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers |= signed_headers(body, signing_secret)
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()
