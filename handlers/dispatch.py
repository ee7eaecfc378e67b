"""Turn a request into a placeholder reply and an ARQ job, exactly once per Slack event."""

from __future__ import annotations

from dataclasses import dataclass

from arq.connections import ArqRedis
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.logs import get_logger
from core.request import PlotRequest
from post import texts

log = get_logger(__name__)

JOB_FUNCTION = "plot_job"


@dataclass(frozen=True)
class Dispatcher:
    redis: ArqRedis
    queue_name: str
    dedupe_ttl_s: int

    async def claim(self, request_id: str) -> bool:
        """True the first time a request id is seen. Slack re-delivers events it thinks we missed
        (X-Slack-Retry-Num); the second delivery must not post or enqueue anything."""
        key = f"chartroom:seen:{request_id}"
        return bool(await self.redis.set(key, "1", nx=True, ex=self.dedupe_ttl_s))

    async def dispatch(
        self, client: AsyncWebClient, request: PlotRequest, file_name: str | None
    ) -> None:
        if not await self.claim(request.request_id):
            log.info("duplicate delivery dropped", request_id=request.request_id)
            return
        placeholder = await client.chat_postMessage(
            channel=request.channel_id,
            thread_ts=request.thread_ts,
            text=texts.placeholder(file_name),
        )
        request = request.model_copy(update={"placeholder_ts": placeholder["ts"]})
        try:
            job = await self.redis.enqueue_job(
                JOB_FUNCTION,
                request.model_dump(mode="json"),
                _job_id=request.request_id,
                _queue_name=self.queue_name,
            )
        except Exception:
            log.exception("enqueue failed", request_id=request.request_id)
            await _tell(client, request, texts.internal_failure(request.request_id))
            raise
        # ARQ refuses a job id it already holds: a second guard behind `claim`.
        log.info(
            "request enqueued",
            request_id=request.request_id,
            source=request.source,
            enqueued=job is not None,
            files=len(request.file_ids),
        )


async def _tell(client: AsyncWebClient, request: PlotRequest, text: str) -> None:
    if request.placeholder_ts is None:
        return
    try:
        await client.chat_update(channel=request.channel_id, ts=request.placeholder_ts, text=text)
    except SlackApiError:
        log.exception("could not tell the user", request_id=request.request_id)
