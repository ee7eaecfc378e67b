"""The answer's message in the thread: the placeholder, edited as each stage starts.

The worker posts the placeholder (the Slack app only enqueues) and records its ts per request,
so a re-run of the same job edits the same message instead of posting a second one. While the
job works, the placeholder carries a Cancel button; the final text replaces it. In a DM, Slack's
assistant loading status runs beside it where the workspace offers it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.errors import SlackFailed
from core.logs import get_logger
from core.progress import Stage
from core.request_state import RequestState
from core.slack import without_connection_retries
from core.slack_errors import slack_call, slack_error_code
from post import texts
from post.blocks import CANCEL_ACTION, Block, message_blocks, working_blocks
from post.mrkdwn import escape

log = get_logger(__name__)

NATIVE_CHART_BLOCK = "data_visualization"
OUTBOX_DEADLINE_S = 120.0
OUTBOX_FIRST_DELAY_S = 2.0
OUTBOX_MAX_DELAY_S = 20.0


@dataclass
class ThreadReply:
    client: AsyncWebClient
    state: RequestState
    channel_id: str
    thread_ts: str
    file_name: str = "your file"
    in_dm: bool = False  # DMs get Slack's assistant loading status (where offered)
    _placeholder_ts: str | None = field(default=None, init=False)
    _last_text: str | None = field(default=None, init=False)
    answered: bool = field(default=False, init=False)  # the final word is in the thread
    _poster: AsyncWebClient | None = field(default=None, init=False)

    @property
    def poster(self) -> AsyncWebClient:
        """`client` without blind retries of dropped connections, for posting messages."""
        if self._poster is None:
            self._poster = without_connection_retries(self.client)
        return self._poster

    @property
    def request_id(self) -> str:
        return self.state.request_id

    async def start(self, text: str) -> None:
        """Show that the job has started: the recorded placeholder, or a new one (retried past
        slack_sdk's own budget, like the final word)."""
        blocks = working_blocks(text, self.request_id)
        await self._outbox(text, blocks, doing="reply in this thread")
        await self._assistant_status(text)

    async def stage(self, stage: Stage, *, rows: int | None = None) -> None:
        """Show which stage has started ("Reading sales.csv… 1,200,000 rows" while reading).
        Progress is best effort: a failed edit never fails the job (the final message is
        retried by slack_sdk's own handlers)."""
        text = texts.stage(stage, self.file_name)
        if rows:
            text += f" {rows:,} rows"
        if text == self._last_text:
            return
        try:
            await self._show(text, working_blocks(text, self.request_id), doing="show my progress")
        except Exception as exc:
            log.warning("progress update failed", error=type(exc).__name__)

    async def say(self, text: str, blocks: list[Block] | None = None) -> None:
        """The final word: replaces the placeholder (or is posted when there is none). A native
        chart block Slack refuses (`invalid_blocks`) is dropped and the message sent again."""
        blocks = blocks or message_blocks(text)
        try:
            await self._final(text, blocks)
        except SlackFailed as exc:
            native = [b for b in blocks if b.get("type") == NATIVE_CHART_BLOCK]
            if exc.error != "invalid_blocks" or not native:
                raise
            log.warning(
                "Slack refused the native chart block; sending the message without it",
                errors=exc.details,
            )
            await self._final(text, [b for b in blocks if b.get("type") != NATIVE_CHART_BLOCK])
        self.answered = True
        # A re-run of this job (its worker died after this point) must not answer twice.
        await self.state.set(answered="1")
        await self._assistant_status("")

    async def _final(self, text: str, blocks: list[Block]) -> None:
        await self._outbox(text, blocks, doing="post the answer in this thread")

    async def _outbox(self, text: str, blocks: list[Block], *, doing: str) -> None:
        """Send until Slack takes it: transient failures (429s, 5xx, dropped connections past
        slack_sdk's retries) are tried again with backoff until OUTBOX_DEADLINE_S; then the
        person is told in a fresh message (the placeholder may be what Slack keeps refusing)."""
        deadline = time.monotonic() + OUTBOX_DEADLINE_S
        delay_s = OUTBOX_FIRST_DELAY_S
        while True:
            try:
                await self._show(text, blocks, doing=doing)
                return
            except SlackFailed as exc:
                if not exc.retryable or time.monotonic() + delay_s > deadline:
                    if not exc.retryable or self._placeholder_ts is None:
                        raise
                    break
                log.warning("Slack did not take the message yet", error=exc.error, in_s=delay_s)
            await asyncio.sleep(delay_s)
            delay_s = min(delay_s * 2, OUTBOX_MAX_DELAY_S)
        log.warning("the placeholder could not be edited in time; answering in a fresh message")
        async with slack_call(doing):
            response = await self.poster.chat_postMessage(
                channel=self.channel_id, thread_ts=self.thread_ts, text=escape(text), blocks=blocks
            )
        self._placeholder_ts = str(response["ts"])
        await self.state.set(placeholder_ts=self._placeholder_ts)
        self._last_text = text

    async def _show(self, text: str, blocks: list[Block], *, doing: str) -> None:
        """Edit the placeholder (the one recorded for this request, after a re-run), or post it
        and record it."""
        self._placeholder_ts = self._placeholder_ts or await self.state.get("placeholder_ts")
        if self._placeholder_ts is None and await self.state.get("placeholder_posting"):
            self._placeholder_ts = await self._find_posted_placeholder()
        async with slack_call(doing):
            if self._placeholder_ts is not None:
                await self.client.chat_update(
                    channel=self.channel_id,
                    ts=self._placeholder_ts,
                    text=escape(text),
                    blocks=blocks,
                )
            else:
                # Posted but never recorded (the worker died, or the connection dropped after
                # Slack took it): the next try looks for it in the thread instead of posting again.
                await self.state.set(placeholder_posting="1")
                response = await self.poster.chat_postMessage(
                    channel=self.channel_id,
                    thread_ts=self.thread_ts,
                    text=escape(text),
                    blocks=blocks,
                )
                self._placeholder_ts = str(response["ts"])
                # Where a supervisor tells the person if this worker dies.
                await self.state.set(
                    placeholder_ts=self._placeholder_ts,
                    thread_ts=self.thread_ts,
                    file_name=self.file_name,
                )
        self._last_text = text

    async def _find_posted_placeholder(self) -> str | None:
        """Our placeholder for this request in the thread (its Cancel button carries the
        request id), if an earlier try posted it without recording it."""
        try:
            replies = await self.client.conversations_replies(
                channel=self.channel_id, ts=self.thread_ts, limit=200
            )
        except Exception as exc:  # rate-limited or not allowed: post a new one
            log.warning("could not look for an earlier placeholder", error=type(exc).__name__)
            return None
        for message in replies.get("messages") or []:
            if message.get("bot_id") and _cancels(message.get("blocks"), self.request_id):
                ts = str(message["ts"])
                await self.state.set(placeholder_ts=ts, thread_ts=self.thread_ts)
                log.info("found the placeholder an earlier try posted", ts=ts)
                return ts
        return None

    async def _assistant_status(self, text: str) -> None:
        """Slack's loading status in an AI-app DM; workspaces without it answer with an error,
        which changes nothing for the person (the placeholder says the same)."""
        if not self.in_dm:
            return
        kwargs: dict[str, Any] = {"loading_messages": texts.LOADING_MESSAGES} if text else {}
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=self.channel_id,
                thread_ts=self.thread_ts,
                status=texts.assistant_status() if text else "",
                **kwargs,
            )
        except SlackApiError as exc:
            log.info("assistant status not available here", error=slack_error_code(exc))
        except Exception as exc:
            log.info("assistant status not set", error=type(exc).__name__)


def _cancels(blocks: Any, request_id: str) -> bool:
    """The blocks hold the Cancel button of this request."""
    for block in blocks if isinstance(blocks, list) else []:
        for element in block.get("elements") or [] if isinstance(block, dict) else []:
            if (
                isinstance(element, dict)
                and element.get("action_id") == CANCEL_ACTION
                and element.get("value") == request_id
            ):
                return True
    return False
