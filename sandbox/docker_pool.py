"""Sandbox containers for `DockerExecutor`: how one is made, its job folder, stale clean-up.

Everything here is the docker SDK's blocking API; `DockerExecutor` calls it from threads.

A sandbox is one container plus one host folder of its own, bind-mounted read-only at /job:

    <jobs_dir>/<hostname>_<worker pid>/<token>/   (mode 0711: nobody else can list it)
        data.parquet   the job's table (a hard link when allowed, else a copy)
        code.py        the chart code
        wake           a named pipe, made with the folder: written to once `ready` exists
        ready          created last; the runner starts the job when it sees it

The runner in the container (`sandbox/runner.py --job-dir /job`) imports the libraries, waits for
`ready` asleep on a blocking read of `wake` (no polling while idle), runs the code and writes
one framed result to its stdout, which the host reads from the daemon's (size-capped) log. A
pool container gets its `ready` later; a cold one before it starts. Containers are used once and
removed; folders are deleted with them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests.exceptions
from docker.models.containers import Container
from docker.types import LogConfig, Mount, Ulimit

from core.errors import SandboxUnavailable
from core.logs import get_logger
from sandbox.docker_result import BUILD_HINT

log = get_logger(__name__)

SANDBOX_LABEL = "chartroom.sandbox"
OWNER_LABEL = "chartroom.owner"  # "<hostname>:<worker pid>": stale clean-up spares live workers
EXECUTOR_LABEL = "chartroom.executor"  # one executor instance, for aclose() and tests
JOB_DIR_LABEL = "chartroom.job_dir"
JOB_MOUNT = "/job"
SANDBOX_TMP = "/tmp"  # noqa: S108 - the container's own tmpfs, not the host's /tmp.
PYTHON = "/opt/venv/bin/python"
RUNNER = "/sandbox/runner.py"

# The container's whole environment: nothing of the worker's (no Slack token, API key, Redis URL).
ENV = {
    "PATH": "/opt/venv/bin:/usr/bin:/bin",
    "HOME": SANDBOX_TMP,
    "TMPDIR": SANDBOX_TMP,
    "LANG": "C.UTF-8",
    "MPLCONFIGDIR": SANDBOX_TMP,
    "XDG_CACHE_HOME": SANDBOX_TMP,
    # One thread per BLAS/OpenMP pool: the container has a CPU or two at most.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}

DockerError = (docker.errors.DockerException, requests.exceptions.RequestException)


def unavailable(action: str, exc: BaseException) -> SandboxUnavailable:
    """Translate a docker SDK or HTTP error into ours; `raise unavailable(...) from exc`."""
    if isinstance(exc, docker.errors.ImageNotFound):
        return SandboxUnavailable(f"{action}: the sandbox image is missing. {BUILD_HINT}")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SandboxUnavailable(
            f"{action}: the Docker daemon does not answer ({exc}). Start it, or point "
            "SANDBOX_DOCKER_URL at it, or set SANDBOX_BACKEND=local."
        )
    return SandboxUnavailable(f"{action}: {type(exc).__name__}: {exc}")


def connect(docker_url: str | None, *, timeout_s: float = 60.0) -> docker.DockerClient:
    """A client for `docker_url` (DOCKER_HOST and friends when None); asks the daemon its API."""
    try:
        if docker_url:
            return docker.DockerClient(
                base_url=docker_url, timeout=int(timeout_s), max_pool_size=32
            )
        return docker.from_env(timeout=int(timeout_s), max_pool_size=32)
    except DockerError as exc:
        # The SDK asks the daemon its API version here, so any failure means it doesn't answer.
        where = docker_url or "DOCKER_HOST (default unix:///var/run/docker.sock)"
        raise SandboxUnavailable(
            f"the Docker daemon at {where} does not answer ({exc}). Start it, point "
            "SANDBOX_DOCKER_URL at it, or set SANDBOX_BACKEND=local."
        ) from exc


@dataclass(frozen=True)
class Spec:
    """Everything a sandbox container is made from (plain values, so it can be built up front)."""

    image: str
    jobs_dir: Path
    cpus: float
    pids_limit: int
    memory_mb: int
    cpu_s: int
    tmp_mb: int
    max_figure_bytes: int
    max_stdout_bytes: int
    log_max_bytes: int
    max_wait_s: float
    executor_id: str


@dataclass
class Sandbox:
    container: Container
    job_dir: Path
    started_at: float = 0.0  # time.monotonic() when started; 0 while created only


class Owner:
    """This worker process as the owner of containers and job folders."""

    def __init__(self) -> None:
        self.hostname = socket.gethostname()
        self.pid = os.getpid()

    @property
    def label(self) -> str:
        return f"{self.hostname}:{self.pid}"

    @property
    def dir_name(self) -> str:
        return f"{self.hostname}_{self.pid}"  # "_" never occurs in a hostname


def ensure_jobs_dir(root: Path) -> None:
    """Create the pool folder, and refuse one somebody else owns (it may sit in a shared /tmp)."""
    try:
        root.mkdir(mode=0o711, parents=True, exist_ok=True)
        info = root.lstat()
    except OSError as exc:
        raise SandboxUnavailable(
            f"could not create the sandbox job folder {root}: {exc}; set SANDBOX_JOBS_DIR to a "
            "writable path"
        ) from exc
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise SandboxUnavailable(
            f"the sandbox job folder {root} is not a folder owned by this user; remove it or "
            "set SANDBOX_JOBS_DIR to another path"
        )
    root.chmod(0o711)  # the sandbox user must traverse it; nobody may list it


def new_job_dir(root: Path, owner: Owner) -> Path:
    ensure_jobs_dir(root)
    path = root / owner.dir_name / secrets.token_hex(8)
    try:
        path.parent.mkdir(mode=0o711, exist_ok=True)
        path.parent.chmod(0o711)
        path.mkdir(mode=0o711)
        path.chmod(0o711)  # mkdir's mode is filtered by the umask
        os.mkfifo(path / "wake", 0o644)
        (path / "wake").chmod(0o644)  # the sandbox user reads it
    except OSError as exc:
        raise SandboxUnavailable(f"could not create a sandbox job folder in {root}: {exc}") from exc
    return path


def write_job(job_dir: Path, code: str, data_path: Path) -> None:
    """Put the job in the sandbox's folder; `ready` comes last, as the runner starts on it."""
    data = job_dir / "data.parquet"
    info = data_path.stat()
    linked = False
    if info.st_mode & stat.S_IROTH and info.st_dev == job_dir.stat().st_dev:
        # Readable by the sandbox user as it is: a hard link saves copying a big table.
        with contextlib.suppress(OSError):
            os.link(data_path, data)
            linked = True
    if not linked:
        shutil.copyfile(data_path, data)
        data.chmod(0o644)
    code_file = job_dir / "code.py"
    code_file.write_text(code, encoding="utf-8")
    code_file.chmod(0o644)
    (job_dir / "ready").touch(mode=0o644)
    _wake(job_dir / "wake")


def _wake(pipe: Path) -> None:
    """Wake a runner asleep on `pipe`. None is (ENXIO) when it has not reached its wait yet:
    it opens the pipe before it looks for `ready`, so it will find `ready` on its own."""
    try:
        fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        os.write(fd, b"1")
    except OSError:  # the runner left (timed out) meanwhile; nobody to wake
        pass
    finally:
        os.close(fd)


def remove_job_dir(job_dir: Path) -> None:
    shutil.rmtree(job_dir, ignore_errors=True)


def remove_owner_dir(root: Path, owner: Owner) -> None:
    """Remove this worker's folder once no executor of this process has jobs in it."""
    with contextlib.suppress(OSError):  # not empty: another executor here still uses it
        (root / owner.dir_name).rmdir()


def create(client: docker.DockerClient, spec: Spec, owner: Owner, job_dir: Path) -> Container:
    """Create (not start) a sandbox container on `job_dir`. See the module docstring."""
    tmp_bytes = spec.tmp_mb * 1024 * 1024
    command = [
        "--job-dir",
        JOB_MOUNT,
        "--max-wait-s",
        str(spec.max_wait_s),
        "--max-figure-bytes",
        str(spec.max_figure_bytes),
        "--max-stdout-bytes",
        str(spec.max_stdout_bytes),
        "--cpu-s",
        str(spec.cpu_s),
        "--max-file-bytes",
        str(tmp_bytes),
    ]
    return client.containers.create(
        spec.image,
        command,
        entrypoint=[PYTHON, "-I", "-B", RUNNER],
        name=f"chartroom-sandbox-{job_dir.name}",
        hostname="sandbox",
        user="65534:65534",
        working_dir=SANDBOX_TMP,
        environment=dict(ENV),
        network_mode="none",
        ipc_mode="none",
        cgroupns="private",
        read_only=True,
        tmpfs={SANDBOX_TMP: f"rw,noexec,nosuid,nodev,size={spec.tmp_mb}m,mode=1777"},
        mounts=[Mount(target=JOB_MOUNT, source=str(job_dir), type="bind", read_only=True)],
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],  # Docker's default seccomp profile stays on
        init=True,  # docker-init reaps what the code forks; the runner is not PID 1
        mem_limit=f"{spec.memory_mb}m",
        memswap_limit=f"{spec.memory_mb}m",  # no swap on top of the memory limit
        oom_score_adj=1000,  # if the host runs short, the sandbox goes first
        nano_cpus=int(spec.cpus * 1e9),
        pids_limit=spec.pids_limit,
        ulimits=[
            Ulimit(name="nofile", soft=256, hard=256),
            Ulimit(name="fsize", soft=tmp_bytes, hard=tmp_bytes),
            Ulimit(name="core", soft=0, hard=0),
        ],
        labels={
            SANDBOX_LABEL: "1",
            OWNER_LABEL: owner.label,
            EXECUTOR_LABEL: spec.executor_id,
            JOB_DIR_LABEL: str(job_dir),
        },
        # The daemon keeps at most this much of the container's output on disk.
        log_config=LogConfig(
            type="json-file",
            config={"max-size": f"{spec.log_max_bytes // 1024 + 1}k", "max-file": "1"},
        ),
        stdin_open=False,
        tty=False,
    )


def remove(client: docker.DockerClient, container_id: str) -> None:
    """Kill and remove a container; one already gone is fine."""
    try:
        client.api.remove_container(container_id, force=True, v=True)
    except docker.errors.NotFound:
        return
    except docker.errors.APIError as exc:
        if exc.status_code == 409:  # "removal already in progress"
            return
        raise


def wait(container: Container, deadline: float) -> int | None:
    """The container's exit status, or None if it still ran at `deadline` (time.monotonic())."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            status: dict[str, Any] = container.wait(timeout=remaining)
        except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError) as exc:
            # On a unix socket the SDK reports its read timeout as a ConnectionError.
            if time.monotonic() >= deadline - 0.05:
                return None
            raise unavailable("lost the Docker daemon while waiting for a sandbox", exc) from exc
        return int(status.get("StatusCode", -1))


def remove_stale(client: docker.DockerClient, root: Path, owner: Owner) -> int:
    """Remove sandboxes (containers and folders) left by dead workers of this host.

    A worker's are those labelled with this hostname and a pid; only pids that no longer exist
    are stale, so two workers sharing a Docker host never remove each other's containers.
    """
    removed = 0
    # sparse: no inspect per container, which would race with other workers removing theirs.
    listed = client.containers.list(all=True, sparse=True, filters={"label": f"{SANDBOX_LABEL}=1"})
    for container in listed:
        labels = container.attrs.get("Labels") or {}
        host, _, pid = str(labels.get(OWNER_LABEL, "")).rpartition(":")
        if host != owner.hostname or not pid.isdigit() or _alive(int(pid)):
            continue
        remove(client, container.id or "")
        removed += 1
        job_dir = Path(labels.get(JOB_DIR_LABEL, ""))
        if job_dir.is_absolute() and job_dir.resolve().is_relative_to(root.resolve()):
            remove_job_dir(job_dir)
    if root.is_dir():
        for folder in root.iterdir():
            host, _, pid = folder.name.rpartition("_")
            if host == owner.hostname and pid.isdigit() and not _alive(int(pid)):
                remove_job_dir(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    return True


class Registry:
    """The containers one executor has made and not yet removed (shared with its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[str, Sandbox] = {}
        self.closing = False

    def add(self, sandbox: Sandbox) -> bool:
        """Register; False when the executor is closing (the caller must remove it)."""
        with self._lock:
            self._live[sandbox.container.id or ""] = sandbox
            return not self.closing

    def discard(self, sandbox: Sandbox) -> None:
        with self._lock:
            self._live.pop(sandbox.container.id or "", None)

    def close(self) -> list[Sandbox]:
        with self._lock:
            self.closing = True
            return list(self._live.values())
