"""Pure helpers that read Slack payloads into a `PlotRequest`. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.request import PlotRequest

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")

# Message subtypes that are edits, deletions or housekeeping, never a new question.
_IGNORED_SUBTYPES = frozenset(
    {
        "message_changed",
        "message_deleted",
        "message_replied",
        "channel_join",
        "channel_leave",
        "bot_message",
        "thread_broadcast",
    }
)


def question_text(text: str, bot_user_id: str | None) -> str:
    """The question with the bot's own mention removed and whitespace collapsed."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(text.split())


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


def file_ids(event: Mapping[str, Any]) -> list[str]:
    return [str(f["id"]) for f in event.get("files") or [] if isinstance(f, dict) and f.get("id")]


def first_file_name(event: Mapping[str, Any]) -> str | None:
    for f in event.get("files") or []:
        if isinstance(f, dict) and f.get("name"):
            return str(f["name"])
    return None


def request_from_event(
    body: Mapping[str, Any], event: Mapping[str, Any], *, bot_user_id: str | None, source: str
) -> PlotRequest:
    """An app_mention or DM message event as a request; the answer goes to the event's thread."""
    return PlotRequest(
        request_id=str(body.get("event_id") or f"{event.get('channel')}-{event.get('ts')}"),
        source="dm" if source == "dm" else "mention",
        team_id=str(body.get("team_id") or event.get("team") or ""),
        channel_id=str(event["channel"]),
        thread_ts=str(event.get("thread_ts") or event["ts"]),
        user_id=str(event.get("user") or ""),
        text=question_text(str(event.get("text") or ""), bot_user_id),
        file_ids=file_ids(event),
    )


def request_from_command(command: Mapping[str, Any], thread_ts: str) -> PlotRequest:
    """A `/plot` command; the caller has already posted the thread root at `thread_ts`."""
    return PlotRequest(
        request_id=f"cmd-{command['trigger_id']}",
        source="command",
        team_id=str(command.get("team_id") or ""),
        channel_id=str(command["channel_id"]),
        thread_ts=thread_ts,
        user_id=str(command.get("user_id") or ""),
        text=" ".join(str(command.get("text") or "").split()),
    )
