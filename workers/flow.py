"""What every job shares: its reply in the thread, telling the person how it ended (a chart,
a message that says how to fix it, a cancellation, or a failure with the request id), and the
logs. Subclasses do the work in `work()`."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import structlog
from redis.asyncio import Redis

from core import fairness, metrics
from core.installations import Workspace, WorkspaceNotInstalled
from core.logs import get_logger
from core.request_state import RequestState
from post import texts
from post.blocks import trusted_blocks
from post.mrkdwn import escape
from workers.context import WorkerDeps
from workers.failures import failure_of
from workers.reply import ThreadReply

log = get_logger(__name__)


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
            outcome, kind = await self.work(), ""
        except asyncio.CancelledError:
            # Cancel button (ARQ abort), ARQ's job timeout, or the worker shutting down.
            stopped = await asyncio.shield(self._tell_cancelled())
            metrics.job_finished(stopped, self.team_id, self._since_enqueued())
            raise
        except Exception as exc:
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
        log.warning("job cancelled")
        await self.tell(texts.internal_failure(self.request_id, self.file_name))
        return "stopped"


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
