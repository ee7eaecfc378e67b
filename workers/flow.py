"""What every job shares: its reply in the thread, telling the person how it ended (a chart,
a message that says how to fix it, a cancellation, or a failure with the request id), and the
logs. Subclasses do the work in `work()`."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import structlog
from arq.worker import Retry
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import fairness, job_watch, metrics, worker_status
from core.installations import Workspace, WorkspaceNotInstalled
from core.job_watch import RunningJob
from core.logs import get_logger
from core.request_state import RequestState
from post import texts
from post.blocks import trusted_blocks
from post.mrkdwn import escape
from workers.context import WorkerDeps
from workers.failures import failure_of
from workers.reply import ThreadReply

log = get_logger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
REDIS_RETRY_DEFER_S = 5


@dataclass
class JobFlow:
    ctx: dict[str, Any]
    request_id: str
    team_id: str
    channel_id: str
    user_id: str
    response_url: str | None = None  # /plot: where to answer when the thread can't be used
    thread_ts: str | None = None  # where to answer, once known
    in_dm: bool = False
    enterprise_id: str | None = None  # an org-wide (Enterprise Grid) install's enterprise
    enterprise_install: bool = False
    reply: ThreadReply | None = field(default=None, init=False)
    _workspace_deps: WorkerDeps | None = field(default=None, init=False)
    file_name: str | None = field(default=None, init=False)

    @property
    def deps(self) -> WorkerDeps:
        """The worker's resources, with this job's workspace token once `run()` resolved it."""
        if self._workspace_deps is not None:
            return self._workspace_deps
        deps: WorkerDeps = self.ctx["deps"]
        return deps

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.team_id, self.enterprise_id, self.enterprise_install)

    @property
    def redis(self) -> Redis:
        redis: Redis = self.ctx["redis"]
        return redis

    @property
    def state(self) -> RequestState:
        return RequestState(self.redis, self.team_id, self.request_id)

    @property
    def workdir(self) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.request_id)[:100]
        return self.deps.settings.workspace_dir / safe

    def thread_reply(self, thread_ts: str, file_name: str) -> ThreadReply:
        self.thread_ts, self.file_name = thread_ts, file_name or None
        self.reply = ThreadReply(
            self.deps.slack, self.state, self.channel_id, thread_ts, file_name, in_dm=self.in_dm
        )
        return self.reply

    async def work(self) -> str:
        raise NotImplementedError

    async def run(self) -> str:
        """Run `work()`; every way it can end is told to the person. Returns the outcome."""
        structlog.contextvars.bind_contextvars(
            request_id=self.request_id, team_id=self.team_id, job_try=self.ctx.get("job_try")
        )
        started = time.monotonic()
        try:
            self._workspace_deps = await self.deps.for_workspace(self.workspace)
        except WorkspaceNotInstalled:
            # No token to answer with: the app was uninstalled after the event was queued.
            log.warning("workspace not installed; nobody to answer", team_id=self.team_id)
            structlog.contextvars.clear_contextvars()
            return "not_installed"
        try:
            if await self.state.get("answered"):
                # A re-run (the worker died or was stopped) after the person had their answer.
                log.info("already answered; nothing to do")
                return "already_answered"
            await self.state.set(user_id=self.user_id)  # only they may cancel it
            async with self._watched():
                outcome, kind = await self.work(), ""
        except asyncio.CancelledError:
            # Cancel button (ARQ abort), ARQ's job timeout, or the worker shutting down.
            stopped = await asyncio.shield(self._tell_cancelled())
            metrics.job_finished(stopped, self.team_id, self._since_enqueued())
            raise
        except Exception as exc:
            if redis_went_away(exc):
                # Nothing the person did: run the job again once Redis is back (ARQ's retry, or
                # the supervisor when the retry itself can't be recorded). Its Slack steps are
                # recorded, so the re-run resumes.
                log.warning(
                    "redis unreachable mid-job; it will run again", error=type(exc).__name__
                )
                raise Retry(defer=REDIS_RETRY_DEFER_S) from exc
            failure = failure_of(exc, self.request_id, self.file_name)
            outcome = failure.outcome
            kind = type(exc).__name__ if outcome == "user_error" else ""
            if failure.level == "exception":
                log.exception(failure.log_message)
            else:
                getattr(log, failure.level)(failure.log_message, error=type(exc).__name__)
            await self.tell(failure.text)
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
            with contextlib.suppress(Exception):  # else it ages out of the workspace's count
                await fairness.release(self.redis, self.team_id, self.request_id)
        log.info("job done", outcome=outcome, elapsed_s=round(time.monotonic() - started, 3))
        metrics.job_finished(outcome, self.team_id, self._since_enqueued(), kind=kind)
        structlog.contextvars.clear_contextvars()
        return outcome

    @contextlib.asynccontextmanager
    async def _watched(self) -> AsyncIterator[None]:
        """Beat for this job while it works, so the supervisor can tell a dead worker's job
        from a slow one."""
        worker_id = worker_status.this_worker()
        await job_watch.job_started(
            self.redis,
            RunningJob(
                job_id=self.request_id,
                team_id=self.team_id,
                enterprise_id=self.enterprise_id,
                enterprise_install=self.enterprise_install,
                channel_id=self.channel_id,
                thread_ts=self.thread_ts,
                response_url=self.response_url,
                worker_id=worker_id,
                job_try=int(self.ctx.get("job_try") or 1),
            ),
        )
        beats = asyncio.create_task(_beat(self.redis, self.request_id, worker_id))
        handed_back = False
        try:
            yield
        except Exception as exc:
            handed_back = redis_went_away(exc)
            raise
        except asyncio.CancelledError:
            handed_back = self._stopping()
            raise
        finally:
            beats.cancel()
            # Left in place when the job goes back to the queue (Redis went away, or the worker
            # is stopping): if the worker can't hand it back (ARQ can't reach Redis, or the
            # process is killed first), the supervisor re-queues it.
            if not handed_back:
                try:
                    await asyncio.shield(job_watch.job_ended(self.redis, self.request_id))
                except Exception as exc:
                    # The supervisor finds the entry without a beat and sees it was answered.
                    log.warning("could not clear the job's heartbeat", error=type(exc).__name__)

    def _since_enqueued(self) -> float | None:
        """Seconds since the app enqueued the job (ARQ's `enqueue_time`), i.e. event → answer."""
        enqueued = self.ctx.get("enqueue_time")
        if not isinstance(enqueued, datetime):
            return None
        return (datetime.now(UTC) - enqueued).total_seconds()

    async def tell(self, text: str, *, trusted: bool = False) -> None:
        """The final word, in the thread when there is one, else to the /plot caller alone.
        `trusted` text is our own mrkdwn (mentions of Slack ids), sent unescaped."""
        if self.reply is None and self.thread_ts is not None:
            self.thread_reply(self.thread_ts, self.file_name or "")
        if self.reply is not None:
            try:
                await self.reply.say(text, trusted_blocks(text) if trusted else None)
                return
            except Exception:
                log.warning("could not tell the person in the thread", exc_info=True)
        if self.response_url:
            await self.respond_ephemeral(text, trusted=trusted)
        else:
            log.warning("nowhere to tell the person", text=text[:200])

    async def respond_ephemeral(self, text: str, *, trusted: bool = False) -> None:
        """Answer a /plot command privately through its response URL (Slack's own host only).
        Text is escaped unless `trusted` (our own mrkdwn with mentions of Slack ids)."""
        text = text if trusted else escape(text)
        url = self.response_url or ""
        if not _may_post_to(url, self.deps.settings.slack_api_url):
            log.warning("refusing a response_url that isn't Slack's", host=urlsplit(url).hostname)
            return
        try:
            async with self.deps.http.post(
                url, json={"response_type": "ephemeral", "text": text}, timeout=_TIMEOUT
            ) as response:
                if response.status != 200:
                    log.warning("response_url refused", status=response.status)
        except Exception as exc:
            log.warning("could not answer through response_url", error=type(exc).__name__)

    def _stopping(self) -> bool:
        """The worker is shutting down (a deploy, a restart), so ARQ will run the job again."""
        return bool(getattr(self.ctx.get("shutdown"), "started", False))

    def _tries_left(self) -> bool:
        return int(self.ctx.get("job_try") or 1) < self.deps.settings.job_max_tries

    async def _tell_cancelled(self) -> str:
        """Tell the person the job stopped; "cancelled" (by them) or "stopped" (the job
        timeout, or the worker shutting down)."""
        if self.reply is not None and self.reply.answered:
            return "stopped_after_answer"  # nothing to take back
        try:
            cancelled_by = await self.state.get("cancelled_by")
        except Exception:
            cancelled_by = None
        if cancelled_by:
            log.info("job cancelled by the person", user=cancelled_by)
            await self.tell(texts.cancelled(cancelled_by), trusted=True)
            return "cancelled"
        if self._stopping() and self._tries_left():
            # ARQ runs the job again on another worker; the placeholder says so meanwhile.
            log.warning("worker stopping mid-job; it will run again")
            if self.reply is not None:
                try:
                    await self.reply.start(texts.worker_restarted())
                except Exception as exc:
                    log.warning("could not say the job will run again", error=type(exc).__name__)
            return "stopped"
        log.warning("job cancelled")
        await self.tell(texts.internal_failure(self.request_id, self.file_name))
        return "stopped"


def redis_went_away(exc: BaseException) -> bool:
    """The exception, or one it was raised from, is Redis being unreachable."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, REDIS_DOWN):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _beat(redis: Redis, job_id: str, worker_id: str) -> None:
    while True:
        await asyncio.sleep(job_watch.BEAT_EVERY_S)
        try:
            await job_watch.beat(redis, job_id, worker_id)
        except Exception as exc:  # Redis away: the next beat tries again
            log.warning("job heartbeat failed", error=type(exc).__name__)


_SLACK_HOOK_HOSTS = ("slack.com", "slack-gov.com")
_TIMEOUT = aiohttp.ClientTimeout(total=10)


def _may_post_to(url: str, api_base_url: str) -> bool:
    parts, api = urlsplit(url), urlsplit(api_base_url)
    host = (parts.hostname or "").lower()
    if host and host == (api.hostname or "").lower() and parts.scheme == api.scheme:
        return True
    return parts.scheme == "https" and any(
        host == h or host.endswith("." + h) for h in _SLACK_HOOK_HOSTS
    )
