"""Which Slack file a request is about."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.errors import FileNotReadable, NoFileAttached
from core.request import PlotRequest

DATA_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".parquet", ".pq")
_RECENT_FILES = 20


async def find_data_file(client: AsyncWebClient, request: PlotRequest) -> str:
    """The id of the file to chart.

    Files attached to the message come first. A mention without a file inside a thread uses the
    newest file shared in that thread; `/plot` uses the newest data file the person shared in
    the channel. Raises `NoFileAttached` when there is none.
    """
    if request.file_ids:
        return request.file_ids[0]
    try:
        if request.source == "command":
            found = await _newest_in_channel(client, request)
        else:
            found = await _newest_in_thread(client, request)
    except SlackApiError as exc:
        raise FileNotReadable("the file", str(exc.response.get("error", "unknown error"))) from exc
    if found is None:
        raise NoFileAttached()
    return found


async def _newest_in_thread(client: AsyncWebClient, request: PlotRequest) -> str | None:
    replies = await client.conversations_replies(
        channel=request.channel_id, ts=request.thread_ts, limit=200
    )
    messages: list[dict[str, Any]] = list(replies.get("messages") or [])
    for message in reversed(messages):
        if message.get("bot_id"):
            continue
        for f in message.get("files") or []:
            if _is_data_file(f):
                return str(f["id"])
    return None


async def _newest_in_channel(client: AsyncWebClient, request: PlotRequest) -> str | None:
    listing = await client.files_list(
        channel=request.channel_id, user=request.user_id, count=_RECENT_FILES
    )
    for f in listing.get("files") or []:
        if _is_data_file(f):
            return str(f["id"])
    return None


def _is_data_file(f: dict[str, Any]) -> bool:
    return bool(f.get("id")) and str(f.get("name", "")).lower().endswith(DATA_EXTENSIONS)
