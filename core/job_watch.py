"""Which jobs are running, and a heartbeat per running job, so a job whose worker died is
noticed within seconds instead of when ARQ's lease runs out (JOB_TIMEOUT_S + 10 s).

    chartroom:jobs:running        hash: job id → RunningJob JSON (where to tell the person)
    chartroom:jobs:beat:<job id>  the worker holding the job; expires BEAT_TTL_S after its last
                                  beat (the job beats every BEAT_EVERY_S)

These, like the worker heartbeats, are outside the per-workspace key scheme: they live for the
length of a job. The supervisor (`workers.supervisor`) reads them.
"""

from __future__ import annotations

from pydantic import BaseModel
from redis.asyncio import Redis

RUNNING = "chartroom:jobs:running"
_BEAT = "chartroom:jobs:beat:"
BEAT_EVERY_S = 3.0
BEAT_TTL_S = 10


class RunningJob(BaseModel):
    job_id: str
    team_id: str
    enterprise_id: str | None = None  # an org-wide install's enterprise (its token's key)
    enterprise_install: bool = False
    channel_id: str
    thread_ts: str | None = None
    response_url: str | None = None
    file_name: str | None = None
    worker_id: str
    job_try: int = 1


def beat_key(job_id: str) -> str:
    return _BEAT + job_id


async def job_started(redis: Redis, job: RunningJob) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(beat_key(job.job_id), job.worker_id, ex=BEAT_TTL_S)
        pipe.hset(RUNNING, job.job_id, job.model_dump_json())
        await pipe.execute()


async def beat(redis: Redis, job_id: str, worker_id: str) -> None:
    await redis.set(beat_key(job_id), worker_id, ex=BEAT_TTL_S)


async def job_ended(redis: Redis, job_id: str) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hdel(RUNNING, job_id)
        pipe.delete(beat_key(job_id))
        await pipe.execute()


async def running_jobs(redis: Redis) -> list[RunningJob]:
    raw = await redis.hgetall(RUNNING)  # type: ignore[misc]
    return [RunningJob.model_validate_json(v) for v in raw.values()]


async def beating(redis: Redis, job_ids: list[str]) -> set[str]:
    """The job ids among `job_ids` whose worker beat within BEAT_TTL_S."""
    if not job_ids:
        return set()
    values = await redis.mget([beat_key(j) for j in job_ids])
    return {j for j, v in zip(job_ids, values, strict=True) if v is not None}
