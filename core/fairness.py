"""Fairness between workspaces: at most `WORKSPACE_MAX_JOBS` jobs of one workspace queued or
running at once, so one busy workspace cannot fill the queue in front of everyone else.

The app admits a job before enqueueing it (one atomic Lua step: forget entries older than a job
can live, count, add); the worker releases it when the job ends however it ends. An entry whose
worker died without releasing it ages out after `stale_after_s`.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from core import keys

# KEYS[1] the workspace's in-flight set; ARGV: now, stale-before, limit, job id.
_ADMIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[1] - ARGV[2]))
return 1
"""


async def admit(
    redis: Redis, team_id: str, job_id: str, *, limit: int, stale_after_s: float
) -> bool:
    """Count the job against its workspace's limit; False when the workspace is at the limit
    (a re-delivery of a job already admitted is admitted again). `limit` 0 means no limit."""
    if limit <= 0:
        return True
    now = time.time()
    args = (str(now), str(now - stale_after_s), str(limit), job_id)
    admitted = await redis.eval(_ADMIT, 1, keys.inflight(team_id), *args)  # type: ignore[misc]
    return bool(admitted)


async def release(redis: Redis, team_id: str, job_id: str) -> None:
    await redis.zrem(keys.inflight(team_id), job_id)


async def in_flight(redis: Redis, team_id: str) -> int:
    return int(await redis.zcard(keys.inflight(team_id)))
