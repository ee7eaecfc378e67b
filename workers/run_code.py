"""`python bot.py run-code`: reproduce what the policy and the sandbox do with a code file.

For operators holding a generated snippet from the logs: the same ingest of the data file as a
job, then the policy (unless switched off) and the chosen executor.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core.errors import CodeFailed, CodeRefused, CodeTimedOut
from core.settings import Settings
from ingest.jail import ingest_in_child
from ingest.limits import IngestLimits
from render.limits import trace_points
from sandbox.executor import RunResult
from sandbox.factory import make_executor
from sandbox.policy import check_code

Status = Literal["ok", "refused", "failed"]


@dataclass(frozen=True)
class CodeOutcome:
    status: Status
    detail: str  # refusal reasons, the error, or a summary of the figure
    backend: str


async def run_code_file(
    settings: Settings, code: str, data_path: Path, *, policy: bool
) -> CodeOutcome:
    workdir = Path(tempfile.mkdtemp(prefix="chartroom-run-code-"))
    executor = await asyncio.to_thread(make_executor, settings)  # may ask the Docker daemon
    try:
        if policy:
            try:
                check_code(code)
            except CodeRefused as exc:
                return CodeOutcome("refused", "\n".join(exc.reasons), executor.name)
        ingested = await ingest_in_child(
            data_path, data_path.name, workdir, IngestLimits.from_settings(settings)
        )
        await executor.start()
        try:
            result = await executor.run(code, ingested.parquet_path)
        except CodeTimedOut as exc:
            return CodeOutcome("failed", f"timed out: {exc}", executor.name)
        except CodeFailed as exc:
            return CodeOutcome("failed", exc.detail, executor.name)
        return CodeOutcome("ok", describe_result(result), executor.name)
    finally:
        await executor.aclose()
        shutil.rmtree(workdir, ignore_errors=True)


def describe_result(result: RunResult) -> str:
    figure: dict[str, Any] = result.figure
    traces = figure.get("data") or []
    lines = [f"figure: {len(traces)} trace(s), ran in {result.elapsed_ms:.0f} ms"]
    for i, trace in enumerate(traces[:20]):
        name = f" “{trace['name']}”" if trace.get("name") else ""
        lines.append(f"  [{i}] {trace.get('type', 'scatter')}{name}: {trace_points(trace)} points")
    title = (figure.get("layout") or {}).get("title")
    if isinstance(title, dict) and title.get("text"):
        lines.append(f"title: {title['text']}")
    if result.summary:
        lines.append("summary: " + ", ".join(f"{k}={v}" for k, v in result.summary.items()))
    if result.stdout:
        lines.append("stdout:\n" + result.stdout[-2000:])
    return "\n".join(lines)
