"""The one seam every sandbox backend implements: run chart code against a Parquet file.

Contract for the code that runs: the runner loads the job's Parquet read-only as `df` (pandas),
with `pd`, `np`, `px` and `go` already imported; the code must leave a Plotly figure in `fig` and
may leave a flat dict of scalars in `summary` (numbers the result message quotes, computed from the
data). The runner returns the figure as JSON, the summary, captured stdout (capped) and timings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

SummaryValue = str | int | float | bool | None


class RunResult(BaseModel):
    figure: dict[str, Any]
    summary: dict[str, SummaryValue] = Field(default_factory=dict)
    stdout: str = ""
    elapsed_ms: float


class Executor(Protocol):
    """Runs untrusted chart code away from the worker's process.

    Raises `core.errors.CodeFailed` (the code raised, or left no figure), `CodeTimedOut`, or
    `SandboxUnavailable` (the backend itself is broken).
    """

    name: str

    async def start(self) -> None:
        """Get ready for runs (e.g. fill a warm pool); called once at worker start-up."""

    async def run(self, code: str, data_path: Path) -> RunResult: ...

    async def aclose(self) -> None: ...
