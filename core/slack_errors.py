"""Slack Web API failures translated at the seam: callers see `core.errors` types only.

missing_scope                      → SlackPermissionMissing (names the scope Slack says is
                                     needed; retrying cannot help)
not_in_channel, channel_not_found  → NotInChannel (the bot must be invited)
ratelimited, 5xx, dropped calls    → SlackFailed(retryable=True)
anything else                      → SlackFailed(retryable=False)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from core.errors import ChartroomError, NotInChannel, SlackFailed, SlackPermissionMissing

_NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def slack_error_code(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or "unknown_error")


def translate(exc: SlackApiError, doing: str) -> ChartroomError:
    """`doing` says what we were trying to do, in words for the person ("upload the chart")."""
    error = slack_error_code(exc)
    if error == "missing_scope":
        needed = exc.response.get("needed")
        return SlackPermissionMissing(doing, str(needed) if needed else None)
    if error in _NOT_A_MEMBER:
        return NotInChannel(doing)
    details = exc.response.get("errors") or (exc.response.get("response_metadata") or {}).get(
        "messages"
    )
    shown = [str(d)[:300] for d in details[:10]] if isinstance(details, list) else []
    return SlackFailed(doing, error, retryable=error in _TRANSIENT, details=shown)


@contextlib.asynccontextmanager
async def slack_call(doing: str) -> AsyncIterator[None]:
    """Run Slack calls; their failures leave as `core.errors` types, chained to the original."""
    try:
        yield
    except SlackApiError as exc:
        raise translate(exc, doing) from exc
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        raise SlackFailed(doing, type(exc).__name__, retryable=True) from exc
