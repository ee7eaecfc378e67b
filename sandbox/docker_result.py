"""What a finished sandbox container means: its exit, OOM flag and output become a result or error.

Pure: no Docker here. `DockerExecutor` collects an `Outcome` and calls `read_result`.

The container's stdout must be exactly one frame, `RESULT_MARKER + base64(result JSON) + "\\n"`,
written by the runner on its private copy of stdout. Anything else there (a second frame, a torn
one, stray bytes) means the chart code dug out that descriptor, and the run fails as garbled
rather than trusting either version.
"""

from __future__ import annotations

import base64
import binascii
import signal
from dataclasses import dataclass

from core.errors import CodeFailed, CodeTimedOut, SandboxUnavailable
from sandbox.executor import RunResult, result_from_json
from sandbox.runner import RESULT_MARKER

BUILD_HINT = "Build the sandbox image with `scripts/build-sandbox-image.sh`."
_STDERR_TAIL_CHARS = 2000


@dataclass
class Outcome:
    status: int | None  # exit status; None: still running at the deadline (killed)
    oom_killed: bool = False
    stdout: bytes = b""
    stderr: bytes = b""  # only read when there is no result, for the error message


def read_result(
    outcome: Outcome, *, timeout_s: float, cpu_s: int, memory_mb: int, max_result_bytes: int
) -> RunResult:
    """The run's result, or the error that explains why there is none.

    Raises:
        CodeTimedOut: wall clock (`status` None) or CPU limit (SIGXCPU).
        CodeFailed: the code raised, ran out of memory, was killed, garbled or left no result.
        SandboxUnavailable: the image's runner does not understand the executor's arguments.
    """
    if outcome.status is None:
        raise CodeTimedOut(timeout_s)
    payload = _payload(outcome.stdout, max_result_bytes)
    if payload is not None:
        return result_from_json(payload)
    if outcome.oom_killed:
        raise CodeFailed(
            f"the chart code needed more than the sandbox's {memory_mb:,} MB of memory and was "
            "stopped; aggregate or sample the data before plotting"
        )
    if outcome.stdout:
        raise CodeFailed(
            "the sandbox's result was garbled: something other than the runner wrote to its "
            "result channel"
        )
    err = outcome.stderr.decode("utf-8", "replace").strip()[-_STDERR_TAIL_CHARS:]
    if outcome.status == 128 + signal.SIGXCPU:
        raise CodeTimedOut(cpu_s)
    if outcome.status == 2 and "runner.py: error" in err:
        raise SandboxUnavailable(f"the sandbox image's runner is out of date ({err}). {BUILD_HINT}")
    if outcome.status == 128 + signal.SIGKILL:
        raise CodeFailed(f"the chart code was killed (CPU limit {cpu_s} s). {err}".strip())
    raise CodeFailed(
        f"the chart code ended the sandbox without a result (exit status {outcome.status})"
        + (f": {err}" if err else "")
    )


def _payload(stdout: bytes, max_result_bytes: int) -> bytes | None:
    """The result JSON from a single well-formed frame, or None."""
    if not stdout.startswith(RESULT_MARKER) or not stdout.endswith(b"\n"):
        return None
    if stdout.count(b"\n") != 1:
        return None
    try:
        payload = base64.b64decode(stdout[len(RESULT_MARKER) : -1], validate=True)
    except binascii.Error:
        return None
    if len(payload) > max_result_bytes:
        raise CodeFailed(
            f"the chart code's result passed {max_result_bytes:,} bytes (the sandbox's output "
            "limit); aggregate the data before plotting"
        )
    return payload
