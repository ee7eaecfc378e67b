"""Run a pushed-down chart query (`planner.compile_sql`) with DuckDB, in the worker.

The query reads only the job's normalized Parquet (written by our own ingest child) and binds
every value from the question as a parameter. DuckDB's file access is limited to the Parquet's
own folder, and its threads and memory to the settings given. The aggregated rows go to a small
Parquet beside the data, which the sandbox reads as `df`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from planner.compile_sql import PushedDown


@dataclass(frozen=True)
class Aggregated:
    """The aggregated rows' Parquet, the chart code that reads them, and what it took."""

    path: Path
    code: str
    rows: int
    elapsed_ms: float


@dataclass(frozen=True)
class PushdownLimits:
    """DuckDB's threads and memory for one query."""

    threads: int = 2
    memory_mb: int = 1024


class PushdownFailed(RuntimeError):
    """DuckDB could not run the query; the caller answers on the pandas path instead."""


def aggregate(
    pushed: PushedDown, data_path: Path, out_path: Path, limits: PushdownLimits | None = None
) -> Aggregated:
    """Run `pushed` over `data_path`, write the groups to `out_path`. Blocking: call it in a
    thread. Raises `PushdownFailed` when DuckDB refuses or fails."""
    start = time.perf_counter()
    limits = limits or PushdownLimits()
    config: dict[str, str | bool | int | float | list[str]] = {
        "threads": limits.threads,
        "memory_limit": f"{limits.memory_mb}MB",
    }
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error as exc:
        raise PushdownFailed(f"DuckDB did not start: {exc}") from exc
    try:
        con.sql("SET allowed_directories = ?", params=[[str(data_path.parent.resolve()) + "/"]])
        con.sql("SET enable_external_access = false")
        params = [str(data_path.resolve()), *pushed.params]
        rows = con.sql(pushed.counts_sql, params=params).fetchall()
        row = rows[0] if rows else None
        rows_total, rows_used = (int(row[0]), int(row[1])) if row else (0, 0)
        table = con.sql(pushed.sql, params=params).to_arrow_table()
    except duckdb.Error as exc:
        raise PushdownFailed(f"DuckDB failed: {exc}") from exc
    finally:
        con.close()
    table = table.rename_columns(pushed.names)
    pq.write_table(table, out_path)
    return Aggregated(
        path=out_path,
        code=pushed.code(rows_total, rows_used),
        rows=table.num_rows,
        elapsed_ms=(time.perf_counter() - start) * 1000,
    )
