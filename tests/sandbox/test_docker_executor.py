"""DockerExecutor against the real daemon and the real sandbox image: results, limits, isolation.

Needs `chartroom-sandbox:latest` (scripts/build-sandbox-image.sh builds it without a registry).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import ipaddress
import json
import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from core.errors import CodeFailed, CodeTimedOut, SandboxUnavailable
from core.settings import Settings
from post.chart_data import values
from sandbox.docker_executor import DockerExecutor
from sandbox.docker_pool import EXECUTOR_LABEL, JOB_DIR_LABEL, OWNER_LABEL, SANDBOX_LABEL
from sandbox.factory import backend_status, make_executor
from sandbox.fallback import FallbackExecutor
from sandbox.guarded import PolicyCheckedExecutor
from sandbox.local import LocalExecutor
from sandbox.runner import RESULT_MARKER
from tests.sandbox.conftest import HostileChart

# SANDBOX_IMAGE: a branch that changes the runner tests its own build beside the shared image.
IMAGE = os.environ.get("SANDBOX_IMAGE", "chartroom-sandbox:latest")
RUNNER = Path(__file__).resolve().parents[2] / "sandbox" / "runner.py"

BAR_CODE = """
totals = df.groupby("region", as_index=False)["revenue"].sum()
fig = px.bar(totals, x="region", y="revenue", title="Revenue by region")
summary = {"total_revenue": totals["revenue"].sum(), "regions": len(totals), "top": "North"}
print("rows:", len(df))
"""
TRIVIAL_CODE = 'fig = go.Figure(go.Bar(x=["a"], y=[1]))'

MakeDocker = Callable[..., Awaitable[DockerExecutor]]


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    try:
        client = docker.from_env()
        client.images.get(IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(f"the sandbox image {IMAGE} is missing: run scripts/build-sandbox-image.sh")
    except docker.errors.DockerException as exc:
        pytest.fail(f"the Docker daemon does not answer ({exc}); start dockerd")
    baked = client.containers.run(
        IMAGE, ["/sandbox/runner.py"], entrypoint=["cat"], remove=True, network_mode="none"
    )
    if baked != RUNNER.read_bytes():
        pytest.fail(
            f"{IMAGE} carries an older sandbox/runner.py: run scripts/build-sandbox-image.sh"
        )
    yield client
    client.close()


@pytest.fixture(scope="session")
def jobs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sandbox-jobs")


@pytest.fixture
async def make_docker(
    docker_client: docker.DockerClient, jobs_dir: Path
) -> AsyncIterator[MakeDocker]:
    """Factory for started executors with test-friendly limits; override any by keyword."""
    made: list[DockerExecutor] = []

    async def make(**overrides: Any) -> DockerExecutor:
        options: dict[str, Any] = {
            "image": IMAGE,
            "timeout_s": 30.0,
            "cpu_s": 20,
            "memory_mb": 1024,
            "cpus": 1.0,
            "pids_limit": 64,
            "max_output_bytes": 5 * 1024 * 1024,
            "pool_size": 0,
            "jobs_dir": jobs_dir,
        }
        options.update(overrides)
        executor = DockerExecutor(**options)
        made.append(executor)
        await executor.start()
        return executor

    yield make
    for executor in made:
        await executor.aclose()


def containers_of(client: docker.DockerClient, executor: DockerExecutor) -> list[Any]:
    # sparse: listed without an inspect each, which would race with background removals.
    label = f"{EXECUTOR_LABEL}={executor.executor_id}"
    return list(client.containers.list(all=True, sparse=True, filters={"label": label}))


async def settle(
    client: docker.DockerClient, executor: DockerExecutor, count: int, within_s: float = 30.0
) -> list[Any]:
    """Wait until the executor has `count` containers (removal and refill run in background)."""
    deadline = time.monotonic() + within_s
    while True:
        found = await asyncio.to_thread(containers_of, client, executor)
        if len(found) == count or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def filled(executor: DockerExecutor, within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while executor.pool_count() < executor.pool_size:
        assert time.monotonic() < deadline, "the warm pool did not fill"
        await asyncio.sleep(0.1)


# -- results --------------------------------------------------------------------------------------


def assert_bar_result(result: Any) -> None:
    trace = result.figure["data"][0]
    assert trace["type"] == "bar"
    assert trace["x"] == ["East", "North", "South", "West"]
    assert result.figure["layout"]["title"]["text"] == "Revenue by region"
    assert result.summary == {"total_revenue": 4950.0, "regions": 4, "top": "North"}
    assert result.stdout == "rows: 100\n"
    assert result.elapsed_ms > 0


async def test_bar_chart_cold(make_docker: MakeDocker, sales_parquet: Path) -> None:
    executor = await make_docker(pool_size=0)
    assert executor.name == "docker"
    assert_bar_result(await executor.run(BAR_CODE, sales_parquet))


async def test_bar_chart_through_the_warm_pool(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(pool_size=1)
    await filled(executor)
    [warm] = await settle(docker_client, executor, 1)

    assert_bar_result(await executor.run(BAR_CODE, sales_parquet))

    # The warm container served the job and is gone; a fresh one took its place.
    await filled(executor)
    after = await settle(docker_client, executor, 1)
    assert [c.id for c in after] != [warm.id]


async def test_code_that_raises_gives_its_traceback(
    make_docker: MakeDocker, sales_parquet: Path
) -> None:
    executor = await make_docker()
    code = 'fig = px.bar(df, x="region", y="revenue")\ndf["no_such_column"].sum()\n'
    with pytest.raises(CodeFailed) as info:
        await executor.run(code, sales_parquet)
    assert "KeyError" in info.value.detail
    assert "no_such_column" in info.value.detail
    assert 'File "<chart code>", line 2' in info.value.detail


async def test_code_without_fig_is_refused(make_docker: MakeDocker, sales_parquet: Path) -> None:
    executor = await make_docker()
    with pytest.raises(CodeFailed, match="variable named `fig`"):
        await executor.run("total = df['revenue'].sum()", sales_parquet)


async def test_exit_without_result_is_a_code_failure(
    make_docker: MakeDocker, sales_parquet: Path
) -> None:
    executor = await make_docker()
    with pytest.raises(CodeFailed, match=r"without a result \(exit status 3\)"):
        await executor.run("import os\nos._exit(3)", sales_parquet)


async def test_figure_over_the_output_limit_is_refused(
    make_docker: MakeDocker, sales_parquet: Path
) -> None:
    executor = await make_docker(max_output_bytes=50_000)
    code = "fig = px.scatter(x=np.arange(200_000), y=np.random.rand(200_000))"
    with pytest.raises(CodeFailed, match="50,000 byte limit"):
        await executor.run(code, sales_parquet)


async def test_large_figure_comes_back_whole(make_docker: MakeDocker, sales_parquet: Path) -> None:
    # ~2 MB of JSON with quotes and "<" that the daemon's log would escape: the frame survives.
    executor = await make_docker()
    code = 'fig = go.Figure(go.Scatter(x=list(range(60_000)), text=["<b>\\"x\\"</b>"] * 60_000))'
    result = await executor.run(code, sales_parquet)
    assert len(result.figure["data"][0]["x"]) == 60_000
    assert result.figure["data"][0]["text"][0] == '<b>"x"</b>'


# -- limits ---------------------------------------------------------------------------------------


async def test_busy_loop_hits_the_wall_clock_timeout_and_is_removed(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(timeout_s=3.0, cpu_s=60)
    started = time.monotonic()
    with pytest.raises(CodeTimedOut) as info:
        await executor.run("while True: pass", sales_parquet)
    assert info.value.limit_s == 3.0
    assert time.monotonic() - started < 3.0 + 5.0
    assert await asyncio.to_thread(containers_of, docker_client, executor) == []


async def test_busy_loop_hits_the_cpu_limit(make_docker: MakeDocker, sales_parquet: Path) -> None:
    executor = await make_docker(timeout_s=30.0, cpu_s=2)
    with pytest.raises(CodeTimedOut) as info:
        await executor.run("while True: pass", sales_parquet)
    assert info.value.limit_s == 2


async def test_memory_bomb_is_oom_killed_and_removed(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(memory_mb=512)
    bomb = "chunks = [np.ones(25_000_000) for _ in range(100)]"  # 200 MB each, touched
    with pytest.raises(CodeFailed, match="512 MB of memory"):
        await executor.run(bomb, sales_parquet)
    assert await settle(docker_client, executor, 0) == []
    result = await executor.run(BAR_CODE, sales_parquet)
    assert result.summary["regions"] == 4


async def test_forks_stop_at_the_pids_limit(make_docker: MakeDocker, sales_parquet: Path) -> None:
    executor = await make_docker(pids_limit=32)
    code = """
import os, time
forked = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        forked += 1
except OSError as exc:
    error = type(exc).__name__
fig = go.Figure()
summary = {"forked": forked, "error": error}
"""
    result = await executor.run(code, sales_parquet)
    assert result.summary["error"] == "BlockingIOError"
    assert isinstance(result.summary["forked"], int)
    assert 0 < result.summary["forked"] < 32


async def test_fork_bomb_is_contained_and_the_next_run_works(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(pids_limit=32, timeout_s=8.0)
    bomb = """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
    with pytest.raises((CodeFailed, CodeTimedOut)):
        await executor.run(bomb, sales_parquet)
    assert await settle(docker_client, executor, 0) == []
    result = await executor.run(BAR_CODE, sales_parquet)
    assert result.summary["regions"] == 4


# -- isolation ------------------------------------------------------------------------------------


async def test_container_is_configured_locked_down(
    make_docker: MakeDocker, docker_client: docker.DockerClient
) -> None:
    executor = await make_docker(pool_size=1, memory_mb=700, cpus=0.5, pids_limit=40)
    await filled(executor)
    [container] = await settle(docker_client, executor, 1)
    container.reload()
    host = container.attrs["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert not host["CapAdd"]
    assert host["SecurityOpt"] == ["no-new-privileges"]  # and no seccomp=unconfined
    assert host["Privileged"] is False
    assert host["IpcMode"] == "none"
    assert host["Init"] is True
    assert host["Memory"] == host["MemorySwap"] == 700 * 1024 * 1024
    assert host["NanoCpus"] == 500_000_000
    assert host["PidsLimit"] == 40
    assert host["LogConfig"]["Type"] == "json-file"
    assert host["LogConfig"]["Config"]["max-file"] == "1"
    assert "noexec" in host["Tmpfs"]["/tmp"]
    assert {u["Name"] for u in host["Ulimits"]} >= {"nofile", "fsize"}
    assert container.attrs["Config"]["User"] == "65534:65534"
    assert not container.attrs["Config"]["OpenStdin"]
    [mount] = container.attrs["Mounts"]  # its own job folder, nothing else (no docker.sock)
    assert (mount["Destination"], mount["RW"], mount["Type"]) == ("/job", False, "bind")
    labels = container.labels
    assert labels[SANDBOX_LABEL] == "1"
    assert labels[OWNER_LABEL] == f"{socket.gethostname()}:{os.getpid()}"


async def test_environment_is_minimal_and_unprivileged(
    make_docker: MakeDocker, sales_parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "xoxb-canary-0123456789"
    monkeypatch.setenv("SLACK_BOT_TOKEN", canary)
    monkeypatch.setenv("GEMINI_API_KEY", canary)
    executor = await make_docker()
    code = f"""
import glob, os
seen = repr(dict(os.environ))
for path in glob.glob("/proc/*/environ"):
    try:
        seen += open(path, "rb").read().decode(errors="replace")
    except OSError:
        pass
status = dict(l.split(":", 1) for l in open("/proc/self/status"))
fig = go.Figure()
summary = {{
    "leaked": {canary!r} in seen,
    "keys": ",".join(sorted(os.environ)),
    "uid": os.getuid(),
    "caps": status["CapEff"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(),
    "seccomp": status["Seccomp"].strip(),
    "docker_sock": os.path.exists("/var/run/docker.sock") or os.path.exists("/run/docker.sock"),
}}
"""
    result = await executor.run(code, sales_parquet)
    assert result.summary["leaked"] is False
    keys = str(result.summary["keys"]).split(",")
    assert "SLACK_BOT_TOKEN" not in keys
    assert "GEMINI_API_KEY" not in keys
    assert set(keys) <= {
        "PATH", "HOME", "TMPDIR", "LANG", "MPLCONFIGDIR", "XDG_CACHE_HOME", "HOSTNAME",
        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_ARENA_MAX",
    }  # fmt: skip
    assert result.summary["uid"] == 65534
    assert result.summary["caps"] == "0000000000000000"
    assert result.summary["no_new_privs"] == "1"
    assert result.summary["seccomp"] == "2"  # Docker's default profile is filtering
    assert result.summary["docker_sock"] is False


async def test_no_network_at_all(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    connections = 0

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        writer.close()

    # The host's address on Docker's bridge (the daemon does not always report the gateway).
    ipam = docker_client.networks.get("bridge").attrs["IPAM"]["Config"][0]
    bridge = ipam.get("Gateway") or str(ipaddress.ip_network(ipam["Subnet"])[1])
    server = await asyncio.start_server(on_connect, "0.0.0.0", 0)  # noqa: S104 - the probe target
    port = server.sockets[0].getsockname()[1]
    executor = await make_docker()
    code = f"""
import socket
def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return "connected"
    except OSError as exc:
        return type(exc).__name__ + ":" + str(exc.errno)
try:
    socket.getaddrinfo("slack.com", 443)
    dns = "resolved"
except OSError as exc:
    dns = type(exc).__name__
fig = go.Figure()
summary = {{
    "public": connect("8.8.8.8", 53),
    "host": connect({bridge!r}, {port}),
    "dns": dns,
}}
"""
    async with server:
        result = await executor.run(code, sales_parquet)
        _, writer = await asyncio.open_connection(bridge, port)  # the listener itself works
        writer.close()
        await writer.wait_closed()
    assert result.summary["public"] == "OSError:101"  # ENETUNREACH: only a loopback exists
    assert result.summary["host"] == "OSError:101"
    assert result.summary["dns"] == "gaierror"
    assert connections == 1  # the host's own check, nothing from the sandbox


async def test_root_job_and_venv_are_read_only_tmp_is_capped(
    make_docker: MakeDocker, sales_parquet: Path
) -> None:
    sales_parquet.chmod(0o600)  # not readable by the sandbox user as is: the job gets a copy
    before = hashlib.sha256(sales_parquet.read_bytes()).hexdigest()
    executor = await make_docker(tmp_mb=8)
    code = """
import os
def attempt(fn):
    try:
        fn()
        return "done"
    except OSError as exc:
        return type(exc).__name__ + ":" + str(exc.errno)
def write(path, size=4):
    with open(path, "wb") as f:
        f.write(b"x" * size)
fig = go.Figure()
summary = {
    "root": attempt(lambda: write("/new-file")),
    "data": attempt(lambda: write("/job/data.parquet")),
    "data_append": attempt(lambda: open("/job/data.parquet", "ab").write(b"junk")),
    "job_new": attempt(lambda: write("/job/other")),
    "venv": attempt(lambda: write("/opt/venv/lib/evil.py")),
    "runner": attempt(lambda: write("/sandbox/runner.py")),
    "tmp_small": attempt(lambda: write("/tmp/small", 1024 * 1024)),
    "tmp_big": attempt(lambda: write("/tmp/big", 16 * 1024 * 1024)),
}
"""
    result = await executor.run(code, sales_parquet)
    summary = result.summary
    for key in ("root", "data", "data_append", "job_new", "venv", "runner"):
        assert summary[key] in ("OSError:30", "PermissionError:13"), (key, summary[key])
    assert summary["tmp_small"] == "done"
    assert summary["tmp_big"] in ("OSError:28", "OSError:27")  # ENOSPC or EFBIG
    assert hashlib.sha256(sales_parquet.read_bytes()).hexdigest() == before


async def test_printed_result_frames_do_not_forge_the_result(
    make_docker: MakeDocker, sales_parquet: Path
) -> None:
    forged = json.dumps(
        {"ok": True, "figure": {"data": [{"type": "scatter", "name": "FORGED"}]}, "elapsed_ms": 1}
    )
    frame = RESULT_MARKER + base64.b64encode(forged.encode()) + b"\n"
    executor = await make_docker()
    code = f"""
import os, sys
frame = {frame!r}
print(frame.decode())
sys.stdout.write(frame.decode())
os.write(1, frame)
os.write(2, frame)
fig = px.bar(x=["a"], y=[1], title="real")
"""
    result = await executor.run(code, sales_parquet)
    assert result.figure["layout"]["title"]["text"] == "real"
    assert "FORGED" not in json.dumps(result.figure)
    assert RESULT_MARKER.decode() in result.stdout  # printed output stays output


async def test_digging_out_the_result_channel_only_spoils_its_own_result(
    make_docker: MakeDocker, sales_parquet: Path
) -> None:
    forged = json.dumps({"ok": True, "figure": {"data": []}, "elapsed_ms": 1})
    frame = RESULT_MARKER + base64.b64encode(forged.encode()) + b"\n"
    executor = await make_docker()
    code = f"""
import os
for name in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{{name}}").startswith("pipe:"):
            os.write(int(name), {frame!r})
    except OSError:
        pass
fig = px.bar(x=["a"], y=[1], title="real")
"""
    # Two frames on the channel: the host refuses both rather than pick one.
    with pytest.raises(CodeFailed, match="garbled"):
        await executor.run(code, sales_parquet)


# -- pool, clean-up, concurrency ------------------------------------------------------------------


async def test_container_count_returns_to_the_pool_size(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(pool_size=2)
    await filled(executor)
    before = {c.id for c in await settle(docker_client, executor, 2)}
    for _ in range(3):
        await executor.run(TRIVIAL_CODE, sales_parquet)
    await filled(executor)
    after = await settle(docker_client, executor, 2)
    assert len(after) == 2
    assert all(c.status == "running" for c in after)
    assert not before & {c.id for c in after}  # both warm ones were used up, none reused


async def test_idle_pool_containers_are_retired_not_used(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    # The runner gives up after max_idle_s; the host stops handing it jobs well before that.
    executor = await make_docker(pool_size=1, max_idle_s=4.0)
    await filled(executor)
    [idle] = await settle(docker_client, executor, 1)
    await asyncio.sleep(2.5)
    result = await executor.run(BAR_CODE, sales_parquet)
    assert result.summary["regions"] == 4
    await filled(executor)
    ids = {c.id for c in await settle(docker_client, executor, 1)}
    assert idle.id not in ids


async def test_three_runs_at_once(make_docker: MakeDocker, sales_parquet: Path) -> None:
    executor = await make_docker(pool_size=1)
    await filled(executor)
    codes = [BAR_CODE.replace('"top": "North"', f'"top": "run{i}"') for i in range(3)]
    results = await asyncio.gather(*(executor.run(code, sales_parquet) for code in codes))
    assert [r.summary["top"] for r in results] == ["run0", "run1", "run2"]


async def test_aclose_removes_warm_containers_and_folders(
    make_docker: MakeDocker, docker_client: docker.DockerClient
) -> None:
    executor = await make_docker(pool_size=2)
    await filled(executor)
    containers = await settle(docker_client, executor, 2)
    folders = [Path(c.attrs["Labels"][JOB_DIR_LABEL]) for c in containers]
    assert all(f.is_dir() for f in folders)
    await executor.aclose()
    assert await asyncio.to_thread(containers_of, docker_client, executor) == []
    assert not any(f.exists() for f in folders)
    assert not folders[0].parent.exists()  # this worker's folder goes with its last executor


async def test_cancelled_run_removes_its_container(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(timeout_s=60.0, cpu_s=60)
    task = asyncio.create_task(executor.run("while True: pass", sales_parquet))
    assert len(await settle(docker_client, executor, 1)) == 1
    await asyncio.sleep(1.0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await settle(docker_client, executor, 0, within_s=10.0) == []


async def test_aclose_ends_runs_in_flight(
    make_docker: MakeDocker, docker_client: docker.DockerClient, sales_parquet: Path
) -> None:
    executor = await make_docker(timeout_s=60.0, cpu_s=60)
    task = asyncio.create_task(executor.run("while True: pass", sales_parquet))
    assert len(await settle(docker_client, executor, 1)) == 1
    started = time.monotonic()
    await executor.aclose()
    with pytest.raises(SandboxUnavailable):
        await task
    assert time.monotonic() - started < 15.0
    assert await asyncio.to_thread(containers_of, docker_client, executor) == []
    with pytest.raises(SandboxUnavailable, match="closed"):
        await executor.run(TRIVIAL_CODE, sales_parquet)


async def test_start_removes_stale_containers_of_dead_workers_only(
    make_docker: MakeDocker, docker_client: docker.DockerClient, jobs_dir: Path
) -> None:
    dead_pid = subprocess.Popen(["true"])  # noqa: ASYNC220 - exits at once
    dead_pid.wait()  # reaped, so its pid names no process now
    host = socket.gethostname()
    stale_dir = jobs_dir / f"{host}_{dead_pid.pid}" / "feedc0ffee"
    stale_dir.mkdir(parents=True)

    def labelled(owner: str, job_dir: Path) -> Any:
        return docker_client.containers.create(
            IMAGE,
            ["-c", "pass"],
            labels={SANDBOX_LABEL: "1", OWNER_LABEL: owner, JOB_DIR_LABEL: str(job_dir)},
        )

    stale = labelled(f"{host}:{dead_pid.pid}", stale_dir)
    live = labelled(f"{host}:{os.getpid()}", jobs_dir / "live")
    elsewhere = labelled(f"another-host:{dead_pid.pid}", jobs_dir / "elsewhere")
    try:
        await make_docker()
        listed = docker_client.containers.list(
            all=True, sparse=True, filters={"label": SANDBOX_LABEL}
        )
        remaining = {c.id for c in listed}
        assert stale.id not in remaining
        assert live.id in remaining  # this process is alive
        assert elsewhere.id in remaining  # another host's worker: not ours to judge
        assert not stale_dir.parent.exists()
    finally:
        for container in (stale, live, elsewhere):
            with contextlib.suppress(docker.errors.NotFound):  # `stale` is already gone
                container.remove(force=True)


async def test_missing_image_says_how_to_build_it(
    make_docker: MakeDocker,
) -> None:
    with pytest.raises(SandboxUnavailable, match=r"build-sandbox-image\.sh"):
        await make_docker(image="chartroom-sandbox:no-such-tag")


# -- factory --------------------------------------------------------------------------------------


def test_factory_builds_a_docker_executor(jobs_dir: Path, docker_client: Any) -> None:
    settings = Settings(
        _env_file=None,
        sandbox_backend="docker",
        sandbox_pool_size=3,
        sandbox_cpus=0.5,
        sandbox_memory_mb=900,
        sandbox_max_output_mb=3,
    )
    executor = make_executor(settings)
    assert isinstance(executor, DockerExecutor)
    assert (executor.pool_size, executor.memory_mb) == (3, 900)
    assert executor.max_output_bytes == 3 * 1024 * 1024
    assert backend_status(settings) == {"backend": "docker", "warning": None}


def test_factory_auto_prefers_docker_with_the_local_sandbox_behind_it(docker_client: Any) -> None:
    settings = Settings(_env_file=None, sandbox_backend="auto")
    executor = make_executor(settings)
    assert isinstance(executor, FallbackExecutor)  # Docker going away later falls back
    assert isinstance(executor.primary, DockerExecutor)
    assert executor.fallback is None


def test_factory_docker_without_image_fails_clearly(docker_client: Any) -> None:
    settings = Settings(
        _env_file=None, sandbox_backend="docker", sandbox_image="chartroom-sandbox:no-such-tag"
    )
    with pytest.raises(SandboxUnavailable, match=r"build-sandbox-image\.sh"):
        make_executor(settings)


def test_factory_docker_without_daemon_fails_clearly(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        sandbox_backend="docker",
        sandbox_docker_url=f"unix://{tmp_path}/no-docker.sock",
    )
    with pytest.raises(SandboxUnavailable, match="does not answer"):
        make_executor(settings)


def test_factory_auto_falls_back_to_local_with_a_warning(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, sandbox_backend="auto", sandbox_docker_url=f"unix://{tmp_path}/none.sock"
    )
    assert isinstance(make_executor(settings), LocalExecutor)
    status = backend_status(settings)
    assert status["backend"] == "local"
    assert status["warning"] is not None
    assert "does not answer" in status["warning"]


async def test_compiled_code_for_columns_named_like_code_passes_the_policy_and_draws(
    make_docker: MakeDocker, hostile_chart: HostileChart
) -> None:
    executor = PolicyCheckedExecutor(await make_docker())
    result = await executor.run(hostile_chart.code, hostile_chart.parquet)
    bar = result.figure["data"][0]
    assert dict(zip(values(bar["x"]), values(bar["y"]), strict=True)) == hostile_chart.bars
