"""Chart code over the whole file in the sandbox, against DuckDB grouping first (pushdown).

    .venv/bin/python bench/pushdown.py [--rows 5000,1000000] [--repeats 5] [--backend docker]

For each generated sales file (ingested once by the real jailed ingest) and each question (planned
by the rules): the pandas path (`compile_chart`'s code run by the sandbox over the whole Parquet)
and the pushed-down path (`compile_sql` + `workers.pushdown.aggregate` in the worker, then the
code after grouping run by the sandbox over the grouped rows). Reports the median wall time of
each (sandbox run included, rendering not), the ratio, the bytes handed to the sandbox and the
groups. Both paths run in the same loop, alternating, so the shared machine's noise hits both.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pipeline import forced_executor  # noqa: E402
from bench.sales_data import cached_sales_csv  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.jail import ingest_in_child  # noqa: E402
from ingest.limits import IngestLimits  # noqa: E402
from planner.compile import compile_chart  # noqa: E402
from planner.compile_sql import Fallback, compile_pushdown  # noqa: E402
from planner.rules import plan_from_rules  # noqa: E402
from workers.pushdown import aggregate  # noqa: E402

QUESTIONS = [
    "monthly revenue by region",
    "total revenue by product",
    "average units per week",
    "top 3 regions by revenue in 2023",
]
LIMITS = IngestLimits(max_bytes=2 * 1024**3, max_rows=20_000_000, max_columns=500, timeout_s=600)


async def bench_rows(rows: int, repeats: int, backend: str, settings: Settings) -> None:
    executor = forced_executor(settings, backend, pool_size=2 if backend == "docker" else 0)
    await executor.start()
    source = cached_sales_csv(Path(tempfile.gettempdir()) / "chartroom-bench", rows)
    with tempfile.TemporaryDirectory() as scratch:
        ingested = await ingest_in_child(source, source.name, Path(scratch), LIMITS)
        parquet, profile = ingested.parquet_path, ingested.profile
        print(f"\n{rows:,} rows ({parquet.stat().st_size / 1e6:.1f} MB Parquet), {backend}")
        print(
            f"{'question':34} {'pandas':>8} {'pushdown':>9} {'of it SQL':>9} {'ratio':>6} "
            f"{'groups':>6} bytes to the sandbox"
        )
        for question in QUESTIONS:
            spec = plan_from_rules(question, profile).primary
            pushed = compile_pushdown(spec, profile)
            if isinstance(pushed, Fallback):
                print(f"{question:34} stays on pandas: {pushed.reason}")
                continue
            code = compile_chart(spec, profile)
            full, down, duck = [], [], []
            grouped = None
            for i in range(repeats):
                if backend == "docker":
                    await asyncio.sleep(1.0)  # the warm pool refills between jobs, as in real use
                started = time.perf_counter()
                await executor.run(code, parquet)
                full.append((time.perf_counter() - started) * 1000)
                if backend == "docker":
                    await asyncio.sleep(1.0)
                started = time.perf_counter()
                out = Path(scratch) / f"groups-{i}.parquet"
                grouped = await asyncio.to_thread(aggregate, pushed, parquet, out)
                await executor.run(grouped.code, grouped.path)
                down.append((time.perf_counter() - started) * 1000)
                duck.append(grouped.elapsed_ms)
            assert grouped is not None
            a, b, c = statistics.median(full), statistics.median(down), statistics.median(duck)
            sent = f"{parquet.stat().st_size:,} → {grouped.path.stat().st_size:,}"
            print(
                f"{question:34} {a:6.0f}ms {b:7.0f}ms {c:7.0f}ms {a / b:5.1f}x "
                f"{grouped.rows:6} {sent}"
            )
    await executor.aclose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="5000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--backend", default="docker", choices=["docker", "local"])
    args = parser.parse_args()
    settings = Settings(_env_file=None)
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
        f"medians of {args.repeats}"
    )
    for rows in (int(r) for r in args.rows.split(",")):
        await bench_rows(rows, args.repeats, args.backend, settings)


if __name__ == "__main__":
    asyncio.run(main())
