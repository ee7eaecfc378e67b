"""The pipeline groups a chart in DuckDB before the sandbox, and the answer is the same.

A real jailed ingest, the real bubblewrap sandbox and the real renderer process; the executor is
wrapped only to note how many rows each run was handed.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.settings import Settings
from ingest.limits import IngestLimits
from render.process import RendererProcess
from sandbox.executor import Executor, RunResult
from sandbox.factory import make_executor
from workers.pipeline import Pipeline
from workers.pushdown import PushdownLimits


def numbers(values: Any) -> np.ndarray[Any, Any]:
    """A figure's array, whether Plotly packed it (base64 with its dtype) or listed it."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


SALES = Path(__file__).resolve().parents[2] / "examples" / "sales.csv"


class CountingExecutor:
    """The real executor, noting the rows of every table it is handed."""

    def __init__(self, inner: Executor) -> None:
        self.inner, self.name = inner, inner.name
        self.rows: list[int] = []

    async def start(self) -> None:
        await self.inner.start()

    async def run(self, code: str, data_path: Path) -> RunResult:
        self.rows.append(len(pd.read_parquet(data_path)))
        return await self.inner.run(code, data_path)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def pipeline() -> AsyncIterator[Pipeline]:
    settings = Settings(_env_file=None, sandbox_backend="local")
    executor = CountingExecutor(make_executor(settings))
    renderer = RendererProcess(timeout_s=60)
    made = Pipeline(executor, renderer, IngestLimits.from_settings(settings))
    yield made
    await renderer.aclose()
    await executor.aclose()


async def test_the_sandbox_gets_the_groups_and_draws_what_the_whole_file_draws(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    executor = pipeline.executor
    assert isinstance(executor, CountingExecutor)
    data = await pipeline.ingest(SALES, SALES.name, tmp_path / "work")

    whole = await pipeline.answer(data, "total revenue by region")
    pipeline.pushdown = PushdownLimits(threads=1, memory_mb=256)
    grouped = await pipeline.answer(data, "total revenue by region")

    regions = pd.read_csv(SALES)["region"].nunique()
    assert executor.rows == [data.profile.rows, regions]  # the file, then one row per region
    before, after = whole.charts[0], grouped.charts[0]
    assert [bar["x"] for bar in after.figure["data"]] == [bar["x"] for bar in before.figure["data"]]
    for bar_after, bar_before in zip(after.figure["data"], before.figure["data"], strict=True):
        # Equal but for the order DuckDB and pandas add floats in.
        assert np.allclose(numbers(bar_after["y"]), numbers(bar_before["y"]), rtol=1e-12, atol=0)
    assert after.summary.keys() == before.summary.keys()
    for key, value in before.summary.items():
        close = isinstance(value, float) and after.summary[key] == pytest.approx(value, rel=1e-12)
        assert close or after.summary[key] == value, key
    # The chart's code stays the code over the whole file: "show code" and restyles reuse it.
    assert after.code == before.code
