"""Hand a request to the workers: one ARQ job, exactly once per Slack event.

The job id is Slack's event id (or the interaction's trigger id). ARQ refuses a second job with
an id it still holds (queued, running, or its result kept for EVENT_DEDUPE_TTL_S), so Slack's
re-deliveries of an event are dropped by the enqueue itself, and nothing is claimed before the
job exists: if Redis cannot take the job, the error reaches Bolt, Slack gets an HTTP 500 and
delivers the event again.
"""

from __future__ import annotations

from dataclasses import dataclass

from arq.connections import ArqRedis
from pydantic import BaseModel

from core.logs import get_logger

log = get_logger(__name__)

PLOT_JOB = "plot_job"
RESTYLE_JOB = "restyle_job"
SHOW_DATA_JOB = "show_data_job"


@dataclass(frozen=True)
class Dispatcher:
    redis: ArqRedis
    queue_name: str
    followups_without_mention: bool = True

    async def enqueue(self, function: str, job: BaseModel, job_id: str) -> bool:
        """True when the job was queued; False when one with this id already exists (a
        re-delivery). Redis errors propagate: the caller must not acknowledge the event."""
        queued = await self.redis.enqueue_job(
            function, job.model_dump(mode="json"), _job_id=job_id, _queue_name=self.queue_name
        )
        if queued is None:
            log.info("duplicate delivery dropped", request_id=job_id, function=function)
            return False
        log.info("job enqueued", request_id=job_id, function=function)
        return True
