"""Fixtures for the sandbox tests: a real Parquet file and a real bubblewrap executor."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pandas as pd
import pytest

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
