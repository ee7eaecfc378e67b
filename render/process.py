"""`RendererProcess`: the worker's `Renderer`, rendering in a long-lived jailed process.

    worker ─(pipes, render.protocol)─▶ bwrap (own process group) ─▶ python -m render.server
                                                                     └─▶ Chromium (kept warm)

The figure JSON was shaped by generated code and uploaded data, and Chromium runs with its own
sandbox off, so Chromium lives in a process that holds none of the worker's tokens or keys and
has no network (see `render.jail` for what it can see). The worker checks every figure against
`render.limits` before sending it, serialises calls with a lock, and bounds each with a
timeout. After a timeout, a crash, or every `max_renders` images, the whole process tree is
killed and a fresh one starts on the next call; when the tree holds more than `max_memory_mb`
after an image (measured in the background, off the answer's path) it is replaced at once. A
render that meets a process which has just died is retried once on a fresh one. Every failure
is a `RenderFailed`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import json
import logging
import os
import signal
import sys
from typing import Any

from core import metrics
from core.errors import RenderFailed
from render import protocol
from render.jail import find_bwrap, jail_command
from render.limits import DEFAULT_LIMITS, FigureLimits, check_figure, check_size
from render.memory import tree_memory_mb

logger = logging.getLogger(__name__)

# Environment of bwrap itself. Not only hygiene: the jail's pid 1 is a fork of bwrap, and its
# /proc/1/environ is readable from inside, so the worker's own environment must not reach bwrap.
_BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
# Not imported from render.kaleido_renderer: the worker has no use for Kaleido or choreographer.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CLOSE_TIMEOUT_S = 10.0
_STDERR_TAIL_LINES = 12
_STDERR_CHUNK = 64 * 1024
_GONE = (asyncio.IncompleteReadError, BrokenPipeError, ConnectionResetError)


class RendererProcess:
    """Renders figure JSON to PNG in a jailed renderer process; one process, kept warm.

    Args:
        timeout_s: limit for one image, and separately for starting the process (Python and
            Chromium); past it the call raises `RenderFailed` and the process is killed.
        max_renders: restart the process after this many images, to bound leaks.
        max_memory_mb: restart it (and warm a new one) when the tree's memory (PSS, see
            `render.memory`) is over this after an image; None: no ceiling.
        limits: what a figure and an image size may ask for (see `render.limits`); checked
            here before a figure is sent, and again inside the process.
        bwrap_path: the bubblewrap binary; found on PATH when None.
    """

    def __init__(
        self,
        *,
        timeout_s: float,
        max_renders: int = 500,
        max_memory_mb: int | None = None,
        limits: FigureLimits = DEFAULT_LIMITS,
        bwrap_path: str | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_renders = max_renders
        self.max_memory_mb = max_memory_mb
        self.last_memory_mb: float | None = None  # the tree's memory after the latest check
        self.memory_restarts = 0
        self._memory_check: asyncio.Task[None] | None = None
        self.limits = limits
        self._bwrap_path = bwrap_path
        self._proc: asyncio.subprocess.Process | None = None
        self._stderr_pump: asyncio.Task[None] | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=_STDERR_TAIL_LINES)
        self._renders = 0
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        """Host pid of the jail's bwrap (which leads the process group), if a process is up."""
        proc = self._proc
        return None if proc is None or proc.returncode is not None else proc.pid

    async def start(self) -> None:
        """Start the process and its Chromium now rather than on the first render."""
        async with self._lock:
            await self._ensure_process()

    async def png(self, figure: dict[str, Any], *, width: int, height: int, scale: float) -> bytes:
        """Render `figure` (Plotly figure JSON) as PNG bytes of `width`x`height` CSS px × `scale`.

        Raises `RenderFailed` if the figure is over the limits (before it is sent), plotly.js
        rejects it, the process or Chromium fails, or the render takes longer than `timeout_s`.
        """
        check_size(width, height, scale, self.limits)
        check_figure(figure, self.limits)
        request = protocol.encode(
            {"op": "png", "width": width, "height": height, "scale": scale},
            json.dumps(figure, allow_nan=False).encode("utf-8"),
        )
        async with self._lock:
            header, image = await self._request(request)
            if header.get("ok") is True:
                self._renders += 1
                if self._renders >= self.max_renders:
                    metrics.RENDERER_RESTARTS.labels(reason="recycled").inc()
                    await self._stop(f"recycling after {self._renders} renders")
                else:
                    self._check_memory_soon()
        if header.get("ok") is not True:
            raise RenderFailed(str(header.get("error") or "the renderer gave no reason"))
        if not image.startswith(PNG_SIGNATURE):
            raise RenderFailed("the renderer process returned something other than a PNG image")
        return image

    def _check_memory_soon(self) -> None:
        """Measure the tree in the background (a /proc walk takes tens of ms under load)."""
        pid = self.pid
        busy = self._memory_check is not None and not self._memory_check.done()
        if self.max_memory_mb is None or pid is None or busy:
            return
        self._memory_check = asyncio.create_task(self._check_memory(pid, self.max_memory_mb))

    async def _check_memory(self, pid: int, ceiling_mb: int) -> None:
        used = await asyncio.to_thread(tree_memory_mb, pid)
        self.last_memory_mb = used
        if used <= ceiling_mb:
            return
        async with self._lock:
            if self.pid != pid:  # already replaced meanwhile
                return
            self.memory_restarts += 1
            metrics.RENDERER_RESTARTS.labels(reason="memory").inc()
            await self._stop(f"holding {used:.0f} MB, over the ceiling of {ceiling_mb} MB")
            try:  # warm the next one now, so the next chart does not wait for Chromium
                await self._ensure_process()
            except RenderFailed:
                logger.warning("renderer did not restart after its memory ceiling", exc_info=True)

    async def aclose(self) -> None:
        """Stop the process: end of input first, so Chromium closes cleanly; then a kill."""
        check, self._memory_check = self._memory_check, None
        if check is not None:
            check.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await check
        async with self._lock:
            await self._stop("renderer closed", graceful=True)

    async def _request(self, request: bytes) -> tuple[dict[str, Any], bytes]:
        # A process that died since the last call (crash, OOM kill) may not have been noticed
        # yet; writing to it or reading from it then fails at once. That gets one retry.
        for attempt in (1, 2):
            proc = await self._ensure_process()
            try:
                async with asyncio.timeout(self.timeout_s):
                    return await self._exchange(proc, request)
            except TimeoutError:
                metrics.RENDERER_RESTARTS.labels(reason="timeout").inc()
                await self._stop("render timed out")
                raise RenderFailed(
                    f"rendering took longer than {self.timeout_s:g} s; the renderer process "
                    "was restarted"
                ) from None
            except _GONE as exc:
                metrics.RENDERER_RESTARTS.labels(reason="died").inc()
                reason = await self._stop("process died during a render")
                if attempt == 2:
                    raise RenderFailed(
                        f"the renderer process died while rendering: {reason}"
                    ) from exc
                logger.warning("renderer process was gone (%s); retrying on a fresh one", reason)
            except protocol.ProtocolError as exc:
                await self._stop(f"garbled reply: {exc}")
                raise RenderFailed(f"the renderer process sent a garbled reply: {exc}") from exc
        raise AssertionError("unreachable")

    async def _exchange(
        self, proc: asyncio.subprocess.Process, request: bytes
    ) -> tuple[dict[str, Any], bytes]:
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(request)
        await proc.stdin.drain()
        prefix = await proc.stdout.readexactly(protocol.PREFIX.size)
        header_len, payload_len = protocol.lengths(
            prefix, max_payload_bytes=protocol.MAX_REPLY_BYTES
        )
        header = protocol.decode_header(await proc.stdout.readexactly(header_len))
        return header, await proc.stdout.readexactly(payload_len)

    async def _ensure_process(self) -> asyncio.subprocess.Process:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            return proc
        if proc is not None:
            await self._stop("process exited")
        proc = await self._spawn()
        try:
            # The first ping returns once Chromium is up: start-up is over when it answers.
            async with asyncio.timeout(self.timeout_s):
                header, _ = await self._exchange(proc, protocol.encode({"op": "ping"}))
        except TimeoutError:
            await self._stop("start timed out")
            raise RenderFailed(
                f"the renderer process did not start within {self.timeout_s:g} s"
            ) from None
        except (*_GONE, protocol.ProtocolError) as exc:
            reason = await self._stop("start failed")
            raise RenderFailed(f"the renderer process failed to start: {reason}") from exc
        if header.get("ok") is not True:
            await self._stop("start failed")
            raise RenderFailed(str(header.get("error") or "the renderer process failed to start"))
        self._renders = 0
        logger.info("renderer process %d started", proc.pid)
        return proc

    async def _spawn(self) -> asyncio.subprocess.Process:
        bwrap = find_bwrap(self._bwrap_path)
        argv = [
            "-m", "render.server",
            "--timeout-s", str(self.timeout_s),
            "--max-renders", str(self.max_renders),
            "--limits", json.dumps(dataclasses.asdict(self.limits)),
        ]  # fmt: skip
        self._stderr_tail.clear()
        try:
            proc = await asyncio.create_subprocess_exec(
                *jail_command(argv, bwrap=bwrap, python=sys.executable),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=_BWRAP_ENV,
                start_new_session=True,  # bwrap leads a process group we can kill whole
            )
        except OSError as exc:
            raise RenderFailed(f"could not start the renderer process: {exc}") from exc
        self._proc = proc
        assert proc.stderr is not None
        self._stderr_pump = asyncio.create_task(self._pump_stderr(proc.stderr, proc.pid))
        return proc

    async def _pump_stderr(self, stream: asyncio.StreamReader, pid: int) -> None:
        """Forward the process's stderr to our log, keeping the last lines for error messages."""
        pending = b""
        while chunk := await stream.read(_STDERR_CHUNK):
            *lines, pending = (pending + chunk).split(b"\n")
            for raw in lines:
                self._log_line(raw, pid)
            pending = pending[-_STDERR_CHUNK:]
        if pending:
            self._log_line(pending, pid)

    def _log_line(self, raw: bytes, pid: int) -> None:
        line = raw.decode("utf-8", "replace").rstrip()[:2000]
        if line:
            self._stderr_tail.append(line)
            logger.debug("renderer[%d]: %s", pid, line)

    async def _stop(self, reason: str, *, graceful: bool = False) -> str:
        """Kill the current process tree; return how it ended, with its last stderr lines."""
        proc, self._proc = self._proc, None
        if proc is None:
            return "no process was running"
        logger.info("stopping renderer process %d: %s", proc.pid, reason)
        if graceful and proc.returncode is None and proc.stdin is not None:
            proc.stdin.close()  # end of input: the server closes Chromium and exits
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), _CLOSE_TIMEOUT_S)
        if proc.returncode is None:
            # Killing bwrap kills the jail's pid 1 (--die-with-parent), and with it every
            # process in the jail's pid namespace, Chromium included.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        code = await proc.wait()
        pump, self._stderr_pump = self._stderr_pump, None
        if pump is not None:
            try:
                await asyncio.wait_for(pump, _CLOSE_TIMEOUT_S)
            except TimeoutError:
                logger.warning("renderer process %d kept its stderr open", proc.pid)
        tail = " | ".join(self._stderr_tail) or "no output"
        return f"exit code {code}; last output: {tail}"
