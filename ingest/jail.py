"""Ingest an untrusted file in a child process with memory, CPU and time limits.

    worker (asyncio) ──fork──▶ child: setrlimit(AS, CPU) ─▶ read ─▶ normalize ─▶ Parquet ─▶ profile
          ▲  ◀──── pipe: ("rows", n)…, then done / user_error / failed ────┘
          └── watches the child's resident memory; kills it past the limit or the deadline

Children are forked from a multiprocessing fork server that has already imported pandas, pyarrow
and openpyxl, so starting one costs milliseconds, not the second a fresh interpreter would.

Why these limits: resident memory is what a bomb exhausts, so the parent reads the child's RSS
from /proc every few milliseconds and kills it past `memory_mb`. RLIMIT_AS alone would refuse
honest big files early (Arrow and glibc reserve address space they never touch: +2.3 GB virtual
for 1.4 GB resident on a 10M-row CSV), so the child sets it to twice the memory limit above what
it already maps, which stops a single enormous allocation at once. RLIMIT_CPU ends a child that
computes too long; the wall-clock deadline ends one that waits. cgroups would be the other way,
but the worker may not own a cgroup (this machine runs cgroup v1 under someone else's).
A killed child leaves nothing: it is reaped, and its partial Parquet and scratch files removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Awaitable, Callable
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import core.errors as errors
from core.errors import FileTooDemanding, UnparseableFile, UserError
from core.logs import get_logger
from ingest import child
from ingest.detect import detect_kind
from ingest.limits import IngestLimits
from ingest.load import MEMORY_REASON, PARQUET_NAME, IngestedData, check_size
from ingest.profile import DataProfile
from ingest.table import KIND_LABELS

log = get_logger(__name__)

RowsProgress = Callable[[int], Awaitable[None]]
WATCH_INTERVAL_S = 0.02
PROGRESS_INTERVAL_S = 1.0  # at most one progress report a second
# "__main__": the server imports the program's main module once; otherwise multiprocessing would
# import it again in every child (for the worker, bot.py and all it imports: ~0.5 s per file).
_PRELOAD = ["__main__", "ingest.child", "ingest.warm"]
# Terminal sizes (COLUMNS, LINES) may be set by C libraries behind os.environ's back: harmless.
CHILD_ENVIRONMENT = frozenset(
    {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "COLUMNS", "LINES"}
)
_context: ForkServerContext | None = None


def fork_context() -> ForkServerContext:
    """The fork server context, its server running and preloading the ingest code."""
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _context = context
    _ensure_server()
    return _context


def _ensure_server() -> None:
    """Start the fork server (or restart it, if it died) with an environment that holds no
    secrets: children parsing hostile files inherit it, /proc/self/environ included. The
    worker's own environment is put back at once; its settings were read long before."""
    saved = dict(os.environ)
    try:
        for key in list(os.environ):
            if key not in CHILD_ENVIRONMENT:
                del os.environ[key]
        forkserver.ensure_running()
    finally:
        os.environ.clear()
        os.environ.update(saved)


async def start_ingest_server() -> None:
    """Start the fork server and let it import the ingest code now (about a second), so the
    first file a worker reads doesn't wait for it."""
    process = fork_context().Process(target=child.ready, name="chartroom-ingest-warmup")
    process.start()
    await asyncio.to_thread(process.join, 60)
    await _reap(process)


async def ingest_in_child(
    path: Path,
    file_name: str,
    workdir: Path,
    limits: IngestLimits,
    *,
    sheet: str | int | None = None,
    progress: RowsProgress | None = None,
) -> IngestedData:
    """Ingest `path` in a jailed child process; see `ingest.load.ingest_file` for the result.

    Args:
        sheet: for workbooks, the sheet to read (a name, any case, or a 1-based number).
        progress: awaited with the number of rows read so far, at most once a second.

    Raises:
        UserError: what is wrong with the file, including `FileTooDemanding` when the child hit
            its memory, CPU or time limit.
    """
    check_size(path, file_name, limits)  # before anything else starts
    workdir.mkdir(parents=True, exist_ok=True)
    context = fork_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=child.run,
        args=(sender, str(path), file_name, str(workdir), limits, sheet),
        name="chartroom-ingest",
        daemon=True,
    )
    done = False
    try:
        process.start()
        sender.close()
        message = await _follow(process, receiver, file_name, limits, progress)
        result = _outcome(message, path, file_name)
        done = True
        return result
    finally:
        receiver.close()
        await _reap(process)
        if not done:
            _remove_outputs(workdir)


async def _follow(
    process: BaseProcess,
    receiver: Connection,
    file_name: str,
    limits: IngestLimits,
    progress: RowsProgress | None,
) -> tuple[Any, ...]:
    """Relay progress until the child's last message; kill it past a limit."""
    deadline = time.monotonic() + limits.timeout_s
    memory_bytes = limits.memory_mb * 1024 * 1024
    reported_at = 0.0
    while True:
        while receiver.poll():
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                return _death(process, file_name, limits)
            if message[0] != "rows":
                return tuple(message)
            now = time.monotonic()
            if progress is not None and now - reported_at >= PROGRESS_INTERVAL_S:
                reported_at = now
                await progress(int(message[1]))
        if not process.is_alive():
            if receiver.poll():
                continue  # its last message arrived as it exited
            return _death(process, file_name, limits)
        if _resident_bytes(process.pid) > memory_bytes:
            _kill(process)
            log.warning("ingest child over its memory limit", file=file_name)
            raise FileTooDemanding(file_name, f"{MEMORY_REASON} ({limits.memory_mb:,} MB)")
        if time.monotonic() > deadline:
            _kill(process)
            log.warning("ingest child past its deadline", file=file_name)
            raise FileTooDemanding(
                file_name, f"reading it took longer than {limits.timeout_s:g} seconds"
            )
        await asyncio.sleep(WATCH_INTERVAL_S)


def _death(process: BaseProcess, file_name: str, limits: IngestLimits) -> tuple[Any, ...]:
    """The child ended without a final message: say why in the person's words."""
    process.join(1)
    code = process.exitcode
    log.warning("ingest child died", file=file_name, exitcode=code)
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise FileTooDemanding(
            file_name, f"reading it needed more than {limits.cpu_s:,} seconds of processing"
        )
    return ("crashed", code)


def _outcome(message: tuple[Any, ...], path: Path, file_name: str) -> IngestedData:
    kind = message[0]
    if kind == "done":
        profile = DataProfile.model_validate_json(message[2])
        return IngestedData(
            Path(message[1]), profile, peak_rss_bytes=int(message[3]), cpu_s=float(message[4])
        )
    if kind == "user_error":
        raise _user_error(str(message[1]), str(message[2]))
    label = _kind_label(path, file_name)
    if kind == "crashed":
        # A parser that dies outright (a signal) on a file: a damaged or hostile file, or an
        # allocation past the address-space limit that a C library could not survive.
        raise UnparseableFile(
            file_name,
            label,
            "the reader crashed on it; it may be damaged, or need more memory "
            "to unpack than I may use for one file",
        )
    log.error("ingest child failed", file=file_name, error=message[1])
    raise RuntimeError(f"ingest child failed: {message[1]}")


def _user_error(class_name: str, user_message: str) -> UserError:
    """The child's `UserError`, as the same class, carrying the same message."""
    cls = getattr(errors, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, UserError)):
        return UserError(user_message)
    error: UserError = cls.__new__(cls)
    UserError.__init__(error, user_message)
    return error


def _kind_label(path: Path, file_name: str) -> str:
    try:
        return KIND_LABELS.get(detect_kind(path, file_name), "a data file")
    except UserError:
        return "a data file"


def _resident_bytes(pid: int | None) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _kill(process: BaseProcess) -> None:
    with contextlib.suppress(ProcessLookupError, AttributeError):
        process.kill()


async def _reap(process: BaseProcess) -> None:
    """Make sure the child is gone (killed if still running) and reaped."""
    if process.pid is None:
        return
    if process.is_alive():
        _kill(process)
    for _ in range(250):
        if not process.is_alive():
            break
        await asyncio.sleep(WATCH_INTERVAL_S)
    process.join(0.1)
    if process.exitcode is not None:
        process.close()


def _remove_outputs(workdir: Path) -> None:
    """A killed child's partial Parquet and scratch folders."""
    (workdir / PARQUET_NAME).unlink(missing_ok=True)
    for scratch in workdir.glob("ingest-*"):
        shutil.rmtree(scratch, ignore_errors=True)
