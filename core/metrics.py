"""Prometheus metrics of the workers (each serves its own `/metrics` on `WORKER_METRICS_PORT`)
and of the queue (served by the app, read from Redis when scraped).

Label values are bounded: outcomes and stages are our own words, providers are three, and the
team id only labels the per-outcome job counter (one series per workspace and outcome).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from prometheus_client import Counter, Gauge, Histogram
from redis.asyncio import Redis

# Event → answer, as the person waits: from the enqueue (the app takes the event) to the end.
_LATENCY_BUCKETS = (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 21, 34, 60, 120, 300)
_STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 180)

JOBS = Counter(
    "chartroom_jobs_total",
    "Jobs by how they ended: charted, user_error (kind: which), internal_error, cancelled, "
    "stopped (job timeout or shutdown), timeout (chart code), ignored chatter…",
    ["outcome", "kind", "team"],
)
ANSWER_SECONDS = Histogram(
    "chartroom_answer_seconds",
    "From the event's enqueue to the job's end, by outcome",
    ["outcome"],
    buckets=_LATENCY_BUCKETS,
)
STAGE_SECONDS = Histogram(
    "chartroom_stage_seconds",
    "Time per stage of a charted answer (download/ingest or kept data, plan, sandbox, render…)",
    ["stage"],
    buckets=_STAGE_BUCKETS,
)
ANSWER_CACHE = Counter(
    "chartroom_answer_cache_total", "Answer cache lookups of charted answers", ["result"]
)
LLM_CALLS = Counter("chartroom_llm_calls_total", "Model calls", ["provider", "model"])
LLM_TOKENS = Counter(
    "chartroom_llm_tokens_total", "Model tokens by direction", ["provider", "model", "kind"]
)
LLM_COST = Counter(
    "chartroom_llm_cost_usd_total",
    "Estimated model cost in USD (known prices)",
    ["provider", "model"],
)
DEAD_WORKER_JOBS = Counter(
    "chartroom_dead_worker_jobs_total",
    "Jobs whose worker stopped beating, as the supervisor found them: rerun, failed (last try) "
    "or already_answered",
    ["action"],
)
RENDERER_RESTARTS = Counter(
    "chartroom_renderer_restarts_total",
    "Renderer process trees replaced: recycled (count), memory (ceiling), timeout, died",
    ["reason"],
)
SANDBOX_RUNS = Counter(
    "chartroom_sandbox_runs_total", "Docker sandbox runs: warm (from the pool) or cold", ["start"]
)
SANDBOX_POOL_READY = Gauge("chartroom_sandbox_pool_ready", "Warm sandbox containers ready")
REDIS_OUTAGES = Counter("chartroom_redis_outages_total", "Redis outages a worker waited out")
QUEUE_DEPTH = Gauge("chartroom_queue_depth", "Jobs waiting in the queue")
OLDEST_JOB_AGE = Gauge(
    "chartroom_queue_oldest_job_age_seconds", "Age of the oldest job waiting in the queue"
)


def job_finished(outcome: str, team_id: str, seconds: float | None, *, kind: str = "") -> None:
    JOBS.labels(outcome=outcome, kind=kind, team=team_id or "unknown").inc()
    if seconds is not None:
        ANSWER_SECONDS.labels(outcome=outcome).observe(max(seconds, 0.0))


def charted(timings_ms: Mapping[str, float], *, cache_hit: bool) -> None:
    """A charted answer's stage times and whether the answer cache had it."""
    for stage, ms in timings_ms.items():
        STAGE_SECONDS.labels(stage=stage).observe(ms / 1000)
    ANSWER_CACHE.labels(result="hit" if cache_hit else "miss").inc()


def model_called(
    provider: str, model: str, input_tokens: int, output_tokens: int, cost_usd: float | None
) -> None:
    LLM_CALLS.labels(provider=provider, model=model).inc()
    LLM_TOKENS.labels(provider=provider, model=model, kind="input").inc(input_tokens)
    LLM_TOKENS.labels(provider=provider, model=model, kind="output").inc(output_tokens)
    if cost_usd:
        LLM_COST.labels(provider=provider, model=model).inc(cost_usd)


async def update_queue_gauges(redis: Redis, queue_name: str) -> None:
    """Queue depth and the oldest waiting job's age, read when /metrics is scraped. ARQ keeps the
    queue as a sorted set scored by when each job may run (ms since the epoch)."""
    depth = await redis.zcard(queue_name)
    QUEUE_DEPTH.set(depth)
    oldest = await redis.zrange(queue_name, 0, 0, withscores=True)
    now_ms = time.time() * 1000
    OLDEST_JOB_AGE.set(max(0.0, (now_ms - oldest[0][1]) / 1000) if oldest else 0.0)
