"""`DockerExecutor`: chart code in one-shot, locked-down containers, with a warm pool.

    run(code, data) ─▶ take a warm container (or create a cold one)
                     ─▶ write data.parquet, code.py, then `ready` into its own job folder (/job, ro)
                     ─▶ wait for exit (wall-clock timeout from here) ─▶ read the framed result
                     ─▶ remove the container and its folder; the pool refills in the background

Each container: no network, read-only root, a small noexec tmpfs /tmp, every capability dropped,
no-new-privileges, Docker's default seccomp profile, uid 65534, memory (no swap), CPU, pids,
open-file and file-size limits, no IPC namespace sharing, an environment of its own (nothing of
the worker's), a capped log, and only its own job folder mounted (see `sandbox.docker_pool`).

The result travels on the container's stdout, which only the runner holds: it keeps the real
stdout as a private descriptor and points fd 1 at /dev/null before the code runs. The host accepts
exactly one framed line and nothing else. Code that finds the private descriptor (it is in its own
process) can write a frame of its own or garble the real one; that spoils only its own job: the
host rejects two frames, and a forged single frame is no more than the figure the code could have
drawn honestly. Figure JSON is untrusted either way, and is rendered as such.

The docker SDK is blocking: every call runs on this executor's own threads, so long waits never
starve `asyncio.to_thread` users elsewhere in the worker.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import docker

from core import metrics
from core.errors import SandboxUnavailable
from core.logs import get_logger
from sandbox import docker_pool as pool
from sandbox.docker_pool import DockerError, Owner, Registry, Sandbox, Spec
from sandbox.docker_result import Outcome, read_result
from sandbox.executor import RunResult
from sandbox.runner import EXIT_NO_JOB

log = get_logger(__name__)
T = TypeVar("T")

_EXPIRY_MARGIN_S = 30.0  # retire pool containers this long before their runner gives up waiting
_REFILL_CHECK_S = 30.0


@dataclass
class _Job:
    container_id: str | None = None


class DockerExecutor:
    """Runs chart code in Docker containers (see the module docstring for what they isolate).

    Args:
        image: the sandbox image (`scripts/build-sandbox-image.sh` builds it).
        timeout_s: wall-clock limit of a run, from job hand-off (warm) or container start (cold).
        cpu_s: CPU-seconds limit of the chart code (RLIMIT_CPU, counted from job hand-off).
        memory_mb: the container's memory limit, swap included.
        cpus: CPUs the container may use (fractions allowed).
        pids_limit: processes and threads the container may have at once.
        max_output_bytes: largest figure JSON the code may return.
        pool_size: warm containers kept ready; 0 runs every job cold.
        docker_url: the daemon, e.g. unix:///var/run/docker.sock; None: DOCKER_HOST and friends.
        tmp_mb: size of the container's /tmp, and the largest file it may write.
        max_stdout_bytes: how much of the code's printed output is kept.
        jobs_dir: host folder for job folders; must be the same path for the daemon (it bind-
            mounts them). Default: <tempdir>/chartroom-sandbox.
        max_idle_s: a warm container that got no job for this long exits; the pool replaces it.
    """

    name = "docker"

    def __init__(
        self,
        *,
        image: str,
        timeout_s: float,
        cpu_s: int,
        memory_mb: int,
        cpus: float,
        pids_limit: int,
        max_output_bytes: int,
        pool_size: int,
        docker_url: str | None = None,
        tmp_mb: int = 64,
        max_stdout_bytes: int = 64 * 1024,
        jobs_dir: Path | None = None,
        max_idle_s: float = 600.0,
    ) -> None:
        self.image = image
        self.timeout_s = timeout_s
        self.cpu_s = cpu_s
        self.memory_mb = memory_mb
        self.max_output_bytes = max_output_bytes
        self.pool_size = pool_size
        self.docker_url = docker_url
        self.jobs_dir = jobs_dir or Path(tempfile.gettempdir()) / "chartroom-sandbox"
        self.max_idle_s = max_idle_s
        # The result carries the figure plus stdout, summary and JSON framing.
        self._max_result_bytes = max_output_bytes + 2 * max_stdout_bytes + 256 * 1024
        self._owner = Owner()
        self.executor_id = f"{self._owner.label}:{id(self):x}"
        self._spec = Spec(
            image=image,
            jobs_dir=self.jobs_dir,
            cpus=cpus,
            pids_limit=pids_limit,
            memory_mb=memory_mb,
            cpu_s=cpu_s,
            tmp_mb=tmp_mb,
            max_figure_bytes=max_output_bytes,
            max_stdout_bytes=max_stdout_bytes,
            # base64 grows the frame by 4/3; the rest is room for stderr.
            log_max_bytes=self._max_result_bytes * 4 // 3 + 1024 * 1024,
            max_wait_s=max_idle_s,
            executor_id=self.executor_id,
        )
        self._registry = Registry()
        self._pool: collections.deque[Sandbox] = collections.deque()
        self._client: docker.DockerClient | None = None
        self._client_lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max_workers=16, thread_name_prefix="docker-sandbox")
        self._wake = asyncio.Event()
        self._refill: asyncio.Task[None] | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the daemon and image, remove what dead workers left behind, start the pool.

        Raises:
            SandboxUnavailable: the daemon does not answer or the image is missing.
        """
        removed = await self._call(self._start_sync)
        if removed:
            log.info("sandbox_stale_containers_removed", count=removed)
        if self.pool_size > 0 and self._refill is None:
            self._refill = asyncio.create_task(self._refill_loop(), name="sandbox-pool-refill")

    async def aclose(self) -> None:
        """Remove this executor's containers, warm and running, and their job folders."""
        sandboxes = self._registry.close()
        if self._refill is not None:
            self._refill.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refill
            self._refill = None
        self._pool.clear()
        await asyncio.gather(*(self._call(self._discard, s) for s in sandboxes))
        # Runs in flight end now that their containers are gone.
        await asyncio.to_thread(self._threads.shutdown, wait=True)
        pool.remove_owner_dir(self.jobs_dir, self._owner)
        if self._client is not None:
            self._client.close()

    def pool_count(self) -> int:
        """Warm containers ready right now."""
        return len(self._pool)

    # -- running a job ----------------------------------------------------------------------------

    async def run(self, code: str, data_path: Path) -> RunResult:
        """Run `code` against the Parquet at `data_path` and return its figure and summary.

        Raises:
            CodeFailed: the code raised, left no `fig`, or broke the memory or output limit.
            CodeTimedOut: the run passed `timeout_s` (wall clock) or `cpu_s` (CPU).
            SandboxUnavailable: Docker, the image or the job folder failed us.
        """
        if self._registry.closing:
            raise SandboxUnavailable("the sandbox executor is closed")
        data = await asyncio.to_thread(data_path.resolve)
        if not await asyncio.to_thread(data.is_file):
            raise SandboxUnavailable(f"the job's data file {data} does not exist")
        warm = self._take()
        job = _Job()
        try:
            outcome = await self._call(self._run_sync, code, data, warm, job)
        except asyncio.CancelledError:
            # The thread would clean up at the deadline anyway; end the container now.
            if job.container_id is not None:
                self._later(self._remove_quietly, job.container_id)
            raise
        return read_result(
            outcome,
            timeout_s=self.timeout_s,
            cpu_s=self.cpu_s,
            memory_mb=self.memory_mb,
            max_result_bytes=self._max_result_bytes,
        )

    def _take(self) -> Sandbox | None:
        """The oldest warm container still well inside its idle lifetime, if any."""
        while self._pool:
            sandbox = self._pool.popleft()
            metrics.SANDBOX_POOL_READY.set(len(self._pool))
            self._wake.set()
            if not self._expired(sandbox):
                return sandbox
            self._later(self._discard, sandbox)
        return None

    def _expired(self, sandbox: Sandbox) -> bool:
        limit = max(self.max_idle_s - _EXPIRY_MARGIN_S, self.max_idle_s / 2)
        return time.monotonic() - sandbox.started_at > limit

    def _run_sync(self, code: str, data: Path, warm: Sandbox | None, job: _Job) -> Outcome:
        if warm is not None:
            job.container_id = warm.container.id
            outcome = self._use(warm, code, data, cold=False)
            if not (outcome.status == EXIT_NO_JOB and not outcome.stdout):
                metrics.SANDBOX_RUNS.labels(start="warm").inc()
                return outcome
            # Its runner stopped waiting just before the job arrived: run it cold instead.
            log.warning("sandbox_warm_container_expired", container=warm.container.name)
        sandbox = self._new_sandbox()
        job.container_id = sandbox.container.id
        metrics.SANDBOX_RUNS.labels(start="cold").inc()
        return self._use(sandbox, code, data, cold=True)

    def _use(self, sandbox: Sandbox, code: str, data: Path, *, cold: bool) -> Outcome:
        container = sandbox.container
        exited = False
        try:
            pool.write_job(sandbox.job_dir, code, data)
            if cold:
                container.start()
            outcome = Outcome(status=pool.wait(container, time.monotonic() + self.timeout_s))
            if outcome.status is None:
                return outcome
            exited = True
            container.reload()
            outcome.oom_killed = bool(container.attrs["State"].get("OOMKilled"))
            outcome.stdout = container.logs(stdout=True, stderr=False)
            if not outcome.stdout:
                outcome.stderr = container.logs(stdout=False, stderr=True, tail=100)
            return outcome
        except DockerError as exc:
            raise pool.unavailable("the sandbox container failed", exc) from exc
        except OSError as exc:
            raise SandboxUnavailable(
                f"could not write the job into {sandbox.job_dir}: {exc}"
            ) from exc
        finally:
            pool.remove_job_dir(sandbox.job_dir)
            if exited:
                # Nothing runs in it any more: removing it (tens of ms) needn't delay the answer.
                self._later(self._discard, sandbox)
            else:
                self._discard(sandbox)

    # -- containers -------------------------------------------------------------------------------

    def _docker(self) -> docker.DockerClient:
        with self._client_lock:
            if self._client is None:
                self._client = pool.connect(self.docker_url)
            return self._client

    def _start_sync(self) -> int:
        client = self._docker()
        try:
            client.images.get(self.image)
        except DockerError as exc:
            raise pool.unavailable(f"could not use the sandbox image {self.image}", exc) from exc
        pool.ensure_jobs_dir(self.jobs_dir)
        try:
            return pool.remove_stale(client, self.jobs_dir, self._owner)
        except DockerError as exc:
            raise pool.unavailable("could not list old sandbox containers", exc) from exc

    def _new_sandbox(self) -> Sandbox:
        """Create a container on a fresh job folder and register it (not started)."""
        client = self._docker()
        job_dir = pool.new_job_dir(self.jobs_dir, self._owner)
        try:
            container = pool.create(client, self._spec, self._owner, job_dir)
        except DockerError as exc:
            pool.remove_job_dir(job_dir)
            raise pool.unavailable("could not create a sandbox container", exc) from exc
        sandbox = Sandbox(container=container, job_dir=job_dir)
        if not self._registry.add(sandbox):
            self._discard(sandbox)
            raise SandboxUnavailable("the sandbox executor is shutting down")
        return sandbox

    def _start_warm(self) -> Sandbox:
        sandbox = self._new_sandbox()
        try:
            sandbox.container.start()
        except DockerError as exc:
            self._discard(sandbox)
            raise pool.unavailable("could not start a sandbox container", exc) from exc
        sandbox.started_at = time.monotonic()
        return sandbox

    def _discard(self, sandbox: Sandbox) -> None:
        """Remove a container and its job folder (from a thread)."""
        self._remove_quietly(sandbox.container.id or "")
        pool.remove_job_dir(sandbox.job_dir)
        self._registry.discard(sandbox)

    def _remove_quietly(self, container_id: str) -> None:
        try:
            pool.remove(self._docker(), container_id)
        except (SandboxUnavailable, *DockerError) as exc:
            # Left behind; the next start() of a worker on this host removes it.
            log.warning("sandbox_container_not_removed", container=container_id, error=str(exc))

    async def _refill_loop(self) -> None:
        backoff_s = 1.0
        while True:
            self._wake.clear()
            for sandbox in [s for s in self._pool if self._expired(s)]:
                self._pool.remove(sandbox)
                await self._call(self._discard, sandbox)
            if len(self._pool) < self.pool_size:
                try:
                    self._pool.append(await self._call(self._start_warm))
                    metrics.SANDBOX_POOL_READY.set(len(self._pool))
                    backoff_s = 1.0
                except SandboxUnavailable as exc:
                    log.warning("sandbox_pool_refill_failed", error=str(exc), retry_in_s=backoff_s)
                    await asyncio.sleep(backoff_s)
                    backoff_s = min(backoff_s * 2, 60.0)
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(_REFILL_CHECK_S):
                    await self._wake.wait()

    def _later(self, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn` on a worker thread without waiting; inline once the threads are shut down."""
        try:
            self._threads.submit(fn, *args)
        except RuntimeError:  # aclose() is shutting the thread pool down
            fn(*args)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, fn, *args)


def probe(docker_url: str | None, image: str) -> str | None:
    """Why Docker can't run sandboxes here, or None when the daemon answers and has the image.

    Blocking (a few milliseconds against a local daemon, at most ~5 s when it hangs).
    """
    try:
        client = pool.connect(docker_url, timeout_s=5)
    except SandboxUnavailable as exc:
        return str(exc)
    try:
        client.ping()
        client.images.get(image)
    except DockerError as exc:
        return str(pool.unavailable(f"could not use the sandbox image {image}", exc))
    finally:
        client.close()
    return None
