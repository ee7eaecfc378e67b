"""The body of `bench/answer.py` (see there), kept apart so its imports stay out of the
ingest fork server's children."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import structlog.contextvars
import structlog.testing
from arq.jobs import Job

from bench.followup import stage_medians
from bench.sales_data import cached_sales_csv
from core.settings import Settings
from ingest.limits import IngestLimits
from ingest.load import ingest_file
from planner.compile import compile_chart
from planner.rules import plan_from_rules
from render.process import RendererProcess
from tests.e2e.stack import Stack, running_stack

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "total revenue by region"


async def ask(
    stack: Stack, name: str, content: bytes, team: str, shared: dict[str, Any] | None = None
) -> tuple[float, str, dict[str, Any]]:
    """Seconds from the event to the final answer, the job id, and the Slack file asked about
    (`shared`: the same file again, as when a person asks about it in another thread)."""
    stack.team_id = team
    shared = shared or stack.share(name, content)
    started = time.perf_counter()
    job_id, thread = await stack.mention(QUESTION, files=[shared])
    await stack.final_reply(thread, timeout_s=600)
    elapsed = time.perf_counter() - started
    await stack.outcome(job_id, timeout_s=600)
    return elapsed, job_id, shared


async def queue_wait_ms(stack: Stack, job_id: str) -> float:
    info = await Job(job_id, stack.redis, _queue_name=stack.settings.queue_name).result_info()
    if info is None:
        return float("nan")
    return float((info.start_time - info.enqueue_time).total_seconds() * 1000)


class Floor:
    """pandas read + the compiled figure + one warm PNG render, in this process."""

    def __init__(self, path: Path, renderer: RendererProcess) -> None:
        self.path, self.renderer = path, renderer
        with tempfile.TemporaryDirectory() as scratch:
            limits = IngestLimits.from_settings(Settings(_env_file=None))
            profile = ingest_file(path, path.name, Path(scratch), limits).profile
        self.code = compile_chart(plan_from_rules(QUESTION, profile).primary, profile)

    async def once(self) -> float:
        started = time.perf_counter()
        df = pd.read_csv(self.path)
        namespace: dict[str, Any] = {"df": df, "pd": pd, "np": np, "px": px, "go": go}
        exec(compile(self.code, "<chart>", "exec"), namespace)  # noqa: S102 - our compiled code
        figure = json.loads(namespace["fig"].to_json())
        await self.renderer.png(figure, width=1000, height=600, scale=2.0)
        return time.perf_counter() - started


def duckdb_s(path: Path) -> float:
    started = time.perf_counter()
    with duckdb.connect() as con:
        con.execute(
            "SELECT region, sum(revenue) FROM read_csv(?) GROUP BY region", [str(path)]
        ).fetchall()
    return time.perf_counter() - started


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms"


async def run(args: argparse.Namespace) -> None:
    sales = ROOT / "examples" / "sales.csv"
    content = sales.read_bytes()
    big = cached_sales_csv(Path(tempfile.gettempdir()) / "chartroom-bench", args.big_rows)
    workspace = Path(tempfile.mkdtemp(prefix="chartroom-bench-"))
    image = os.environ.get("SANDBOX_IMAGE", "chartroom-sandbox:latest")
    renderer = RendererProcess(timeout_s=60)
    await renderer.start()
    floor = Floor(sales, renderer)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start")
    overrides = dict(item.split("=", 1) for item in args.set)
    print(f"settings: sandbox image {image}, {overrides or 'defaults'}")
    async with running_stack(
        workspace,
        **overrides,
        max_file_mb=big.stat().st_size // (1024 * 1024) + 2,
        log_level="WARNING",
        sandbox_backend="docker",
        sandbox_image=image,
        sandbox_pool_size=2,
        job_timeout_s=600,
    ) as stack:
        await ask(stack, sales.name, content, f"TW{uuid.uuid4().hex[:9].upper()}")  # warm-up
        await floor.once()
        misses, hits, floors, waits = [], [], [], []
        merge = [structlog.contextvars.merge_contextvars]
        with structlog.testing.capture_logs(processors=merge) as logs:
            miss_ids = set()
            for _ in range(args.rounds):
                await asyncio.sleep(1.0)  # the warm pool refills between answers, as in use
                team = f"TB{uuid.uuid4().hex[:9].upper()}"
                elapsed, job_id, shared = await ask(stack, sales.name, content, team)
                misses.append(elapsed)
                miss_ids.add(job_id)
                waits.append(await queue_wait_ms(stack, job_id))
                await asyncio.sleep(1.0)
                # The same Slack file, the same question, a new thread: found before download.
                hits.append((await ask(stack, sales.name, content, team, shared))[0])
                floors.append(await floor.once())
            big_times, big_ids, duck = [], set(), []
            for _ in range(args.big_rounds):
                await asyncio.sleep(1.0)
                team = f"TG{uuid.uuid4().hex[:9].upper()}"
                elapsed, job_id, _ = await ask(stack, big.name, big.read_bytes(), team)
                big_times.append(elapsed)
                big_ids.add(job_id)
                duck.append(duckdb_s(big))
        miss, floor_s = statistics.median(misses), statistics.median(floors)
        print(f"load average {os.getloadavg()[0]:.1f} at the end; medians of {args.rounds}")
        print(f"event → answer, examples/sales.csv (miss): {ms(misses)}")
        print(f"in-process floor (read + figure + warm PNG): {ms(floors)}")
        print(f"  ratio to the floor: {miss / floor_s:.1f}x")
        print(f"cache hit (same Slack file, same question, new thread): {ms(hits)}")
        print(f"queue wait (ARQ enqueue → start): {statistics.median(waits):,.0f} ms")
        print(f"  worker stages (ms): {stage_medians(logs, miss_ids)}")
        size_mb = big.stat().st_size / 1e6
        big_s, duck_s = statistics.median(big_times), statistics.median(duck)
        print(
            f"{args.big_rows:,}-row CSV ({size_mb:.0f} MB) end to end: {big_s * 1000:,.0f} ms "
            f"(median of {args.big_rounds}); DuckDB's own aggregation {duck_s * 1000:,.0f} ms; "
            f"ratio {big_s / duck_s:.1f}x"
        )
        print(f"  worker stages (ms): {stage_medians(logs, big_ids)}")
    await renderer.aclose()
