"""Builds the configured `Executor` from settings; the one place that reads sandbox_* settings."""

from __future__ import annotations

from core.settings import Settings
from sandbox.executor import Executor
from sandbox.local import LocalExecutor


def make_executor(settings: Settings) -> Executor:
    """Return the executor `settings.sandbox_backend` names, configured with its limits."""
    if settings.sandbox_backend == "local":
        return LocalExecutor(
            timeout_s=settings.sandbox_timeout_s,
            cpu_s=settings.sandbox_cpu_s,
            memory_mb=settings.sandbox_memory_mb,
            max_output_bytes=settings.sandbox_max_output_mb * 1024 * 1024,
        )
    raise ValueError(f"unknown sandbox backend {settings.sandbox_backend!r}")
