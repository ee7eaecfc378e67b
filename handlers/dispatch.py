"""Hand a request to the workers: one ARQ job, exactly once per Slack event.

The job id is Slack's event id (or the interaction's trigger id). ARQ refuses a second job with
an id it still holds (queued, running, or its result kept for EVENT_DEDUPE_TTL_S), so Slack's
re-deliveries of an event are dropped by the enqueue itself, and nothing is claimed before the
job exists: if Redis cannot take the job, the error reaches Bolt, Slack gets an HTTP 500 and
delivers the event again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from arq.connections import ArqRedis
from slack_sdk.web.async_client import AsyncWebClient

from core import fairness
from core.logs import get_logger
from core.request import ButtonRequest, PlotRequest
from core.settings import Settings
from post import texts

log = get_logger(__name__)

PLOT_JOB = "plot_job"
RESTYLE_JOB = "restyle_job"
SHOW_DATA_JOB = "show_data_job"


@dataclass(frozen=True)
class Dispatcher:
    redis: ArqRedis
    queue_name: str
    followups_without_mention: bool = True
    workspace_max_jobs: int = 0  # queued + running per workspace; 0: no limit
    stale_after_s: float = 3600.0  # an admitted job older than this no longer counts

    @classmethod
    def from_settings(cls, redis: ArqRedis, settings: Settings) -> Dispatcher:
        return cls(
            redis=redis,
            queue_name=settings.queue_name,
            followups_without_mention=settings.followups_without_mention,
            workspace_max_jobs=settings.workspace_max_jobs,
            # No job lives longer than its tries: a dead worker's entry stops counting then.
            stale_after_s=settings.job_timeout_s * settings.job_max_tries + 60.0,
        )

    async def enqueue(
        self, function: str, job: PlotRequest | ButtonRequest, job_id: str
    ) -> Literal["queued", "duplicate", "busy"]:
        """Queue the job: "duplicate" when one with this id already exists (a re-delivery),
        "busy" when its workspace is at its limit (nothing queued: tell the person with
        `tell_busy`). Redis errors propagate: the caller must not acknowledge the event."""
        admitted = await fairness.admit(
            self.redis,
            job.team_id,
            job_id,
            limit=self.workspace_max_jobs,
            stale_after_s=self.stale_after_s,
        )
        if not admitted:
            log.info("workspace at its job limit", request_id=job_id, team_id=job.team_id)
            return "busy"
        queued = await self.redis.enqueue_job(
            function, job.model_dump(mode="json"), _job_id=job_id, _queue_name=self.queue_name
        )
        if queued is None:
            log.info("duplicate delivery dropped", request_id=job_id, function=function)
            return "duplicate"
        log.info("job enqueued", request_id=job_id, function=function)
        return "queued"

    async def tell_busy(self, client: AsyncWebClient, job: PlotRequest | ButtonRequest) -> None:
        """The person whose job was not queued hears why, privately, in the same place."""
        try:
            await client.chat_postEphemeral(
                channel=job.channel_id,
                user=job.user_id,
                thread_ts=job.thread_ts,
                text=texts.workspace_busy(self.workspace_max_jobs),
            )
        except Exception as exc:
            log.warning("could not tell the person the workspace is busy", error=str(exc))
