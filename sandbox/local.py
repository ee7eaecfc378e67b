"""`LocalExecutor`: chart code in a bubblewrap sandbox on this machine, for hosts without Docker.

Each run is a fresh child process tree, never the worker's own process:

    worker ─(asyncio subprocess)─▶ bwrap (own session) ─▶ python -I runner.py  (uid 65534, no caps)

- namespaces: user, pid, net, ipc, uts, cgroup and mount (`--unshare-all`); no network at all,
  not even the host's loopback; `--die-with-parent`, `--new-session` (no TTY injection);
- filesystem: an empty read-only root with only /usr, the Python install and its site-packages
  bound read-only, the job's Parquet read-only at /sandbox/data.parquet, a small tmpfs /tmp;
- environment: empty (`--clearenv`) plus a handful of harmless variables; no token, key or URL
  of the worker's can reach the code;
- limits: CPU seconds, address space, file size and open files as rlimits (set by the runner
  before it imports pandas), no new processes (seccomp, see `sandbox.seccomp`), and a wall-clock
  timeout enforced from here by killing the whole process group.

The result comes back on a dedicated pipe, not stdout (see `sandbox/runner.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from core.errors import CodeFailed, CodeTimedOut, SandboxUnavailable
from sandbox import seccomp
from sandbox.bubblewrap import jail_args
from sandbox.executor import RunResult, result_from_json

RUNNER_PATH = Path(__file__).with_name("runner.py")
SANDBOX_RUNNER = "/sandbox/runner.py"
SANDBOX_DATA = "/sandbox/data.parquet"

INSTALL_HINT = (
    "Install bubblewrap (`apt-get install bubblewrap` on Debian/Ubuntu) or set "
    "SANDBOX_BACKEND to a backend that works on this machine."
)
_STDERR_TAIL_BYTES = 8 * 1024
_READ_CHUNK = 64 * 1024


class LocalExecutor:
    """Runs chart code in a bubblewrap sandbox (see the module docstring for what it isolates).

    Args:
        timeout_s: wall-clock limit for a whole run, interpreter start-up included.
        cpu_s: CPU-seconds limit (RLIMIT_CPU) of the sandboxed interpreter.
        memory_mb: address-space limit (RLIMIT_AS); pandas and plotly need ~600 MB of it.
        max_output_bytes: largest figure JSON the code may return.
        max_stdout_bytes: how much of the code's printed output is kept.
        tmp_mb: size of the sandbox's writable /tmp, and the largest file it may write.
        bwrap_path: the bubblewrap binary; found on PATH when None.
        python: the interpreter to run inside; this process's own when None. Its install and
            site-packages are bound read-only into the sandbox.
    """

    name = "local"

    def __init__(
        self,
        *,
        timeout_s: float,
        cpu_s: int,
        memory_mb: int,
        max_output_bytes: int,
        max_stdout_bytes: int = 64 * 1024,
        tmp_mb: int = 64,
        bwrap_path: str | None = None,
        python: str | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.cpu_s = cpu_s
        self.memory_mb = memory_mb
        self.max_output_bytes = max_output_bytes
        self.max_stdout_bytes = max_stdout_bytes
        self.tmp_mb = tmp_mb
        self._bwrap_path = bwrap_path
        self._python = python or sys.executable
        # The result carries the figure plus stdout, summary and JSON framing.
        self._max_result_bytes = max_output_bytes + 2 * max_stdout_bytes + 256 * 1024
        self._running: set[asyncio.subprocess.Process] = set()

    async def run(self, code: str, data_path: Path) -> RunResult:
        """Run `code` against the Parquet at `data_path` and return its figure and summary.

        Raises:
            CodeFailed: the code raised, left no `fig`, or broke a limit other than time.
            CodeTimedOut: the run passed `timeout_s` (wall clock) or `cpu_s` (CPU).
            SandboxUnavailable: bubblewrap is missing or could not build the sandbox.
        """
        data = await asyncio.to_thread(data_path.resolve)
        if not await asyncio.to_thread(data.is_file):
            raise SandboxUnavailable(f"the job's data file {data} does not exist")
        argv = self._argv(data)
        outcome = await self._spawn_and_wait(argv, code)
        return self._result(*outcome)

    async def start(self) -> None:
        """Nothing to start ahead of time (each run is a fresh process); here for a uniform API."""

    async def check(self) -> None:
        """Start an empty sandbox once; raises `SandboxUnavailable` if that can't be done.

        Meant for worker start-up, so a broken host fails loudly before the first job.
        """
        argv = [*self._bwrap_args(), self._python, "-I", "-c", "pass"]
        proc = await self._exec(argv, pass_fds=())
        _, stderr = await proc.communicate()
        if proc.returncode != 0:
            raise SandboxUnavailable(
                f"bubblewrap could not start a sandbox (exit {proc.returncode}): "
                f"{stderr.decode(errors='replace').strip()}. {INSTALL_HINT}"
            )

    async def aclose(self) -> None:
        """Kill any sandbox still running (a worker shutting down mid-job)."""
        for proc in list(self._running):
            _kill_group(proc)
            await proc.wait()

    # -- building the sandbox ----------------------------------------------------------------

    def _bwrap(self) -> str:
        path = self._bwrap_path or shutil.which("bwrap")
        if path is None or not Path(path).is_file():
            raise SandboxUnavailable(f"bubblewrap (`bwrap`) was not found. {INSTALL_HINT}")
        return path

    def _bwrap_args(self) -> list[str]:
        return jail_args(self._bwrap(), python=self._python, tmp_mb=self.tmp_mb)

    def _argv(self, data: Path) -> list[str]:
        return [
            *self._bwrap_args(),
            "--ro-bind",
            str(RUNNER_PATH),
            SANDBOX_RUNNER,
            "--ro-bind",
            str(data),
            SANDBOX_DATA,
            # The root bwrap builds is a writable tmpfs; freeze it now that the binds are in.
            "--remount-ro",
            "/",
        ]

    def _runner_args(self, result_fd: int) -> list[str]:
        return [
            self._python,
            "-I",  # no PYTHON* variables, no user site, no script dir on sys.path
            "-B",
            SANDBOX_RUNNER,
            "--result-fd",
            str(result_fd),
            "--data",
            SANDBOX_DATA,
            "--max-figure-bytes",
            str(self.max_output_bytes),
            "--max-stdout-bytes",
            str(self.max_stdout_bytes),
            "--cpu-s",
            str(self.cpu_s),
            "--memory-mb",
            str(self.memory_mb),
            "--max-file-bytes",
            str(self.tmp_mb * 1024 * 1024),
        ]

    # -- running it -----------------------------------------------------------------------------

    async def _exec(
        self, argv: list[str], *, pass_fds: tuple[int, ...]
    ) -> asyncio.subprocess.Process:
        try:
            return await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=pass_fds,
                start_new_session=True,  # its own process group, so a timeout kills it all
                env={},  # bwrap itself needs no environment; --clearenv covers the child
            )
        except OSError as exc:
            raise SandboxUnavailable(f"could not start bubblewrap: {exc}. {INSTALL_HINT}") from exc

    async def _spawn_and_wait(self, argv: list[str], code: str) -> tuple[int, bytes | None, bytes]:
        """Run the sandbox; return (exit status, result bytes or None if too big, stderr tail)."""
        result_r, result_w = os.pipe()
        pass_fds = [result_w]
        if seccomp.supported():
            # The filter is a few hundred bytes: it fits in the pipe buffer, so write it now.
            filter_r, filter_w = os.pipe()
            os.write(filter_w, seccomp.no_fork_filter())
            os.close(filter_w)
            pass_fds.append(filter_r)
            argv = [*argv, "--seccomp", str(filter_r)]
        argv = [*argv, *self._runner_args(result_w)]
        try:
            proc = await self._exec(argv, pass_fds=tuple(pass_fds))
        except BaseException:
            os.close(result_r)
            raise
        finally:
            for fd in pass_fds:  # the child holds its own copies now
                os.close(fd)

        self._running.add(proc)
        result_pipe = os.fdopen(result_r, "rb", buffering=0)
        try:
            async with asyncio.timeout(self.timeout_s):
                payload, stderr, _ = await asyncio.gather(
                    self._read_result(result_pipe, proc),
                    _tail(proc.stderr, _STDERR_TAIL_BYTES),
                    _feed(proc.stdin, code.encode()),
                )
                returncode = await proc.wait()
        except TimeoutError:
            raise CodeTimedOut(self.timeout_s) from None
        finally:
            if proc.returncode is None:
                _kill_group(proc)
                await proc.wait()
            self._running.discard(proc)
            result_pipe.close()
        return returncode, payload, stderr

    async def _read_result(self, pipe: Any, proc: asyncio.subprocess.Process) -> bytes | None:
        """Read the result channel to EOF; None when it passed the size limit."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_READ_CHUNK)
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), pipe
        )
        try:
            chunks: list[bytes] = []
            size = 0
            while chunk := await reader.read(_READ_CHUNK):
                size += len(chunk)
                if size > self._max_result_bytes:
                    # Stop the child, but keep draining so the other readers end cleanly.
                    _kill_group(proc)
                    chunks = []
                    continue
                chunks.append(chunk)
            return b"".join(chunks) if size <= self._max_result_bytes else None
        finally:
            transport.close()

    def _result(self, returncode: int, payload: bytes | None, stderr: bytes) -> RunResult:
        err = stderr.decode("utf-8", "replace").strip()
        if payload is None:
            raise CodeFailed(
                f"the chart code's result passed {self._max_result_bytes:,} bytes "
                "(the sandbox's output limit); aggregate the data before plotting"
            )
        if not payload:
            if err.startswith("bwrap:"):
                raise SandboxUnavailable(f"bubblewrap could not build the sandbox: {err}")
            if returncode in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
                raise CodeTimedOut(self.cpu_s)
            if returncode in (-signal.SIGKILL, 128 + signal.SIGKILL):
                raise CodeFailed(
                    f"the chart code was killed (CPU limit {self.cpu_s} s or memory limit "
                    f"{self.memory_mb} MB). {err[-2000:]}".strip()
                )
            raise CodeFailed(
                f"the chart code ended the sandbox without a result (exit status {returncode})"
                + (f": {err[-2000:]}" if err else "")
            )
        return result_from_json(payload)


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    # bwrap leads its own process group; its sandboxed children die with it (--die-with-parent,
    # and the pid namespace ends when its init goes).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


async def _tail(stream: asyncio.StreamReader | None, limit: int) -> bytes:
    """Drain a stream to EOF, keeping only its last `limit` bytes."""
    if stream is None:
        return b""
    kept = b""
    while chunk := await stream.read(_READ_CHUNK):
        kept = (kept + chunk)[-limit:]
    return kept


async def _feed(stream: asyncio.StreamWriter | None, data: bytes) -> None:
    if stream is None:
        return
    try:
        stream.write(data)
        await stream.drain()
        stream.close()
    except (BrokenPipeError, ConnectionResetError):
        # The child went away before reading its code; its exit status and stderr explain why.
        return
