"""Fetch a file someone shared in Slack: files.info, then a size-capped streamed download.

slack_sdk and aiohttp errors stop here; callers see only `core.errors` types:

    FileNotReadable            Slack refused (deleted file, no access, bad token, login page...)
     └── SlackUnavailable      Slack didn't answer in time or had a server error; a retry may work
    FileTooLarge               reported or streamed size over the limit (partial file removed)

The bot token only ever goes to Slack's own hosts (or the host of the client's `base_url`, which is
how tests point the client at a local fake), and is never logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from core.errors import FileNotReadable, FileTooLarge

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_DISPLAY_NAME_CHARS = 120
UNKNOWN_NAME = "the attached file"
_SLACK_HOSTS = ("slack.com", "slack-gov.com")
_HTML_STARTS = (b"<!doctype html", b"<html")
_SAFE_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")
_SAFE_ID = re.compile(r"[^A-Za-z0-9]")
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

# Slack's `error` codes from files.info, in words for the person who shared the file.
_SLACK_ERRORS = {
    "file_not_found": "it wasn't found; it may have been deleted, or shared where I can't see it",
    "file_deleted": "it was deleted",
    "not_in_channel": "I'm not in the channel it was shared in",
    "channel_not_found": "I can't see the channel it was shared in",
    "access_denied": "I don't have access to it",
    "no_permission": "I don't have access to it",
    "missing_scope": "my Slack app lacks the files:read permission; ask an admin to add it",
    "invalid_auth": "my Slack credentials were refused; ask an admin to check my token",
    "not_authed": "my Slack credentials were refused; ask an admin to check my token",
    "token_revoked": "my Slack credentials were revoked; ask an admin to reinstall me",
    "token_expired": "my Slack credentials expired; ask an admin to reinstall me",
    "account_inactive": "my Slack app was deactivated; ask an admin to reinstall me",
}
_TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}
)


class SlackUnavailable(FileNotReadable):
    """Slack didn't answer in time or had a server-side failure; the job may retry."""


@dataclass(frozen=True)
class DownloadedFile:
    """A file on disk, as Slack described it.

    Attributes:
        path: where it was written (a fixed name inside `dest_dir`, never the person's name).
        name: the person's file name, cleaned for display (no control or bidi characters).
        filetype: Slack's `filetype` ("csv", "xlsx"...), lower case.
        mimetype: Slack's `mimetype`.
        size_bytes: bytes written.
    """

    path: Path
    name: str
    filetype: str
    mimetype: str
    size_bytes: int


async def download_slack_file(
    client: AsyncWebClient,
    session: aiohttp.ClientSession,
    file_id: str,
    dest_dir: Path,
    *,
    bot_token: str,
    max_bytes: int,
    timeout_s: float,
) -> DownloadedFile:
    """Download one Slack file into `dest_dir`, refusing anything over `max_bytes`.

    Args:
        client: Slack Web API client (for files.info).
        session: HTTP session for the download itself.
        file_id: the Slack file id ("F0123...").
        dest_dir: the job's workspace; created if missing.
        bot_token: sent as a Bearer token to Slack's file host only.
        max_bytes: largest file accepted; checked against Slack's size and while streaming.
        timeout_s: limit for the whole download.

    Raises:
        FileNotReadable: Slack would not give us the file (SlackUnavailable: try again later).
        FileTooLarge: the file is over `max_bytes`.
    """
    info = await _file_info(client, file_id)
    name = display_name(str(info.get("name") or info.get("title") or UNKNOWN_NAME))
    filetype = str(info.get("filetype") or "").lower()
    reported = info.get("size")
    if isinstance(reported, int) and reported > max_bytes:
        raise FileTooLarge(name, reported, max_bytes)
    if info.get("is_external"):
        raise FileNotReadable(name, "it's a link to a file stored outside Slack; upload the file")
    url = info.get("url_private_download") or info.get("url_private")
    if not isinstance(url, str) or not url:
        raise FileNotReadable(name, "Slack gave no download link for it")
    if not _may_send_token(url, client.base_url):
        raise FileNotReadable(name, "its download link doesn't point at Slack")

    await asyncio.to_thread(dest_dir.mkdir, parents=True, exist_ok=True)
    path = dest_dir / f"slack-{_SAFE_ID.sub('', file_id)[:40] or 'file'}{_suffix(name)}"
    is_html = filetype in ("html", "htm") or _suffix(name) in (".html", ".htm")
    try:
        size = await _stream_to(
            session, url, path, name, bot_token=bot_token, max_bytes=max_bytes,
            timeout_s=timeout_s, is_html=is_html,
        )  # fmt: skip
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return DownloadedFile(
        path=path,
        name=name,
        filetype=filetype,
        mimetype=str(info.get("mimetype") or ""),
        size_bytes=size,
    )


def display_name(name: str) -> str:
    """`name` safe to show in Slack: one line, no hidden characters, no `<...>` mentions."""
    name = unicodedata.normalize("NFC", name)
    name = _HIDDEN.sub("", name).replace("<", "‹").replace(">", "›").strip()
    if len(name) > MAX_DISPLAY_NAME_CHARS:
        name = name[: MAX_DISPLAY_NAME_CHARS - 1] + "…"
    return name or UNKNOWN_NAME


async def _file_info(client: AsyncWebClient, file_id: str) -> dict[str, Any]:
    try:
        response = await client.files_info(file=file_id)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        logger.info("files.info refused %s: %s", file_id, error)
        if error in _TRANSIENT_ERRORS:
            raise SlackUnavailable(UNKNOWN_NAME, "Slack is busy; try again in a minute") from exc
        reason = _SLACK_ERRORS.get(error, f"Slack answered `{_SAFE_ID.sub('', error)[:40]}`")
        raise FileNotReadable(UNKNOWN_NAME, reason) from exc
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        raise SlackUnavailable(UNKNOWN_NAME, "I couldn't reach Slack; try again") from exc
    info = response.get("file")
    if not isinstance(info, dict):
        raise FileNotReadable(UNKNOWN_NAME, "Slack sent no details for it")
    return info


async def _stream_to(
    session: aiohttp.ClientSession,
    url: str,
    path: Path,
    name: str,
    *,
    bot_token: str,
    max_bytes: int,
    timeout_s: float,
    is_html: bool,
) -> int:
    """Stream `url` into `path`; the caller deletes `path` if this raises."""
    headers = {"Authorization": f"Bearer {bot_token}"}
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    written = 0
    head = b""
    try:
        async with session.get(url, headers=headers, timeout=timeout) as response:
            _check_response(response, name, max_bytes, is_html)
            handle = await asyncio.to_thread(_open_for_writing, path)
            try:
                async for chunk in response.content.iter_chunked(CHUNK_BYTES):
                    written += len(chunk)
                    if written > max_bytes:
                        # Content-Length can be missing or wrong: the stream is what counts.
                        raise FileTooLarge(name, None, max_bytes)
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    await asyncio.to_thread(handle.write, chunk)
            finally:
                await asyncio.to_thread(handle.close)
    except TimeoutError as exc:
        raise SlackUnavailable(name, f"the download took longer than {timeout_s:g} s") from exc
    except aiohttp.ClientError as exc:
        raise SlackUnavailable(name, "the download was cut off; try again") from exc
    if not is_html and head.lstrip().lower().startswith(_HTML_STARTS):
        raise FileNotReadable(name, "Slack sent a sign-in page instead of the file")
    return written


def _check_response(
    response: aiohttp.ClientResponse, name: str, max_bytes: int, is_html: bool
) -> None:
    status = response.status
    if status >= 500 or status == 429:
        raise SlackUnavailable(name, f"Slack's file server answered HTTP {status}")
    if status in (401, 403):
        raise FileNotReadable(name, "Slack refused me access to it")
    if status == 404 or status == 410:
        raise FileNotReadable(name, "it is no longer on Slack")
    if status != 200:
        raise FileNotReadable(name, f"Slack's file server answered HTTP {status}")
    if "html" in response.content_type and not is_html:
        # A wrong or missing token gets Slack's sign-in page, with status 200.
        raise FileNotReadable(name, "Slack sent a sign-in page instead of the file")
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise FileTooLarge(name, declared, max_bytes)


def _open_for_writing(path: Path) -> IO[bytes]:
    return path.open("wb")


def _suffix(name: str) -> str:
    """The lower-case extension (".csv") when it is plain letters and digits, else ""."""
    _, dot, ext = name.rpartition(".")
    ext = ext.lower()
    return f".{ext}" if dot and _SAFE_EXTENSION.match(ext) else ""


def _may_send_token(url: str, api_base_url: str) -> bool:
    parts, api = urlsplit(url), urlsplit(api_base_url)
    host = (parts.hostname or "").lower()
    if host and host == (api.hostname or "").lower() and parts.scheme == api.scheme:
        return True
    on_slack = any(host == h or host.endswith("." + h) for h in _SLACK_HOSTS)
    return parts.scheme == "https" and on_slack
