"""The answer's message in the thread: the placeholder, edited as each stage starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.logs import get_logger
from core.progress import Stage
from core.request import PlotRequest
from post import texts
from post.blocks import message_blocks
from post.mrkdwn import escape

log = get_logger(__name__)


@dataclass
class ThreadReply:
    client: AsyncWebClient
    request: PlotRequest
    file_name: str = "your file"
    _last_text: str | None = field(default=None, init=False)

    async def stage(self, stage: Stage, *, rows: int | None = None) -> None:
        """Show which stage has started ("Reading sales.csv… 1,200,000 rows" while reading).
        Progress is best effort: a failed edit never fails the job (the final message is
        retried by slack_sdk's own handlers)."""
        text = texts.stage(stage, self.file_name)
        if rows:
            text += f" {rows:,} rows"
        try:
            await self.say(text)
        except SlackApiError as exc:
            log.warning("progress update failed", error=exc.response.get("error"))

    async def say(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace the placeholder (or post a reply when there is none)."""
        if text == self._last_text and blocks is None:
            return
        if self.request.placeholder_ts:
            await self.client.chat_update(
                channel=self.request.channel_id,
                ts=self.request.placeholder_ts,
                text=escape(text),
                blocks=blocks or message_blocks(text),
            )
        else:
            response = await self.client.chat_postMessage(
                channel=self.request.channel_id,
                thread_ts=self.request.thread_ts,
                text=escape(text),
                blocks=blocks or message_blocks(text),
            )
            self.request = self.request.model_copy(update={"placeholder_ts": response["ts"]})
        self._last_text = text
