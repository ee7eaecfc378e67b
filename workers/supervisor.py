"""Notice jobs whose worker died, tell the person, and hand the job back to the queue.

Every running job beats in Redis (`core.job_watch`). A supervisor runs in every worker and in
the Slack app; each scan, a job whose beat has been missing for CONFIRM_S is claimed by one
supervisor (SET NX per job and try), which then:

- if the job already answered: only clears the entry (the worker died after its last word);
- if tries remain: edits the job's placeholder to "a worker restarted; trying again";
- after the last try: replaces the placeholder with the failure message and the request id.

Either way it deletes ARQ's in-progress lease for the job, so the next poll of any worker runs
it again at once (or, after the last try, lets ARQ close it as "max retries exceeded", keeping
its result so Slack's re-deliveries stay de-duplicated), instead of after JOB_TIMEOUT_S + 10 s.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from arq.constants import in_progress_key_prefix, result_key_prefix, retry_key_prefix
from redis.asyncio import Redis

from core import job_watch, metrics
from core.installations import BotTokens, Workspace, WorkspaceNotInstalled
from core.job_watch import RunningJob
from core.logs import get_logger
from core.request_state import RequestState
from core.settings import Settings
from core.slack import slack_client
from post import texts
from workers.reply import ThreadReply

log = get_logger(__name__)

SCAN_EVERY_S = 2.0
CONFIRM_S = 4.0  # a beat missing this long on top of its TTL: the worker is gone
_CLAIM = "chartroom:jobs:recovering:"


@dataclass
class Supervisor:
    redis: Redis
    settings: Settings
    tokens: BotTokens  # each job's workspace answers with its own bot token
    name: str  # who claims a recovery, for the logs
    _missing_since: dict[str, float] = field(default_factory=dict)

    @property
    def max_tries(self) -> int:
        return self.settings.job_max_tries

    async def run(self) -> None:
        while True:
            try:
                await self.scan()
            except Exception as exc:  # Redis away: scan again later
                log.warning("supervisor scan failed", error=type(exc).__name__)
            await asyncio.sleep(SCAN_EVERY_S)

    async def scan(self) -> list[str]:
        """One look at the running jobs; returns the ids of those recovered."""
        jobs = await job_watch.running_jobs(self.redis)
        alive = await job_watch.beating(self.redis, [j.job_id for j in jobs])
        now = time.monotonic()
        silent = {j.job_id for j in jobs} - alive
        self._missing_since = {k: v for k, v in self._missing_since.items() if k in silent}
        recovered = []
        for job in jobs:
            if job.job_id in alive:
                continue
            since = self._missing_since.setdefault(job.job_id, now)
            if now - since >= CONFIRM_S and await self.recover(job):
                recovered.append(job.job_id)
                self._missing_since.pop(job.job_id, None)
        return recovered

    async def recover(self, job: RunningJob) -> bool:
        claim = f"{_CLAIM}{job.job_id}:{job.job_try}"
        if not await self.redis.set(claim, self.name, nx=True, ex=600):
            return False  # another supervisor has it
        if await self.redis.exists(job_watch.beat_key(job.job_id)):
            return False  # it beat again since the scan (a re-run has started)
        state = RequestState(self.redis, job.team_id, job.job_id)
        steps = await state.all()
        tries = int(await self.redis.get(retry_key_prefix + job.job_id) or job.job_try)
        finished = bool(steps.get("answered")) or bool(
            await self.redis.exists(result_key_prefix + job.job_id)
        )
        action = "already_answered" if finished else "rerun" if tries < self.max_tries else "failed"
        metrics.DEAD_WORKER_JOBS.labels(action=action).inc()
        if finished:
            log.info("worker died after the job answered", request_id=job.job_id)
        elif tries < self.max_tries:
            log.warning("worker died mid-job; running it again", request_id=job.job_id, tries=tries)
            await self._tell(job, steps, texts.worker_restarted(), final=False)
        else:
            log.error("worker died on the job's last try", request_id=job.job_id, tries=tries)
            await self._tell(job, steps, texts.internal_failure(job.job_id, steps.get("file_name")))
            await state.set(answered="1")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(job_watch.RUNNING, job.job_id)
            pipe.delete(job_watch.beat_key(job.job_id), in_progress_key_prefix + job.job_id)
            await pipe.execute()
        return True

    async def _tell(
        self, job: RunningJob, steps: dict[str, str], text: str, *, final: bool = True
    ) -> None:
        thread_ts = steps.get("thread_ts") or job.thread_ts
        if not thread_ts:
            log.warning("nowhere to tell the person about the dead worker", request_id=job.job_id)
            return
        try:
            token = await self.tokens.token_for(
                Workspace(job.team_id, job.enterprise_id, job.enterprise_install)
            )
        except WorkspaceNotInstalled:
            log.warning("workspace not installed; nobody to tell", request_id=job.job_id)
            return
        reply = ThreadReply(
            slack_client(self.settings, token),
            RequestState(self.redis, job.team_id, job.job_id),
            job.channel_id,
            thread_ts,
            steps.get("file_name") or "your file",
        )
        try:
            if final:
                await reply.say(text)
            else:
                await reply.start(text)
        except Exception:
            log.warning("could not tell the person about the dead worker", exc_info=True)
