"""Time each stage of the local pipeline, and report medians and peak memory.

    .venv/bin/python bench/pipeline.py [--repeats 5] [--big-rows 1000000] [--skip-big]

Stages: load (parse the file), normalize (+ write Parquet), profile, plan (+ compile), sandbox
(one run of the chart code in the local executor), render (PNG through the jailed renderer
process; the first call of a fresh one is "cold", later ones "warm"), html. Files:
examples/sales.csv and a generated CSV of `--big-rows` rows. Then the sandbox's own overhead on a
trivial figure: local bubblewrap, a cold hardened `docker run`, and the Docker warm pool
(needs dockerd and the image from scripts/build-sandbox-image.sh; `--skip-docker` to leave out).
Everything is measured in one run so ratios are comparable; the machine is shared and noisy, so
read medians, not single runs.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sales_data import write_sales_csv  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.arrow_pandas import write_parquet  # noqa: E402
from ingest.limits import IngestLimits  # noqa: E402
from ingest.load import load_file  # noqa: E402
from ingest.normalize import normalize_columns  # noqa: E402
from ingest.profiling import profile_table  # noqa: E402
from planner.compile import compile_chart  # noqa: E402
from planner.rules import plan_from_rules  # noqa: E402
from render.html import figure_html  # noqa: E402
from render.process import RendererProcess  # noqa: E402
from sandbox.executor import Executor  # noqa: E402
from sandbox.factory import make_executor  # noqa: E402

QUESTION = "monthly revenue by region"


class Stopwatch:
    def __init__(self) -> None:
        self._last = time.perf_counter()

    def lap(self) -> float:
        """Milliseconds since the previous lap (or since the stopwatch was made)."""
        now = time.perf_counter()
        elapsed, self._last = (now - self._last) * 1000, now
        return elapsed


async def bench_file(
    path: Path, repeats: int, settings: Settings, renderer: RendererProcess
) -> dict[str, list[float]]:
    limits = IngestLimits.from_settings(settings)
    executor = forced_executor(settings, "local")
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(repeats):
            clock = Stopwatch()
            loaded = load_file(path, path.name, limits)
            t_load = clock.lap()
            norm = normalize_columns(loaded.columns, loaded.labels, decimal=loaded.decimal)
            parquet = Path(scratch) / "data.parquet"
            write_parquet(norm.table, parquet)
            t_norm = clock.lap()
            profile = profile_table(norm.table, file_name=path.name, file_kind=loaded.kind)
            t_profile = clock.lap()
            code = compile_chart(plan_from_rules(QUESTION, profile).primary, profile)
            t_plan = clock.lap()
            run = await executor.run(code, parquet)
            t_sandbox = clock.lap()
            await renderer.png(run.figure, width=1000, height=600, scale=2.0)
            t_render = clock.lap()
            figure_html(run.figure)
            t_html = clock.lap()
            for name, value in (
                ("load", t_load),
                ("normalize+parquet", t_norm),
                ("profile", t_profile),
                ("plan+compile", t_plan),
                ("sandbox", t_sandbox),
                ("render (warm)", t_render),
                ("html", t_html),
            ):
                times.setdefault(name, []).append(value)
    await executor.aclose()
    return times


TRIVIAL_CODE = "fig = px.bar(x=['a', 'b'], y=[1, 2])"


def forced_executor(settings: Settings, backend: str, pool_size: int = 0) -> Executor:
    """The executor the worker would build, with the backend and pool size forced."""
    forced = settings.model_copy(
        update={"sandbox_backend": backend, "sandbox_pool_size": pool_size}
    )
    return make_executor(forced)


async def sandbox_overhead(
    executor: Executor, parquet: Path, runs: int, *, settle_s: float = 0.0
) -> list[float]:
    """Wall time of `runs` runs of a trivial figure, one after another. `settle_s` lets a warm
    pool refill between runs, as it would between real jobs."""
    times = []
    for _ in range(runs):
        if settle_s:
            await asyncio.sleep(settle_s)
        clock = Stopwatch()
        await executor.run(TRIVIAL_CODE, parquet)
        times.append(clock.lap())
    return times


async def bench_sandboxes(settings: Settings, runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        parquet = Path(scratch) / "data.parquet"
        pd.DataFrame({"a": [1, 2, 3]}).to_parquet(parquet)
        results: dict[str, list[float]] = {}
        local = forced_executor(settings, "local")
        results["local (bubblewrap)"] = await sandbox_overhead(local, parquet, runs)
        await local.aclose()
        cold = forced_executor(settings, "docker")
        await cold.start()
        results["docker, cold run"] = await sandbox_overhead(cold, parquet, runs)
        await cold.aclose()
        warm = forced_executor(settings, "docker", pool_size=2)
        await warm.start()
        await asyncio.sleep(3)  # let the pool's containers import pandas and plotly
        results["docker, warm pool"] = await sandbox_overhead(warm, parquet, runs, settle_s=2.5)
        await warm.aclose()
    print(f"\nsandbox overhead, trivial figure, {runs} runs each (median ms)")
    for name, values in results.items():
        print(f"  {name:<22} {statistics.median(values):8.1f}")
    ratio = statistics.median(results["docker, cold run"]) / statistics.median(
        results["docker, warm pool"]
    )
    print(f"  cold / warm-pool ratio {ratio:8.1f}x")


def ingest_peak_mb(path: Path, settings: Settings) -> float:
    """Peak Python-tracked allocation (numpy/pandas buffers included) of load → profile."""
    limits = IngestLimits.from_settings(settings)
    tracemalloc.start()
    loaded = load_file(path, path.name, limits)
    norm = normalize_columns(loaded.columns, loaded.labels, decimal=loaded.decimal)
    profile_table(norm.table, file_name=path.name, file_kind=loaded.kind)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


async def cold_vs_warm_render(settings: Settings, repeats: int) -> tuple[list[float], list[float]]:
    """Cold: start a new Chromium and render once. Warm: render again on the same one."""
    figure = {
        "data": [{"type": "bar", "x": ["a", "b", "c"], "y": [3, 1, 2]}],
        "layout": {"title": {"text": "bench"}},
    }
    cold, warm = [], []
    for _ in range(repeats):
        renderer = RendererProcess(timeout_s=settings.render_timeout_s)
        started = time.perf_counter()
        await renderer.start()
        await renderer.png(figure, width=1000, height=600, scale=2.0)
        cold.append((time.perf_counter() - started) * 1000)
        for _ in range(3):
            clock = Stopwatch()
            await renderer.png(figure, width=1000, height=600, scale=2.0)
            warm.append(clock.lap())
        await renderer.aclose()
    return cold, warm


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"  {'stage':<20} {'median ms':>10} {'min ms':>9} {'max ms':>9}  runs")
    total = 0.0
    for name, values in times.items():
        median = statistics.median(values)
        total += median
        low, high = min(values), max(values)
        print(f"  {name:<20} {median:>10.1f} {low:>9.1f} {high:>9.1f}  {len(values)}")
    print(f"  {'sum of medians':<20} {total:>10.1f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-docker", action="store_true")
    args = parser.parse_args()
    settings = Settings(_env_file=None, sandbox_timeout_s=120, sandbox_cpu_s=120)

    cold, warm = await cold_vs_warm_render(settings, repeats=max(3, args.repeats // 2))
    print("render, tiny bar chart (1000x600 @2x)")
    print(f"  cold (start Chromium + first PNG) median {statistics.median(cold):8.1f} ms")
    print(f"  warm (same Chromium)              median {statistics.median(warm):8.1f} ms")
    ratio = statistics.median(cold) / statistics.median(warm)
    print(f"  cold / warm ratio                 {ratio:8.1f}x")

    renderer = RendererProcess(timeout_s=settings.render_timeout_s)
    await renderer.start()
    sample = ROOT / "examples" / "sales.csv"
    report(
        f"examples/sales.csv ({sample.stat().st_size / 1e6:.2f} MB), question {QUESTION!r}",
        await bench_file(sample, args.repeats, settings, renderer),
    )
    print(f"  ingest peak (tracemalloc)  {ingest_peak_mb(sample, settings):.1f} MB")
    if not args.skip_big:
        with tempfile.TemporaryDirectory() as scratch:
            big = Path(scratch) / "big.csv"
            write_sales_csv(big, args.big_rows)
            report(
                f"generated {args.big_rows:,}-row CSV ({big.stat().st_size / 1e6:.1f} MB)",
                await bench_file(big, max(2, args.repeats // 2), settings, renderer),
            )
            print(f"  ingest peak (tracemalloc)  {ingest_peak_mb(big, settings):.1f} MB")
    await renderer.aclose()
    if not args.skip_docker:
        await bench_sandboxes(settings, runs=max(10, args.repeats * 2))
    # Only this process: a forked child inherits its parent's RSS high-water mark, so
    # RUSAGE_CHILDREN would report this same figure, not the sandbox's own use.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the benchmark process: {own:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
