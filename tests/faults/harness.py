"""Drive the real app and real workers from outside: each runs as its own `bot.py` process
against a private `redis-server` (its own port and AOF folder, so the test can kill and restart
it without touching the machine's shared Redis) and the in-process fake Slack.

`Harness` starts and kills those processes, sends a question the way Slack does, re-delivers
it, and reads what the person saw: every bot message in the thread and every upload.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from redis.asyncio import Redis

from tests.e2e.stack import CHANNEL, SALES_CSV, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_events import event_envelope, mention_event, post_event

ROOT = Path(__file__).resolve().parents[2]
PROGRESS_WORDS = ("Reading", "Planning", "Running the chart", "Drawing", "trying again")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivateRedis:
    """A `redis-server` of the test's own; AOF with fsync on every write, so a kill and a
    restart keep the queue as a production Redis with persistence would."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def spawn(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        args += ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]
        self.process = subprocess.Popen(
            ["redis-server", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    async def start(self) -> None:
        self.spawn()
        client = Redis.from_url(self.url)
        try:
            for _ in range(100):
                with contextlib.suppress(Exception):
                    if await client.ping():
                        return
                await asyncio.sleep(0.05)
            raise RuntimeError("private redis-server did not start")
        finally:
            await client.aclose()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@dataclass
class Proc:
    """One `bot.py` process (the app, or a worker) with its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait()

    async def stop(self, timeout_s: float = 15) -> None:
        """SIGTERM, as a deploy does; waits without blocking the loop (the fake Slack the
        process talks to on its way out runs on it), then SIGKILL."""
        self.process.terminate()
        for _ in range(int(timeout_s * 10)):
            if not self.alive:
                return
            await asyncio.sleep(0.1)
        self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Asked:
    envelope: dict[str, Any]
    thread_ts: str
    asked_at: float  # monotonic

    @property
    def request_id(self) -> str:
        return str(self.envelope["event_id"])


@dataclass
class Harness:
    folder: Path
    slack: FakeSlack
    redis: PrivateRedis
    http_port: int = field(default_factory=free_port)
    team_id: str = field(default_factory=lambda: f"T{uuid.uuid4().hex[:10].upper()}")
    procs: list[Proc] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/slack/events"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/health"

    def env(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "TMPDIR", "DOCKER_HOST")
        return (
            {k: v for k, v in os.environ.items() if k in keep}
            | {
                "SLACK_BOT_TOKEN": self.slack.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": self.slack.api_url,
                "REDIS_URL": self.redis.url,
                "QUEUE_NAME": "chartroom:faults",
                "HTTP_HOST": "127.0.0.1",
                "HTTP_PORT": str(self.http_port),
                "WORKSPACE_DIR": str(self.folder / "work"),
                "SANDBOX_BACKEND": "local",
                "SANDBOX_TIMEOUT_S": "60",
                "SLACK_NATIVE_CHARTS": "false",
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",  # every line in the log, even from a killed process
            }
            | self.extra_env
        )

    def _spawn(self, name: str, *args: str) -> Proc:
        log_path = self.folder / f"{name}-{len(self.procs)}.log"
        with log_path.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, str(ROOT / "bot.py"), *args],
                cwd=self.folder,  # no .env from the repository
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        proc = Proc(name, process, log_path)
        self.procs.append(proc)
        return proc

    async def start_app(self) -> Proc:
        app = self._spawn("app")
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                if not app.alive:
                    raise RuntimeError(f"the app exited:\n{app.log()[-3000:]}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(self.health_url) as response:
                        await response.read()
                        return app
                await asyncio.sleep(0.1)
        raise RuntimeError("the app did not start")

    async def start_worker(self, *, ready: bool = True) -> Proc:
        """A worker; waits until /health lists it (its start-up done)."""
        worker = self._spawn("worker", "worker")
        for _ in range(600):
            if not worker.alive:
                raise RuntimeError(f"the worker exited:\n{worker.log()[-3000:]}")
            body = await self.health()
            pids = [w["worker_id"].rsplit(":", 1)[-1] for w in body.get("workers", [])]
            if str(worker.process.pid) in pids:
                return worker
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the worker did not start:\n{worker.log()[-3000:]}")

    async def health(self, path: str = "/health") -> dict[str, Any]:
        """The app's `/health` (or `/ready`) body, with its HTTP status under "status"."""
        url = self.health_url.replace("/health", path)
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            body: dict[str, Any] = await response.json()
            body["status"] = response.status
            return body

    def close(self) -> None:
        for proc in self.procs:
            proc.kill()

    # ---- the person's side ---------------------------------------------------------------

    def question(
        self, text: str = "revenue by region", *, file: tuple[str, bytes] = ("sales.csv", SALES_CSV)
    ) -> Asked:
        file_id = self.slack.add_file(*file)
        event = mention_event(text, channel=CHANNEL, files=[self.slack.file_object(file_id)])
        envelope = event_envelope(event, team_id=self.team_id)
        return Asked(envelope, event["ts"], time.monotonic())

    async def deliver(self, asked: Asked, *, retry_num: int | None = None) -> int:
        """Slack delivers (or re-delivers) the event; returns the app's HTTP status."""
        return await post_event(
            self.events_url, asked.envelope, SIGNING_SECRET, retry_num=retry_num
        )

    async def ask(
        self, text: str = "revenue by region", *, file: tuple[str, bytes] = ("sales.csv", SALES_CSV)
    ) -> Asked:
        asked = self.question(text, file=file)
        assert await self.deliver(asked) == 200
        return asked

    def bot_messages(self, asked: Asked) -> list[dict[str, Any]]:
        return self.slack.thread_messages(CHANNEL, asked.thread_ts)

    def uploads(self, asked: Asked) -> list[str]:
        """Files uploaded into the question's thread."""
        return [
            str(f.get("id"))
            for call in self.slack.calls_to("files.completeUploadExternal")
            if call.args.get("thread_ts") == asked.thread_ts
            for f in call.args.get("files") or []
        ]

    async def until(self, predicate: Callable[[], bool], timeout_s: float) -> float:
        """Wait for `predicate`; returns when it held (monotonic)."""
        await self.slack.wait_for(predicate, timeout_s)
        return time.monotonic()

    async def first_word(self, asked: Asked, timeout_s: float = 60) -> float:
        """Seconds from the question to the first message the person sees in its thread."""
        return await self.until(lambda: bool(self.bot_messages(asked)), timeout_s) - asked.asked_at

    async def final(self, asked: Asked, timeout_s: float = 90) -> dict[str, Any]:
        """The thread's one bot message, once it stopped showing progress."""

        def done() -> bool:
            messages = self.bot_messages(asked)
            return bool(messages) and not is_progress(messages[-1]["text"])

        await self.until(done, timeout_s)
        return self.bot_messages(asked)[-1]

    def saw_progress(self, asked: Asked, words: str) -> bool:
        """Some chat call for this thread's placeholder said `words`."""
        return any(words in texts for texts in self.placeholder_texts(asked))

    def placeholder_texts(self, asked: Asked) -> list[str]:
        ts = {m["ts"] for m in self.bot_messages(asked)}
        return [
            str(c.args.get("text") or "")
            for c in self.slack.calls
            if c.method in ("chat.postMessage", "chat.update")
            and (c.args.get("thread_ts") == asked.thread_ts or c.args.get("ts") in ts)
        ]


def is_progress(text: str) -> bool:
    return any(word in text for word in PROGRESS_WORDS)


@contextlib.asynccontextmanager
async def harness(folder: Path, **env: str) -> AsyncIterator[Harness]:
    slack = FakeSlack()
    await slack.start()
    redis = PrivateRedis(folder / "redis")
    await redis.start()
    h = Harness(folder, slack, redis, extra_env=env)
    try:
        yield h
    finally:
        h.close()
        redis.kill()
        await slack.stop()
