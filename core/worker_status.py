"""Each worker's state, published in Redis with a heartbeat so `/health` can show it.

The Slack app never talks to Docker itself; it reports what the workers found at start-up
(e.g. "sandbox: local, Docker did not answer").
"""

from __future__ import annotations

import os
import socket

from pydantic import BaseModel
from redis.asyncio import Redis

_PREFIX = "chartroom:worker:"
HEARTBEAT_S = 10
TTL_S = 3 * HEARTBEAT_S


class WorkerStatus(BaseModel):
    worker_id: str  # host:pid
    sandbox: str  # the executor actually in use: "docker" or "local"
    warning: str | None = None  # e.g. why `auto` fell back to the local executor
    ready: bool = True  # False: it cannot draw charts (SANDBOX_BACKEND=docker, Docker gone)
    # Who plans: "rules", or the provider chain then the rules, e.g. "openai:llama3.1 → rules".
    planner: str = "rules"
    started_at: str
    redis: str | None = None  # Redis outages this worker waited out, if any


def this_worker() -> str:
    """This process's worker id, host:pid (as its heartbeat and its jobs' beats carry it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def publish(redis: Redis, status: WorkerStatus) -> None:
    await redis.set(_PREFIX + status.worker_id, status.model_dump_json(), ex=TTL_S)


async def withdraw(redis: Redis, worker_id: str) -> None:
    await redis.delete(_PREFIX + worker_id)


async def live_workers(redis: Redis) -> list[WorkerStatus]:
    keys = [k async for k in redis.scan_iter(match=_PREFIX + "*", count=100)]
    if not keys:
        return []
    values = await redis.mget(keys)
    return sorted(
        (WorkerStatus.model_validate_json(v) for v in values if v is not None),
        key=lambda s: s.worker_id,
    )
