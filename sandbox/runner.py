"""The in-sandbox runner: load the Parquet as `df`, run the chart code, hand back the figure.

This file runs *inside* the sandbox as a standalone script (stdlib, pandas, numpy and plotly
only; it must never import Chartroom's own packages, which are not mounted there). Two modes:

    # local (bubblewrap): code on stdin, result on the pipe the host passed as fd N
    python -I -B runner.py --result-fd N --data /sandbox/data.parquet \
        --max-figure-bytes B --max-stdout-bytes S --cpu-s C --memory-mb M < code.py

    # docker: import the libraries, wait for JOB/ready, then run JOB/code.py on JOB/data.parquet;
    # the result goes to the container's stdout as one framed line (see `RESULT_MARKER`)
    python -I -B runner.py --job-dir /job --max-wait-s 600 --max-figure-bytes B --cpu-s C

Exactly one JSON object is the result:

    {"ok": true, "figure": {...}, "summary": {...}, "table": null, "stdout": "...",
     "elapsed_ms": 12.3}
    {"ok": false, "error_type": "...", "message": "...", "traceback": "..."}

Why a private channel and not plain stdout: chart code may print anything, including something
that looks like a result. The runner moves the channel (the pipe, or the container's original
stdout) to a new close-on-exec descriptor before the code runs; `print()` goes to a capped buffer
and fd 1 to /dev/null, so neither a print, an `os.write(1, ...)` nor a child process reaches it.
Code that deliberately digs the descriptor out of its own process can still write to it; that can
only spoil its own job's answer, and the hosts treat any extra bytes as a corrupted result.
"""

from __future__ import annotations

import argparse
import base64
import builtins
import importlib
import io
import json
import linecache
import math
import os
import resource
import select
import sys
import time
import traceback
from typing import Any

CHART_FILENAME = "<chart code>"
MAX_TRACEBACK_CHARS = 8_000
MAX_MESSAGE_CHARS = 2_000
MAX_SUMMARY_ITEMS = 50
MAX_SUMMARY_STR_CHARS = 1_000
MAX_TABLE_ROWS = 20
MAX_TABLE_COLUMNS = 8

# Docker mode: the result is this marker, the base64 of the result JSON and a newline, and it is
# the only thing on the container's stdout. Base64 keeps the daemon's log file small (its JSON
# lines would escape every quote and `<` of a figure) and makes a torn or doubled frame obvious.
RESULT_MARKER = b"chartroom-result:v1:"
EXIT_NO_JOB = 75  # docker mode: no job arrived within --max-wait-s (EX_TEMPFAIL)
_POLL_S = 0.005  # only when the host made no wake-up pipe (an older host)
_WAKE_CHECK_S = 0.5  # a blocked wait still looks at `ready` this often (a host across NFS)


_OUT_OF_MEMORY = json.dumps(
    {
        "ok": False,
        "error_type": "MemoryError",
        "message": "MemoryError: the chart code ran out of memory",
        "traceback": "MemoryError: the chart code ran out of memory (sandbox memory limit)",
    }
)


class ChartError(Exception):
    """The chart code ran but broke the contract (no `fig`, bad `summary`, figure too large)."""


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first `limit` bytes written to it and counts the rest."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._parts: list[str] = []
        self._size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        room = self._limit - self._size
        encoded = s.encode("utf-8", "replace")
        if room > 0:
            kept = encoded[:room]
            self._parts.append(kept.decode("utf-8", "ignore"))
            self._size += len(kept)
        self.dropped += max(0, len(encoded) - max(room, 0))
        return len(s)

    def getvalue(self) -> str:
        text = "".join(self._parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output dropped]"
        return text


def _apply_limits(cpu_s: int, memory_mb: int, max_file_bytes: int) -> None:
    # Set before pandas is imported, so the imports and the data load count against them too.
    _limit_cpu(cpu_s)
    if memory_mb > 0:  # 0: the container's memory cgroup is the limit
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _limit_cpu(cpu_s: int) -> None:
    # Counted from now: a warm runner has already spent CPU importing and waiting. The hard
    # limit is one second above the soft one: SIGXCPU first, then SIGKILL.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + cpu_s
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))


def _claim_result_fd(fd: int) -> int:
    private = os.dup(fd)  # dup() makes a close-on-exec (non-inheritable) descriptor
    os.close(fd)
    return private


def _tail(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} characters cut]\n" + text[-limit:]


def _format_traceback(exc: BaseException) -> str:
    # Drop the runner's own frames: the person (or the LLM repairing the code) only needs the
    # frames from the chart code down.
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != CHART_FILENAME:
        tb = tb.tb_next
    lines = traceback.format_exception(type(exc), exc, tb if tb is not None else exc.__traceback__)
    return _tail("".join(lines), MAX_TRACEBACK_CHARS)


def _json_scalar(key: str, value: Any) -> str | int | float | bool | None:
    if hasattr(value, "item") and callable(value.item):  # numpy / pandas scalars
        value = value.item()
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value[:MAX_SUMMARY_STR_CHARS]
    raise ChartError(
        f"summary[{key!r}] is a {type(value).__name__}; summary values must be numbers, "
        "strings, booleans or None"
    )


def _summary(namespace: dict[str, Any]) -> dict[str, Any]:
    raw = namespace.get("summary")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ChartError(f"`summary` must be a dict of scalars, not a {type(raw).__name__}")
    if len(raw) > MAX_SUMMARY_ITEMS:
        raise ChartError(f"`summary` has {len(raw)} entries; at most {MAX_SUMMARY_ITEMS} allowed")
    return {str(k): _json_scalar(str(k), v) for k, v in raw.items()}


def _table(namespace: dict[str, Any]) -> dict[str, Any] | None:
    """`result_table`, an optional small DataFrame, as {"columns": [...], "rows": [[...]]}."""
    import pandas as pd

    frame = namespace.get("result_table")
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise ChartError(f"`result_table` must be a pandas DataFrame, not a {type(frame).__name__}")
    if len(frame) > MAX_TABLE_ROWS or len(frame.columns) > MAX_TABLE_COLUMNS:
        raise ChartError(
            f"`result_table` is {len(frame)}×{len(frame.columns)}; at most {MAX_TABLE_ROWS} rows "
            f"and {MAX_TABLE_COLUMNS} columns allowed"
        )
    columns = [str(c)[:MAX_SUMMARY_STR_CHARS] for c in frame.columns]
    rows = [
        [_json_scalar("result_table", _cell(v)) for v in row]
        for row in frame.itertuples(index=False, name=None)
    ]
    return {"columns": columns, "rows": rows}


def _cell(value: Any) -> Any:
    if hasattr(value, "isoformat") and callable(value.isoformat):  # timestamps, dates
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value if isinstance(value, (bool, int, float, str)) or value is None else str(value)


def _figure_json(namespace: dict[str, Any], max_figure_bytes: int) -> str:
    import plotly.graph_objects as go
    from plotly.utils import PlotlyJSONEncoder

    fig = namespace.get("fig")
    if fig is None:
        raise ChartError(
            "the code finished without a figure: assign the Plotly figure to a variable named "
            "`fig` (e.g. `fig = px.bar(df, x=..., y=...)`)"
        )
    if not isinstance(fig, go.Figure):
        raise ChartError(
            f"`fig` is a {type(fig).__module__}.{type(fig).__name__}, not a Plotly figure "
            "(plotly.graph_objects.Figure, as returned by px.* or go.Figure)"
        )
    text = json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder, allow_nan=False)
    size = len(text.encode("utf-8"))
    if size > max_figure_bytes:
        raise ChartError(
            f"the figure's JSON is {size:,} bytes, over the {max_figure_bytes:,} byte limit; "
            "aggregate or sample the data before plotting"
        )
    return text


def _run(code: str, data: str, max_figure_bytes: int, stdout: CappedWriter) -> str:
    """Run the chart code; return the result JSON text (raises on any failure)."""
    started = time.perf_counter()

    import numpy as np
    import pandas as pd
    import plotly.express as px
    import plotly.graph_objects as go

    df = pd.read_parquet(data)
    compiled = compile(code, CHART_FILENAME, "exec")
    # Let tracebacks quote the chart code's own lines.
    linecache.cache[CHART_FILENAME] = (len(code), None, code.splitlines(True), CHART_FILENAME)
    namespace: dict[str, Any] = {
        "__name__": "__chart__",
        "__builtins__": builtins,
        "df": df,
        "pd": pd,
        "np": np,
        "px": px,
        "go": go,
    }
    code_started = time.perf_counter()
    real_stdout = sys.stdout
    sys.stdout = stdout
    try:
        exec(compiled, namespace)  # noqa: S102 - running the chart code is this script's job.
    finally:
        sys.stdout = real_stdout
    code_ms = (time.perf_counter() - code_started) * 1000

    figure = _figure_json(namespace, max_figure_bytes)
    rest = {
        "summary": _summary(namespace),
        "table": _table(namespace),
        "stdout": stdout.getvalue(),
        "elapsed_ms": round(code_ms, 3),
        "total_ms": round((time.perf_counter() - started) * 1000, 3),
    }
    # The figure text is already JSON from plotly's encoder; splice it in rather than parse it.
    return '{"ok": true, "figure": ' + figure + ", " + json.dumps(rest)[1:]


def _error(exc: BaseException) -> str:
    detail = f"ChartError: {exc}" if isinstance(exc, ChartError) else _format_traceback(exc)
    message = f"{type(exc).__name__}: {exc}"[:MAX_MESSAGE_CHARS]
    return json.dumps(
        {
            "ok": False,
            "error_type": type(exc).__name__,
            "message": message,
            "traceback": detail,
        }
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _execute(code: str, data: str, args: argparse.Namespace) -> bytes:
    stdout = CappedWriter(args.max_stdout_bytes)
    try:
        payload = _run(code, data, args.max_figure_bytes, stdout)
    except BaseException as exc:  # every failure of the code goes back as data
        try:
            payload = _error(exc)
        except MemoryError:
            # Formatting the traceback needs memory the code may have used up.
            payload = _OUT_OF_MEMORY
    return payload.encode("utf-8")


def _claim_stdout() -> int:
    """Keep the real stdout as a private close-on-exec fd; fd 1 becomes /dev/null."""
    private = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return private


def _preload() -> None:
    """Import the libraries and draw a throwaway figure: a warm job pays only for its own work."""
    import numpy  # noqa: F401
    import pandas
    import plotly.express as px

    importlib.import_module("pyarrow.parquet")  # pandas.read_parquet imports it on first use
    from plotly.utils import PlotlyJSONEncoder

    buffer = io.BytesIO()
    pandas.DataFrame({"x": ["a"], "y": [1]}).to_parquet(buffer)
    df = pandas.read_parquet(buffer)
    json.dumps(px.bar(df, x="x", y="y").to_plotly_json(), cls=PlotlyJSONEncoder)


def _wait_for(path: str, wake_path: str, max_wait_s: float) -> bool:
    """Wait for the file `path`, asleep on the pipe `wake_path` (the host writes to it once
    `path` exists) instead of polling. The pipe is opened before `path` is checked, so a wake
    sent before the check is not needed and one sent after it is not lost."""
    deadline = time.monotonic() + max_wait_s
    try:
        wake = os.open(wake_path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        wake = -1
    try:
        poller = select.poll()
        if wake >= 0:
            poller.register(wake, select.POLLIN)
        while not os.path.exists(path):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if wake < 0:
                time.sleep(_POLL_S)
                continue
            events = poller.poll(min(remaining, _WAKE_CHECK_S) * 1000)
            if events and not _drain(wake):  # the writer came and went: no more wakes
                poller.unregister(wake)
                os.close(wake)
                wake = -1
        return True
    finally:
        if wake >= 0:
            os.close(wake)


def _drain(fd: int) -> bool:
    """Read what the pipe holds; False at end of file (every writer closed it)."""
    try:
        return bool(os.read(fd, 64))
    except BlockingIOError:
        return True


def _main_job_dir(args: argparse.Namespace) -> int:
    result_fd = _claim_stdout()
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.max_file_bytes, args.max_file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.memory_mb > 0:
        memory = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    job = args.job_dir
    if not os.path.exists(os.path.join(job, "ready")):
        try:
            _preload()  # a pool container: use the idle time
        except Exception as exc:  # the job's own imports will fail again and report it as data
            print(f"runner: preloading failed: {exc!r}", file=sys.stderr)
        if not _wait_for(os.path.join(job, "ready"), os.path.join(job, "wake"), args.max_wait_s):
            return EXIT_NO_JOB
    _limit_cpu(args.cpu_s)
    with open(os.path.join(job, "code.py"), encoding="utf-8") as f:
        code = f.read()
    payload = _execute(code, os.path.join(job, "data.parquet"), args)
    _write_all(result_fd, RESULT_MARKER + base64.b64encode(payload) + b"\n")
    os.close(result_fd)
    # Skip the interpreter's teardown (a few hundred ms with pandas loaded) and any threads the
    # code left running: the container ends the moment the result is out.
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--result-fd", type=int, help="local mode: the result pipe's fd")
    mode.add_argument("--job-dir", help="docker mode: wait for JOB_DIR/ready, result on stdout")
    parser.add_argument("--data", help="local mode: the Parquet file")
    parser.add_argument("--max-wait-s", type=float, default=600.0)
    parser.add_argument("--max-figure-bytes", type=int, required=True)
    parser.add_argument("--max-stdout-bytes", type=int, default=64 * 1024)
    parser.add_argument("--cpu-s", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, default=0, help="address-space limit; 0: none")
    parser.add_argument("--max-file-bytes", type=int, default=64 * 1024 * 1024)
    args = parser.parse_args(argv)
    if args.job_dir is not None:
        return _main_job_dir(args)
    if args.data is None:
        parser.error("--data is required with --result-fd")

    result_fd = _claim_result_fd(args.result_fd)
    _apply_limits(args.cpu_s, args.memory_mb, args.max_file_bytes)
    code = sys.stdin.read()
    _write_all(result_fd, _execute(code, args.data, args))
    os.close(result_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
