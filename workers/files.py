"""Which file a question is about.

    attached data file ─▶ the file remembered for the conversation ─▶ (a thread the bot has not
    seen) the newest data file in it, from conversations.replies ─▶ (/plot) the newest data file
    the person shared in the channel, from files.list

Data files are told from screenshots and documents by Slack's `filetype` and `mimetype` as well
as by name, so a snippet called "Untitled" of type csv counts and a PNG never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_sdk.web.async_client import AsyncWebClient

from core.data_ref import DataRef
from core.errors import NoFileAttached, UnsupportedFileType
from core.request import PlotRequest, SharedFile
from core.slack_errors import slack_call
from core.slack_files import shared_files
from core.thread_state import ThreadState

DATA_EXTENSIONS = ("csv", "tsv", "tab", "txt", "xlsx", "xlsm", "json", "jsonl", "parquet", "pq")
DATA_FILETYPES = frozenset({"csv", "tsv", "xlsx", "json", "parquet", "text"})
DATA_MIMETYPES = frozenset(
    {
        "text/csv",
        "text/tab-separated-values",
        "text/plain",
        "application/csv",
        "application/json",
        "application/x-ndjson",
        "application/vnd.ms-excel",  # browsers label .csv files this way on Windows
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.apache.parquet",
        "application/x-parquet",
    }
)
_NOT_DATA_MIME_PREFIXES = ("image/", "video/", "audio/")
_RECENT_FILES = 20

Origin = Literal["attached", "remembered", "thread", "channel"]


@dataclass(frozen=True)
class FileChoice:
    """The data to chart and where it came from; `skipped` are the other attached files."""

    data: DataRef
    origin: Origin
    skipped: list[str] = field(default_factory=list)


def is_data_file(f: SharedFile) -> bool:
    if f.mimetype.startswith(_NOT_DATA_MIME_PREFIXES):
        return False
    return (
        f.filetype in DATA_FILETYPES
        or f.mimetype in DATA_MIMETYPES
        or _extension(f.name) in DATA_EXTENSIONS
    )


def is_undescribed(f: SharedFile) -> bool:
    """A file the event named by id only; files.info will say what it is."""
    return not (f.name or f.filetype or f.mimetype)


def choose_attached(files: Sequence[SharedFile]) -> tuple[SharedFile | None, list[str]]:
    """The first data file among the attached ones (else the first one Slack did not describe),
    and the names of the others."""
    chosen = next((f for f in files if is_data_file(f)), None)
    if chosen is None:
        chosen = next((f for f in files if is_undescribed(f)), None)
    skipped = [f.name or f.id for f in files if f is not chosen]
    return chosen, skipped


async def find_data_file(
    client: AsyncWebClient,
    request: PlotRequest,
    state: ThreadState | None,
    *,
    sheet: str | None = None,
) -> FileChoice:
    """The data to chart (see the module docstring). `sheet` is a sheet the question asked for.

    Raises `UnsupportedFileType` when only non-data files were attached and nothing is
    remembered, `NoFileAttached` when there is no file at all.
    """
    attached, skipped = choose_attached(request.files)
    if attached is not None:
        return FileChoice(DataRef(file=attached, sheet=sheet), "attached", skipped)
    if state is not None and state.data is not None:
        remembered = state.data
        if sheet is not None:
            remembered = DataRef(file=remembered.file, sheet=sheet)
        return FileChoice(remembered, "remembered")
    if request.files:
        first = request.files[0]
        raise UnsupportedFileType(first.name or "the attached file", _describe(first))
    if request.source == "command":
        found = await _newest_in_channel(client, request)
        origin: Origin = "channel"
    else:
        seen_nowhere = request.is_dm or request.thread_ts is None
        found = None if seen_nowhere else await _newest_in_thread(client, request)
        origin = "thread"
    if found is None:
        raise NoFileAttached()
    return FileChoice(DataRef(file=found, sheet=sheet), origin)


async def _newest_in_thread(client: AsyncWebClient, request: PlotRequest) -> SharedFile | None:
    """Only for a thread the bot has not seen: Slack limits this method to one call a minute
    for apps outside the Marketplace."""
    async with slack_call("look for a data file in this thread"):
        replies = await client.conversations_replies(
            channel=request.channel_id, ts=str(request.thread_ts), limit=200
        )
    messages: list[dict[str, Any]] = list(replies.get("messages") or [])
    for message in reversed(messages):
        if message.get("bot_id"):
            continue
        for f in shared_files(message.get("files")):
            if is_data_file(f):
                return f
    return None


async def _newest_in_channel(client: AsyncWebClient, request: PlotRequest) -> SharedFile | None:
    async with slack_call("look for the data file you shared here"):
        listing = await client.files_list(
            channel=request.channel_id, user=request.user_id, count=_RECENT_FILES
        )
    for f in shared_files(listing.get("files")):
        if is_data_file(f):
            return f
    return None


def _describe(f: SharedFile) -> str:
    if f.mimetype.startswith("image/"):
        return f"an image ({f.filetype.upper() or f.mimetype})"
    return f"a {f.filetype.upper()} file" if f.filetype else "not a data file"


def _extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""
