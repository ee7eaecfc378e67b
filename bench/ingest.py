"""Time the jailed ingest on generated sales CSVs, against DuckDB's own aggregation of each file.

    .venv/bin/python bench/ingest.py [--repeats 3] [--big-repeats 1] [--rows 5000,1000000,10000000]

For each size: the ingest the worker runs (`ingest_in_child`: read, normalize, write Parquet,
profile, in the memory-limited child) with the child's peak resident memory, and the floor:
DuckDB's `SELECT region, sum(revenue) ... GROUP BY region` straight over the CSV. Then the two
candidate readers on the 1M-row file, each alone in a fresh process: pyarrow's CSV reader and
DuckDB's `read_csv`, every cell as text (what type inference needs), with peak memory. The
generated files are cached under the temp folder. Everything is measured in one run; the machine
is shared, so the load average is printed beside the medians, and CPU seconds beside wall time.

The figures for the old pandas path were measured before it was replaced (commit c82e11e, one
fresh process per run, medians of 3, one run for 10M rows) and are printed as recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sales_data import cached_sales_csv  # noqa: E402
from ingest.jail import ingest_in_child, start_ingest_server  # noqa: E402
from ingest.limits import IngestLimits  # noqa: E402

# seconds, peak MB: the pandas ingest before this change, measured on this machine.
OLD_PATH = {5_000: (0.49, 184), 1_000_000: (11.86, 505), 10_000_000: (184.15, 3361)}
# The default memory and CPU limits of the ingest child; a longer wait for slow shared machines.
LIMITS = IngestLimits(max_bytes=2 * 1024**3, max_rows=20_000_000, max_columns=500, timeout_s=600)
MB = 1024 * 1024


def floor_s(path: Path) -> float:
    """DuckDB reading and aggregating the CSV itself: the least any ingest could cost."""
    import duckdb  # here, not at the top: the fork server imports this module, children inherit

    started = time.perf_counter()
    with duckdb.connect() as con:
        con.execute(
            "SELECT region, sum(revenue) FROM read_csv(?) GROUP BY region", [str(path)]
        ).fetchall()
    return time.perf_counter() - started


async def jailed_ingest(path: Path) -> tuple[float, float, float, float]:
    """Seconds, the child's peak MB, the worker's own resident MB after, the child's CPU s."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        data = await ingest_in_child(path, path.name, Path(scratch), LIMITS)
        elapsed = time.perf_counter() - started
    return elapsed, (data.peak_rss_bytes or 0) / MB, resident_mb(), data.cpu_s or 0.0


def resident_mb() -> float:
    """This process's resident memory now (the worker's side of the jail)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reader_alone(reader: str, path: Path) -> dict[str, float]:
    """Run one reader in a fresh process; its seconds, CPU seconds and peak MB."""
    out = subprocess.run(
        [sys.executable, __file__, "--reader", reader, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_reader(reader: str, path: Path) -> None:
    """The body of `reader_alone`, in the fresh process: print one JSON line."""
    import duckdb
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    started, cpu = time.perf_counter(), time.process_time()
    if reader == "pyarrow":
        names = [f"c{i}" for i in range(5)]
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 * MB),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )
    else:
        with duckdb.connect() as con:
            table = con.execute(
                "SELECT * FROM read_csv(?, all_varchar=true, header=false)", [str(path)]
            ).to_arrow_table()
    rows = table.num_rows
    print(
        json.dumps(
            {
                "s": time.perf_counter() - started,
                "cpu_s": time.process_time() - cpu,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rows": rows,
            }
        )
    )


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.gettempdir()) / "chartroom-bench-ingest"
    sizes = [int(n) for n in args.rows.split(",")]
    files = {rows: cached_sales_csv(folder, rows) for rows in sizes}
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    started = time.perf_counter()
    await start_ingest_server()
    print(f"fork server start (once per worker): {time.perf_counter() - started:.2f} s\n")

    header = (
        f"{'rows':>11} {'MB':>5} | {'old s':>6} {'old MB':>6} | {'new s':>6} {'CPU s':>6} "
        f"{'child MB':>8} {'worker MB':>9} | {'DuckDB s':>8} {'new/DuckDB':>10} {'old/new':>7}"
    )
    print(header)
    print("-" * len(header))
    for rows, path in files.items():
        repeats = args.repeats if rows <= 1_000_000 else args.big_repeats
        runs = [await jailed_ingest(path) for _ in range(repeats)]
        floors = [floor_s(path) for _ in range(repeats)]
        seconds = statistics.median(r[0] for r in runs)
        child_mb = statistics.median(r[1] for r in runs)
        worker_mb = max(r[2] for r in runs)
        cpu_s = statistics.median(r[3] for r in runs)
        floor = statistics.median(floors)
        old_s, old_mb = OLD_PATH.get(rows, (float("nan"), float("nan")))
        print(
            f"{rows:>11,} {path.stat().st_size / 1e6:>5.0f} | {old_s:>6.2f} {old_mb:>6.0f} | "
            f"{seconds:>6.2f} {cpu_s:>6.2f} {child_mb:>8.0f} {worker_mb:>9.0f} | {floor:>8.2f} "
            f"{seconds / floor:>9.1f}x {old_s / seconds:>6.1f}x"
        )
    readers_on = files.get(1_000_000) or next(iter(files.values()))
    print(f"\nreaders alone on {readers_on.name}, every cell as text (medians of {args.repeats}):")
    for reader in ("pyarrow", "duckdb"):
        results = [reader_alone(reader, readers_on) for _ in range(args.repeats)]
        print(
            f"  {reader:<8} {statistics.median(r['s'] for r in results):.2f} s, "
            f"{statistics.median(r['cpu_s'] for r in results):.2f} CPU s, "
            f"peak {statistics.median(r['peak_mb'] for r in results):.0f} MB"
        )
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big-repeats", type=int, default=1)
    parser.add_argument("--rows", default="5000,1000000,10000000")
    parser.add_argument("--reader", choices=["pyarrow", "duckdb"], help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.reader:
        run_reader(parsed.reader, Path(parsed.path))
    else:
        asyncio.run(main(parsed))
