"""Executors for a sandbox that is gone: Docker lost mid-life under `auto`, or never there.

`FallbackExecutor` runs chart code in Docker and, the first time Docker itself fails
(`SandboxUnavailable`: the daemon went away, the image vanished), switches for good to the local
bubblewrap sandbox and says so in `warning` (the worker's /health status shows it). A chart
code's own failure (`CodeFailed`, `CodeTimedOut`) never switches.

`UnavailableExecutor` stands in when `SANDBOX_BACKEND=docker` and Docker does not answer at
start: the worker stays up and reports not-ready, and each question gets a failure message with
its request id instead of waiting in the queue for a worker that exited.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.errors import SandboxUnavailable
from core.logs import get_logger
from sandbox.executor import Executor, RunResult

log = get_logger(__name__)


class FallbackExecutor:
    def __init__(self, primary: Executor, make_fallback: Callable[[], Executor]) -> None:
        self.primary = primary
        self._make_fallback = make_fallback
        self.fallback: Executor | None = None
        self.warning: str | None = None

    @property
    def name(self) -> str:
        return self.fallback.name if self.fallback is not None else self.primary.name

    async def start(self) -> None:
        await self.primary.start()

    async def run(self, code: str, data_path: Path) -> RunResult:
        if self.fallback is None:
            if not data_path.exists():
                raise SandboxUnavailable(f"the job's data file {data_path} does not exist")
            try:
                return await self.primary.run(code, data_path)
            except SandboxUnavailable as exc:
                self.warning = (
                    f"Docker went away ({exc}); chart code now runs in the local bubblewrap "
                    "sandbox (SANDBOX_BACKEND=auto)"
                )
                log.warning("sandbox_backend_fallback", detail=self.warning)
                self.fallback = self._make_fallback()
                await self.fallback.start()
        return await self.fallback.run(code, data_path)

    async def aclose(self) -> None:
        try:
            await self.primary.aclose()
        except Exception as exc:  # Docker is gone: nothing left to close there
            log.warning("could not close the Docker sandbox", error=type(exc).__name__)
        if self.fallback is not None:
            await self.fallback.aclose()


class UnavailableExecutor:
    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def start(self) -> None:
        return None

    async def run(self, code: str, data_path: Path) -> RunResult:
        raise SandboxUnavailable(self.reason)

    async def aclose(self) -> None:
        return None
