"""The one seam every sandbox backend implements: run chart code against a Parquet file.

Contract for the code that runs: the runner loads the job's Parquet read-only as `df` (pandas),
with `pd`, `np`, `px` and `go` already imported; the code must leave a Plotly figure in `fig` and
may leave a flat dict of scalars in `summary` (numbers the result message quotes, computed from the
data) and a small DataFrame in `result_table` (at most 20 rows). The runner returns the figure as
JSON, the summary, the table, captured stdout (capped) and timings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from core.errors import CodeFailed

SummaryValue = str | int | float | bool | None


class TableData(BaseModel):
    """A small table computed by the code (`result_table`): column names and rows of scalars."""

    columns: list[str]
    rows: list[list[SummaryValue]]


class RunResult(BaseModel):
    figure: dict[str, Any]
    summary: dict[str, SummaryValue] = Field(default_factory=dict)
    table: TableData | None = None
    stdout: str = ""
    elapsed_ms: float


class Executor(Protocol):
    """Runs untrusted chart code away from the worker's process.

    Raises `core.errors.CodeFailed` (the code raised, or left no figure), `CodeTimedOut`, or
    `SandboxUnavailable` (the backend itself is broken).
    """

    @property
    def name(self) -> str:
        """The backend that runs the code now: "docker", "local" (or "none")."""

    async def start(self) -> None:
        """Get ready for runs (e.g. fill a warm pool); called once at worker start-up."""

    async def run(self, code: str, data_path: Path) -> RunResult: ...

    async def aclose(self) -> None: ...


def result_from_json(payload: bytes) -> RunResult:
    """Parse the runner's result document; anything malformed is the code's failure."""
    try:
        data = json.loads(payload)
    except ValueError:
        raise CodeFailed("the sandbox's result held invalid JSON") from None
    if not isinstance(data, dict):
        raise CodeFailed("the sandbox's result held something other than a result")
    if not data.get("ok"):
        raise CodeFailed(str(data.get("traceback") or data.get("message") or "unknown error"))
    try:
        return RunResult.model_validate(
            {k: data.get(k) for k in ("figure", "summary", "table", "stdout", "elapsed_ms")}
        )
    except ValidationError as exc:
        raise CodeFailed(f"the sandbox returned a malformed result: {exc}") from exc
