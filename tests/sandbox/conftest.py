"""Fixtures for the sandbox tests: a real Parquet file and a real bubblewrap executor."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec, Filter
from sandbox.local import LocalExecutor

if shutil.which("bwrap") is None:
    pytest.fail("bubblewrap is required for these tests: apt-get install bubblewrap")

MakeExecutor = Callable[..., LocalExecutor]


@pytest.fixture
def sales_parquet(tmp_path: Path) -> Path:
    path = tmp_path / "sales.parquet"
    pd.DataFrame(
        {
            "region": ["North", "South", "East", "West"] * 25,
            "revenue": [float(i) for i in range(100)],
        }
    ).to_parquet(path)
    return path


@pytest.fixture
def make_executor() -> MakeExecutor:
    """Factory for executors with test-friendly limits; override any of them by keyword."""

    def make(**overrides: object) -> LocalExecutor:
        options: dict[str, object] = {
            "timeout_s": 20.0,
            "cpu_s": 15,
            "memory_mb": 2048,
            "max_output_bytes": 5 * 1024 * 1024,
        }
        options.update(overrides)
        return LocalExecutor(**options)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def executor(make_executor: MakeExecutor) -> AsyncIterator[LocalExecutor]:
    ex = make_executor()
    yield ex
    await ex.aclose()


@dataclass(frozen=True)
class HostileChart:
    """Compiled chart code for a file whose column names look like code, and what it must draw."""

    parquet: Path
    code: str
    bars: dict[str, float]


@pytest.fixture
def hostile_chart(tmp_path: Path) -> HostileChart:
    frame = pd.DataFrame(
        {
            "__class__": ["__globals__", "{0.os}", "__globals__", "https://x.example"],
            "os.system": [1.0, 2.0, 3.0, 4.0],
            'it\'s "q"\nline': ["a", "b", "a", "b"],
        }
    )
    path = tmp_path / "hostile.parquet"
    frame.to_parquet(path)
    spec = ChartSpec(
        chart_type="bar",
        x="__class__",
        y="os.system",
        aggregate="sum",
        filters=[Filter(column='it\'s "q"\nline', op="ne", value="__import__")],
        title="{0.__class__} by __class__",
    )
    code = compile_chart(spec, build_profile(frame, file_name="h.csv", file_kind="csv"))
    return HostileChart(path, code, {"__globals__": 4.0, "{0.os}": 2.0, "https://x.example": 4.0})
