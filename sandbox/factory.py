"""Builds the configured `Executor` from settings; the one place that reads sandbox_* settings.

    docker  DockerExecutor; SandboxUnavailable (saying how to fix it) if the daemon doesn't answer
            or the image is missing
    local   LocalExecutor (bubblewrap)
    auto    docker when the daemon answers and has the image, else local with a warning; and
            local from the first run Docker itself fails (`sandbox.fallback`)

`make_executor` is synchronous and, for docker and auto, asks the daemon (milliseconds locally,
at most ~5 s when it hangs): call it at worker start-up, then `await executor.start()`.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from core.errors import SandboxUnavailable
from core.logs import get_logger
from core.settings import Settings
from sandbox.executor import Executor
from sandbox.fallback import FallbackExecutor
from sandbox.local import LocalExecutor

log = get_logger(__name__)


class BackendStatus(TypedDict):
    """What /health shows: the backend chart code runs in, and why it isn't Docker if it isn't."""

    backend: Literal["docker", "local"]
    warning: str | None


def backend_status(settings: Settings) -> BackendStatus:
    """Resolve `sandbox_backend` against this machine (asks the Docker daemon; blocking)."""
    if settings.sandbox_backend == "local":
        return {"backend": "local", "warning": None}
    from sandbox.docker_executor import probe  # the docker SDK loads only when Docker is wanted

    problem = probe(settings.sandbox_docker_url, settings.sandbox_image)
    if problem is None:
        return {"backend": "docker", "warning": None}
    if settings.sandbox_backend == "docker":
        raise SandboxUnavailable(f"SANDBOX_BACKEND=docker, but {problem}")
    return {
        "backend": "local",
        "warning": f"chart code runs in the local bubblewrap sandbox, not Docker: {problem}",
    }


def make_executor(settings: Settings, status: BackendStatus | None = None) -> Executor:
    """Return the executor `settings.sandbox_backend` resolves to, configured with its limits.

    Pass `status` when the caller has already resolved it (the worker reports it in /health).

    Raises:
        SandboxUnavailable: SANDBOX_BACKEND=docker and Docker or the image is not there.
    """
    status = status or backend_status(settings)
    if status["warning"]:
        log.warning("sandbox_backend_fallback", detail=status["warning"])
    if status["backend"] == "docker":
        from sandbox.docker_executor import DockerExecutor

        docker = DockerExecutor(
            image=settings.sandbox_image,
            docker_url=settings.sandbox_docker_url,
            timeout_s=settings.sandbox_timeout_s,
            cpu_s=settings.sandbox_cpu_s,
            memory_mb=settings.sandbox_memory_mb,
            cpus=settings.sandbox_cpus,
            pids_limit=settings.sandbox_pids_limit,
            max_output_bytes=settings.sandbox_max_output_mb * 1024 * 1024,
            pool_size=settings.sandbox_pool_size,
            jobs_dir=settings.sandbox_jobs_dir,
        )
        if settings.sandbox_backend == "auto":
            return FallbackExecutor(docker, lambda: local_executor(settings))
        return docker
    return local_executor(settings)


def local_executor(settings: Settings) -> Executor:
    return LocalExecutor(
        timeout_s=settings.sandbox_timeout_s,
        cpu_s=settings.sandbox_cpu_s,
        memory_mb=settings.sandbox_memory_mb,
        max_output_bytes=settings.sandbox_max_output_mb * 1024 * 1024,
    )
