"""ARQ worker options, built from Chartroom's settings."""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings

from core.settings import Settings
from workers.context import make_startup, shutdown
from workers.jobs import plot_job, restyle_job, show_data_job


def worker_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker` (also what `run_worker` takes)."""
    return {
        "functions": [plot_job, restyle_job, show_data_job],
        "on_startup": make_startup(settings),
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": settings.queue_name,
        "job_timeout": settings.job_timeout_s,
        # A job whose worker died mid-run is picked up again when its lease expires.
        "max_tries": settings.job_max_tries,
        "max_jobs": settings.worker_max_jobs,
        "poll_delay": settings.queue_poll_delay_s,
        # The result of a job is what refuses a second job with the same id (Slack's event id),
        # so it is kept as long as event ids are remembered.
        "keep_result": settings.event_dedupe_ttl_s,
        # The Cancel button aborts a running job (and keeps a queued one from starting).
        "allow_abort_jobs": True,
        "handle_signals": True,
    }
