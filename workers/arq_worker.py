"""ARQ's worker, made to wait out Redis outages instead of exiting.

ARQ's poll loop lets a `redis.ConnectionError` escape (from the queue read, the job start, the
health record, or a job task whose bookkeeping failed), which ends `Worker.main` and the process.
Here one poll iteration that cannot reach Redis is logged, counted and retried with backoff;
the process stays up, running jobs go on, and polling resumes when Redis answers again.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from signal import Signals
from typing import Any

from arq.worker import Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import metrics
from core.logs import get_logger

log = get_logger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 2.0


@dataclass
class RedisLink:
    """What the worker knows about its Redis connection; shown in its /health status."""

    down_since: float | None = None  # monotonic
    outages: int = 0
    last_outage_s: float | None = None

    @property
    def up(self) -> bool:
        return self.down_since is None

    def describe(self) -> str | None:
        if self.outages == 0:
            return None
        seconds = f"{self.last_outage_s:.0f} s" if self.last_outage_s is not None else "ongoing"
        return f"waited out {self.outages} Redis outage(s), the last {seconds}"


@dataclass
class Shutdown:
    """Set when the worker was told to stop; jobs see it through `ctx["shutdown"]` (ARQ gives
    each job a copy of the worker's ctx, so the flag lives in a shared object)."""

    started: bool = False


class ResilientWorker(Worker):
    """`arq.worker.Worker` whose poll loop survives Redis going away. `ctx["redis_link"]`
    carries the connection's state for the worker's heartbeat."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.redis_link = RedisLink()
        self.ctx["redis_link"] = self.redis_link
        self.shutdown = Shutdown()
        self.ctx["shutdown"] = self.shutdown
        self._backoff_s = BACKOFF_FIRST_S

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_DOWN as exc:
            link = self.redis_link
            if link.down_since is None:
                link.down_since = time.monotonic()
                link.outages += 1
                metrics.REDIS_OUTAGES.inc()
                log.warning("redis unreachable; waiting it out", error=type(exc).__name__)
            await asyncio.sleep(self._backoff_s)
            self._backoff_s = min(self._backoff_s * 2, BACKOFF_MAX_S)
            return
        link = self.redis_link
        if link.down_since is not None:
            link.last_outage_s = time.monotonic() - link.down_since
            link.down_since = None
            log.info("redis reachable again", outage_s=round(link.last_outage_s, 1))
        self._backoff_s = BACKOFF_FIRST_S

    def handle_sig(self, signum: Signals) -> None:
        # Jobs cancelled from here on are cancelled by the shutdown (a deploy, a restart), not
        # by the person or the job timeout: ARQ runs them again, and they say so.
        self.shutdown.started = True
        super().handle_sig(signum)

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # ARQ takes a slot (semaphore + counter) before its Redis calls for a job and gives it
        # back only on the paths it expects; a dropped connection would leak the slot for good.
        for job_id in job_ids:
            try:
                await super().start_jobs([job_id])
            except REDIS_DOWN:
                self.job_counter -= 1
                self.sem.release()
                raise
