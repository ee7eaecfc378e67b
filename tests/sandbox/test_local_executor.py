"""LocalExecutor against real bubblewrap: results, failures, limits and isolation."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.errors import CodeFailed, CodeTimedOut, SandboxUnavailable
from core.settings import Settings
from post.chart_data import values
from sandbox.factory import make_executor as make_from_settings
from sandbox.guarded import PolicyCheckedExecutor
from sandbox.local import LocalExecutor
from tests.sandbox.conftest import HostileChart

MakeExecutor = Callable[..., LocalExecutor]
REPO_ROOT = Path(__file__).resolve().parents[2]

BAR_CODE = """
totals = df.groupby("region", as_index=False)["revenue"].sum()
fig = px.bar(totals, x="region", y="revenue", title="Revenue by region")
summary = {"total_revenue": totals["revenue"].sum(), "regions": len(totals), "top": "North"}
print("rows:", len(df))
"""


async def test_bar_chart_returns_figure_json_and_summary(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    result = await executor.run(BAR_CODE, sales_parquet)

    trace = result.figure["data"][0]
    assert trace["type"] == "bar"
    assert trace["x"] == ["East", "North", "South", "West"]
    assert result.figure["layout"]["title"]["text"] == "Revenue by region"
    assert result.summary == {"total_revenue": 4950.0, "regions": 4, "top": "North"}
    assert result.stdout == "rows: 100\n"
    assert result.elapsed_ms > 0
    json.dumps(result.figure)  # plain JSON all the way down


async def test_runs_concurrently(executor: LocalExecutor, sales_parquet: Path) -> None:
    results = await asyncio.gather(*(executor.run(BAR_CODE, sales_parquet) for _ in range(3)))
    assert [r.summary["regions"] for r in results] == [4, 4, 4]


async def test_code_that_raises_gives_its_traceback(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    code = 'fig = px.bar(df, x="region", y="revenue")\ndf["no_such_column"].sum()\n'
    with pytest.raises(CodeFailed) as info:
        await executor.run(code, sales_parquet)
    detail = info.value.detail
    assert "KeyError" in detail
    assert "no_such_column" in detail
    assert 'File "<chart code>", line 2' in detail
    assert "runner.py" not in detail  # only the chart code's frames and below


async def test_code_without_fig_is_refused_clearly(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    with pytest.raises(CodeFailed, match="variable named `fig`"):
        await executor.run("total = df['revenue'].sum()", sales_parquet)


async def test_fig_that_is_not_a_plotly_figure_is_refused(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    with pytest.raises(CodeFailed, match="not a Plotly figure"):
        await executor.run("fig = {'data': []}", sales_parquet)


async def test_summary_must_hold_scalars(executor: LocalExecutor, sales_parquet: Path) -> None:
    code = "fig = go.Figure()\nsummary = {'rows': [1, 2]}"
    with pytest.raises(CodeFailed, match="summary values must be numbers"):
        await executor.run(code, sales_parquet)


async def test_busy_loop_hits_the_wall_clock_timeout(
    make_executor: MakeExecutor, sales_parquet: Path
) -> None:
    executor = make_executor(timeout_s=4.0, cpu_s=60)
    started = time.monotonic()
    with pytest.raises(CodeTimedOut) as info:
        await executor.run("while True: pass", sales_parquet)
    assert info.value.limit_s == 4.0
    assert time.monotonic() - started < 4.0 + 2.0


async def test_busy_loop_hits_the_cpu_limit(
    make_executor: MakeExecutor, sales_parquet: Path
) -> None:
    executor = make_executor(timeout_s=30.0, cpu_s=3)
    started = time.monotonic()
    with pytest.raises(CodeTimedOut) as info:
        await executor.run("while True: pass", sales_parquet)
    assert info.value.limit_s == 3
    assert time.monotonic() - started < 10.0


@pytest.mark.parametrize(
    "bomb",
    [
        "buf = bytearray(8 * 1024**3)",
        "chunks = [np.ones(50_000_000) for _ in range(100)]",  # 400 MB each, piling up
        "s = 'x' * (6 * 1024**3)",
    ],
)
async def test_memory_bomb_is_contained(
    make_executor: MakeExecutor, sales_parquet: Path, bomb: str
) -> None:
    executor = make_executor(memory_mb=1536)
    with pytest.raises(CodeFailed, match="MemoryError"):
        await executor.run(bomb, sales_parquet)
    # The sandbox, not the worker, ran out; the next run is fine.
    result = await executor.run(BAR_CODE, sales_parquet)
    assert result.summary["regions"] == 4


async def test_environment_is_empty_inside(
    executor: LocalExecutor, sales_parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "xoxb-canary-0123456789"
    monkeypatch.setenv("SLACK_BOT_TOKEN", canary)
    monkeypatch.setenv("GEMINI_API_KEY", canary)
    code = f"""
import os, glob
seen = repr(dict(os.environ))
environ_files = 0
for path in glob.glob("/proc/*/environ"):
    try:
        seen += open(path, "rb").read().decode(errors="replace")
        environ_files += 1
    except OSError:
        pass
caps = [l for l in open("/proc/self/status") if l.startswith("CapEff")][0]
fig = go.Figure()
summary = {{
    "leaked": {canary!r} in seen,
    "environ_files": environ_files,
    "uid": os.getuid(),
    "caps": caps.split()[1],
    "keys": ",".join(sorted(os.environ)),
}}
"""
    result = await executor.run(code, sales_parquet)
    assert result.summary["leaked"] is False
    assert isinstance(result.summary["environ_files"], int)
    assert result.summary["environ_files"] >= 1
    assert "SLACK_BOT_TOKEN" not in str(result.summary["keys"])
    assert "GEMINI_API_KEY" not in str(result.summary["keys"])
    assert result.summary["uid"] == 65534
    assert result.summary["caps"] == "0000000000000000"


async def test_no_network_even_to_the_hosts_loopback(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    connections = 0

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    code = f"""
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3).close()
    outcome = "connected"
except OSError as exc:
    outcome = type(exc).__name__
try:
    socket.getaddrinfo("slack.com", 443)
    dns = "resolved"
except OSError as exc:
    dns = type(exc).__name__
fig = go.Figure()
summary = {{"outcome": outcome, "dns": dns}}
"""
    async with server:
        result = await executor.run(code, sales_parquet)
        # The listener works: the host itself can reach it.
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        await writer.wait_closed()
    assert result.summary["outcome"] == "ConnectionRefusedError"  # its own, empty loopback
    assert result.summary["dns"] == "gaierror"
    assert connections == 1  # the host's own check, nothing from the sandbox


async def test_data_file_is_read_only(executor: LocalExecutor, sales_parquet: Path) -> None:
    before = hashlib.sha256(sales_parquet.read_bytes()).hexdigest()
    code = """
import os
outcomes = []
for attempt in (
    lambda: open("/sandbox/data.parquet", "ab").write(b"junk"),
    lambda: os.truncate("/sandbox/data.parquet", 0),
    lambda: os.chmod("/sandbox/data.parquet", 0o777),
    lambda: os.unlink("/sandbox/data.parquet"),
):
    try:
        attempt()
        outcomes.append("done")
    except OSError as exc:
        outcomes.append(type(exc).__name__)
fig = go.Figure()
summary = {"outcomes": ",".join(outcomes)}
"""
    result = await executor.run(code, sales_parquet)
    assert "done" not in str(result.summary["outcomes"])
    assert hashlib.sha256(sales_parquet.read_bytes()).hexdigest() == before


async def test_host_files_outside_the_binds_are_invisible(
    executor: LocalExecutor, sales_parquet: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret-dir" / "canary.txt"
    secret.parent.mkdir()
    secret.write_text("canary-secret-value")
    project_file = REPO_ROOT / "pyproject.toml"
    code = f"""
import os
def probe(path):
    try:
        return open(path).read()[:40]
    except OSError as exc:
        return type(exc).__name__
fig = go.Figure()
summary = {{
    "canary": probe({str(secret)!r}),
    "project": probe({str(project_file)!r}),
    "etc": probe("/etc/passwd"),
}}
try:
    open("/new-file", "w")
    summary["write_root"] = "written"
except OSError as exc:
    summary["write_root"] = type(exc).__name__
"""
    result = await executor.run(code, sales_parquet)
    assert result.summary["canary"] == "FileNotFoundError"
    assert result.summary["project"] == "FileNotFoundError"
    assert result.summary["etc"] == "FileNotFoundError"
    assert result.summary["write_root"] == "OSError"  # read-only root (EROFS)


async def test_printed_or_written_fake_result_does_not_forge_it(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    forged = json.dumps(
        {
            "ok": True,
            "figure": {"data": [{"type": "scatter", "name": "FORGED"}]},
            "summary": {"total_revenue": -1},
            "stdout": "",
            "elapsed_ms": 1,
        }
    )
    code = f"""
import os, sys
forged = {forged!r}
print(forged)
os.write(1, forged.encode())
os.write(2, forged.encode())
# The fd number the host passed is on the command line; the runner closed it.
argv = open("/proc/self/cmdline", "rb").read().split(b"\\0")
fd = int(argv[argv.index(b"--result-fd") + 1])
try:
    os.write(fd, forged.encode())
    wrote = "yes"
except OSError as exc:
    wrote = type(exc).__name__
fig = px.bar(x=["a"], y=[1], title="real")
summary = {{"wrote": wrote}}
"""
    result = await executor.run(code, sales_parquet)
    assert result.figure["layout"]["title"]["text"] == "real"
    assert "FORGED" not in json.dumps(result.figure)
    assert result.summary == {"wrote": "OSError"}
    assert "FORGED" in result.stdout  # printed output is kept as output, nothing more


async def test_processes_are_refused_threads_allowed(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    code = """
import os, subprocess, threading
def attempt(fn):
    try:
        fn()
        return "ran"
    except OSError as exc:
        return type(exc).__name__
box = []
t = threading.Thread(target=lambda: box.append(1))
t.start(); t.join()
fig = go.Figure()
summary = {
    "fork": attempt(os.fork),
    "subprocess": attempt(lambda: subprocess.run(["/usr/bin/true"])),
    "thread": len(box),
}
"""
    result = await executor.run(code, sales_parquet)
    assert result.summary == {
        "fork": "PermissionError",
        "subprocess": "PermissionError",
        "thread": 1,
    }


async def test_figure_over_the_output_limit_is_refused(
    make_executor: MakeExecutor, sales_parquet: Path
) -> None:
    executor = make_executor(max_output_bytes=50_000)
    code = "fig = px.scatter(x=np.arange(200_000), y=np.random.rand(200_000))"
    with pytest.raises(CodeFailed, match="50,000 byte limit"):
        await executor.run(code, sales_parquet)


async def test_stdout_is_capped(make_executor: MakeExecutor, sales_parquet: Path) -> None:
    executor = make_executor(max_stdout_bytes=1000)
    result = await executor.run("print('x' * 100_000)\nfig = go.Figure()", sales_parquet)
    assert result.stdout.startswith("x" * 1000)
    assert "more bytes of output dropped" in result.stdout
    assert len(result.stdout) < 1100


async def test_exit_without_result_is_a_code_failure(
    executor: LocalExecutor, sales_parquet: Path
) -> None:
    with pytest.raises(CodeFailed, match="without a result"):
        await executor.run("import os\nos._exit(3)", sales_parquet)


async def test_missing_bwrap_says_how_to_install_it(sales_parquet: Path) -> None:
    executor = LocalExecutor(
        timeout_s=5, cpu_s=5, memory_mb=1024, max_output_bytes=1024, bwrap_path="/nope/bwrap"
    )
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        await executor.run(BAR_CODE, sales_parquet)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        await executor.check()


async def test_check_passes_on_a_working_host(executor: LocalExecutor) -> None:
    await executor.check()


def test_factory_builds_a_local_executor_from_settings() -> None:
    settings = Settings(
        _env_file=None,
        sandbox_backend="local",
        sandbox_timeout_s=12.0,
        sandbox_cpu_s=7,
        sandbox_memory_mb=900,
        sandbox_max_output_mb=3,
    )
    executor = make_from_settings(settings)
    assert isinstance(executor, LocalExecutor)
    assert executor.name == "local"
    assert (executor.timeout_s, executor.cpu_s, executor.memory_mb) == (12.0, 7, 900)
    assert executor.max_output_bytes == 3 * 1024 * 1024


async def test_compiled_code_for_columns_named_like_code_passes_the_policy_and_draws(
    executor: LocalExecutor, hostile_chart: HostileChart
) -> None:
    result = await PolicyCheckedExecutor(executor).run(hostile_chart.code, hostile_chart.parquet)
    bar = result.figure["data"][0]
    assert dict(zip(values(bar["x"]), values(bar["y"]), strict=True)) == hostile_chart.bars
    assert result.summary["rows_used"] == 4
