"""Pure helpers that read Slack payloads into requests. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.request import ButtonAction, ButtonRequest, PlotRequest, Source
from core.slack_files import shared_files

# Message subtypes that are edits, deletions or housekeeping, never a new question. A reply
# also sent to the channel ("thread_broadcast") is still a reply.
_IGNORED_SUBTYPES = frozenset(
    {
        "message_changed",
        "message_deleted",
        "message_replied",
        "channel_join",
        "channel_leave",
        "bot_message",
        "assistant_app_thread",
    }
)
_JOB_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def question_text(text: str, bot_user_id: str | None) -> str:
    """The question with the bot's own mention removed and whitespace collapsed."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(text.split())


def mentions(text: str, user_id: str | None) -> bool:
    return (
        bool(user_id) and re.search(rf"<@{re.escape(str(user_id))}(?:\|[^>]*)?>", text) is not None
    )


def is_from_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """True for messages by any bot, including ours: we never answer bots."""
    return bool(
        event.get("bot_id")
        or event.get("subtype") == "bot_message"
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def is_question_message(event: Mapping[str, Any]) -> bool:
    """A plain message or a file share (not an edit, deletion or join notice)."""
    return event.get("subtype") not in _IGNORED_SUBTYPES


def is_thread_reply(event: Mapping[str, Any]) -> bool:
    thread_ts = event.get("thread_ts")
    return bool(thread_ts) and thread_ts != event.get("ts")


def file_ids(event: Mapping[str, Any]) -> list[str]:
    return [f.id for f in shared_files(event.get("files"))]


def team_of(body: Mapping[str, Any], event: Mapping[str, Any] | None = None) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or (event or {}).get("team") or "")


def enterprise_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """The Enterprise Grid fields of a payload (events, commands and interactions spell them
    differently), as keyword arguments of a request."""
    enterprise = body.get("enterprise_id") or (body.get("enterprise") or {}).get("id")
    org_wide = body.get("is_enterprise_install")
    if org_wide is None:
        org_wide = any(a.get("is_enterprise_install") for a in body.get("authorizations") or [])
    return {
        "enterprise_id": str(enterprise) if enterprise else None,
        "enterprise_install": org_wide in (True, "true"),
    }


def request_from_event(
    body: Mapping[str, Any],
    event: Mapping[str, Any],
    *,
    bot_user_id: str | None,
    source: Source,
    is_dm: bool = False,
) -> PlotRequest:
    """A message event as a request; the answer goes to the event's thread."""
    return PlotRequest(
        request_id=str(body.get("event_id") or f"{event.get('channel')}-{event.get('ts')}"),
        source=source,
        team_id=team_of(body, event),
        **enterprise_of(body),
        channel_id=str(event["channel"]),
        thread_ts=str(event.get("thread_ts") or event["ts"]),
        user_id=str(event.get("user") or ""),
        text=question_text(str(event.get("text") or ""), bot_user_id),
        files=shared_files(event.get("files")),
        is_dm=is_dm,
    )


def request_from_command(command: Mapping[str, Any]) -> PlotRequest:
    """A `/plot` command; the worker posts the thread root once it has found the file."""
    return PlotRequest(
        request_id=job_id("cmd", str(command["trigger_id"])),
        source="command",
        team_id=str(command.get("team_id") or ""),
        **enterprise_of(command),
        channel_id=str(command["channel_id"]),
        thread_ts=None,
        user_id=str(command.get("user_id") or ""),
        text=" ".join(str(command.get("text") or "").split()),
        is_dm=str(command.get("channel_name") or "") == "directmessage",
        response_url=str(command.get("response_url") or "") or None,
    )


FORGET_WORDS = frozenset({"forget", "forget this", "forget this thread", "forget everything"})


def wants_forget(text: str) -> bool:
    """ "/plot forget", "@Chartroom forget this thread": delete what is kept here."""
    return " ".join(text.lower().split()).rstrip(".!") in FORGET_WORDS


def command_wants_usage(command: Mapping[str, Any]) -> bool:
    """`/plot`, `/plot help`, `/plot ?`: the usage, privately, and nothing else."""
    text = " ".join(str(command.get("text") or "").lower().split())
    return text in ("", "help", "?", "-h", "--help", "usage")


def button_request(
    body: Mapping[str, Any], *, action: ButtonAction, answer_id: str, chart_type: str | None = None
) -> ButtonRequest:
    """A `block_actions` click on an answer's button or menu, as a job of its own."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    thread_ts = (
        message.get("thread_ts") or container.get("thread_ts") or container.get("message_ts")
    )
    return ButtonRequest(
        request_id=job_id(action, str(body.get("trigger_id") or body.get("action_ts") or "")),
        action=action,
        team_id=team_of(body),
        **enterprise_of(body),
        channel_id=str(channel or ""),
        thread_ts=str(thread_ts or ""),
        user_id=str((body.get("user") or {}).get("id") or ""),
        answer_id=answer_id,
        chart_type=chart_type,
    )


def job_id(kind: str, unique: str) -> str:
    return f"{kind}-{_JOB_ID_UNSAFE.sub('_', unique)[:120]}"
