"""Run every payload through a real executor, with traps on the host, and say what got out.

For each payload the host sets traps of its own: a TCP+UDP port on all addresses, a canary
directory holding a canary file with a fresh secret, and a fresh copy of the job's data file. The
worker's environment holds canary tokens (set by the caller). After the run, and again once the
whole batch is over (payloads that linger try to phone home seconds later), a payload is
*contained* when:

- its port got no connection and no datagram;
- its data file and canary directory are unchanged, and no payload-named file appeared on the host;
- no canary secret (environment or file) appears in the figure, summary, stdout or error text,
  and nothing printed the escape marker;
- the run ended within the timeout plus a margin, with a result, `CodeFailed` or `CodeTimedOut`;
- a normal chart run on the same executor succeeds after its category's payloads.

Problems are "host" (something reached the host or a secret) or "run" (a limit or the executor
misbehaved); a backend that does not claim to contain a category must still have no host ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from core.errors import CodeFailed, CodeTimedOut
from sandbox.executor import Executor, RunResult
from tests.security.listeners import HostListener
from tests.security.payloads import ESCAPE_MARKER, Payload, render

ProblemKind = Literal["host", "run"]

GOOD_CODE = """
totals = df.groupby("region", as_index=False)["revenue"].sum()
fig = px.bar(totals, x="region", y="revenue", title="Revenue by region")
summary = {"total": float(totals["revenue"].sum()), "regions": len(totals)}
"""
GOOD_SUMMARY = {"total": 4950.0, "regions": 4}

# Names payloads write to; none may appear in these host folders (the test's cwd is added).
STRAY_NAMES = ("planted.txt", "out.csv", "leak.txt", "chart.html", "cache.pkl", "evil.pkl")
STRAY_DIRS = ("/", "/etc", "/usr", "/tmp", "/dev/shm", "/job", "/sandbox")
LINGER_S = 5.0  # lingering payloads phone home after ~3 s


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    text: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.text}"


@dataclass
class Outcome:
    payload: Payload
    port: int
    elapsed_s: float = 0.0
    ended: str = ""  # "result", "CodeFailed", "CodeTimedOut", or another exception's name
    detail: str = ""  # what the worker got back, shortened, for the report
    problems: list[Problem] = field(default_factory=list)

    @property
    def contained(self) -> bool:
        return not self.problems

    @property
    def host_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "host"]

    def add(self, kind: ProblemKind, text: str) -> None:
        self.problems.append(Problem(kind, text))


@dataclass
class Batch:
    outcomes: dict[str, Outcome]  # by payload test id
    stray_files: list[str]
    worker_rss_growth_mb: float
    wall_s: float


@dataclass(frozen=True)
class _Trap:
    data_path: Path
    data_bytes: bytes
    data_mtime_ns: int
    canary_dir: Path
    canary_file: Path
    canary_secret: str


def write_sales_parquet(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "region": ["North", "South", "East", "West"] * 25,
            "revenue": [float(i) for i in range(100)],
        }
    ).to_parquet(path)
    path.chmod(0o644)  # readable by the sandbox user, so the Docker executor hard-links it
    return path


def host_addresses() -> list[str]:
    """127.0.0.1 and the docker0 bridge's address (the gateway containers would use)."""
    addresses = ["127.0.0.1"]
    try:
        import fcntl
        import socket
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            request = struct.pack("256s", b"docker0")
            reply = fcntl.ioctl(sock.fileno(), 0x8915, request)  # SIOCGIFADDR
        addresses.append(socket.inet_ntoa(reply[20:24]))
    except OSError:
        pass  # no docker0 here (the local executor's run); loopback still covers the host
    return addresses


def stray_files() -> set[str]:
    dirs = [*STRAY_DIRS, os.getcwd()]
    return {
        os.path.join(d, n) for d in dirs for n in STRAY_NAMES if os.path.lexists(os.path.join(d, n))
    }


async def run_batch(
    executor: Executor,
    payloads: Sequence[Payload],
    *,
    root: Path,
    env_secrets: Sequence[str],
    canary_env: str,
    timeout_s: float,
    margin_s: float,
    lanes: int,
) -> Batch:
    """Run `payloads` through `executor`, `lanes` at a time, one category per lane at a time.

    Each category's payloads run one after another, then a normal chart run checks that the
    executor still works. Returns every payload's `Outcome` once lingering payloads had time to
    phone home.
    """
    started = time.monotonic()
    strays_before = stray_files()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    addresses = ",".join(host_addresses())
    by_category: dict[str, list[Payload]] = {}
    for payload in payloads:
        by_category.setdefault(payload.category, []).append(payload)
    queue: asyncio.Queue[list[Payload]] = asyncio.Queue()
    for group in by_category.values():
        queue.put_nowait(group)

    with HostListener(count=len(payloads)) as listener:
        ports = dict(zip((p.test_id for p in payloads), listener.ports, strict=True))
        outcomes = {p.test_id: Outcome(p, ports[p.test_id]) for p in payloads}
        traps: dict[str, _Trap] = {}

        async def lane() -> None:
            while not queue.empty():
                group = queue.get_nowait()
                data_path = root / "data" / group[0].category / "data.parquet"
                for payload in group:
                    trap = _set_trap(root, payload, data_path)
                    traps[payload.test_id] = trap
                    code = render(
                        payload.code,
                        {
                            "{CANARY_FILE}": str(trap.canary_file),
                            "{CANARY_ENV}": canary_env,
                            "{HOST_IP}": addresses,
                            "{HOST_PORT}": str(ports[payload.test_id]),
                        },
                    )
                    outcome = outcomes[payload.test_id]
                    await _run_one(executor, code, trap, outcome, timeout_s + margin_s)
                    _check_secrets(outcome, [*env_secrets, trap.canary_secret])
                    _check_files(outcome, trap)
                await _follow_up(executor, data_path, [outcomes[p.test_id] for p in group])

        await asyncio.gather(*(lane() for _ in range(lanes)))
        await asyncio.sleep(LINGER_S)
        for test_id, outcome in outcomes.items():
            for hit in listener.hits_on(outcome.port):
                outcome.add("host", f"the host's port got a {hit.protocol} packet from {hit.peer}")
            _check_files(outcome, traps[test_id])  # again: lingering writers had time now

    strays = sorted(stray_files() - strays_before)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Batch(
        outcomes=outcomes,
        stray_files=strays,
        worker_rss_growth_mb=(rss_after - rss_before) / 1024,
        wall_s=time.monotonic() - started,
    )


def _set_trap(root: Path, payload: Payload, data_path: Path) -> _Trap:
    if not data_path.exists():
        write_sales_parquet(data_path)
    canary_dir = root / "canaries" / payload.category / payload.id
    canary_dir.mkdir(parents=True)
    secret = f"canary-file-{uuid.uuid4().hex}"
    canary_file = canary_dir / "secret.txt"
    canary_file.write_text(secret + "\n")
    return _Trap(
        data_path=data_path,
        data_bytes=data_path.read_bytes(),
        data_mtime_ns=data_path.stat().st_mtime_ns,
        canary_dir=canary_dir,
        canary_file=canary_file,
        canary_secret=secret,
    )


async def _run_one(
    executor: Executor, code: str, trap: _Trap, outcome: Outcome, limit_s: float
) -> None:
    started = time.monotonic()
    try:
        # A generous outer bound, so a hung executor fails this payload rather than the suite.
        async with asyncio.timeout(limit_s + 30):
            result = await executor.run(code, trap.data_path)
    except (CodeFailed, CodeTimedOut) as exc:
        outcome.ended = type(exc).__name__
        outcome.detail = _error_text(exc)
    except Exception as exc:
        outcome.ended = type(exc).__name__
        outcome.detail = _error_text(exc)
        outcome.add("run", f"the executor raised {type(exc).__name__}: {str(exc)[:300]}")
    else:
        outcome.ended = "result"
        outcome.detail = _result_text(result)
    outcome.elapsed_s = time.monotonic() - started
    if outcome.elapsed_s > limit_s:
        outcome.add("run", f"the run took {outcome.elapsed_s:.1f} s, over {limit_s:g} s")


async def _follow_up(executor: Executor, data_path: Path, group: list[Outcome]) -> None:
    """A normal chart right after the category's payloads must work, on untouched data. One
    time-out is forgiven and the chart run again: on a loaded machine a cold run can pass the
    limit on its own; something the payload left running would make the second one fail too."""
    try:
        try:
            result = await executor.run(GOOD_CODE, data_path)
        except CodeTimedOut:
            result = await executor.run(GOOD_CODE, data_path)
    except Exception as exc:
        for outcome in group:
            outcome.add("run", f"the next normal job failed: {type(exc).__name__}: {exc}"[:400])
        return
    if result.summary != GOOD_SUMMARY or result.figure["data"][0]["type"] != "bar":
        for outcome in group:
            outcome.add("run", f"the next normal job came back wrong: {result.summary}")


def _check_secrets(outcome: Outcome, secrets: Sequence[str]) -> None:
    for secret in secrets:
        if secret in outcome.detail:
            outcome.add("host", f"a canary secret came back to the worker: {secret[:16]}…")
    if ESCAPE_MARKER in outcome.detail:
        at = outcome.detail.index(ESCAPE_MARKER)
        outcome.add("host", f"the payload reported: {outcome.detail[at : at + 120]!r}")


def _check_files(outcome: Outcome, trap: _Trap) -> None:
    problems: list[str] = []
    if not trap.data_path.is_file():
        problems.append("the job's data file is gone")
    elif (
        trap.data_path.read_bytes() != trap.data_bytes
        or trap.data_path.stat().st_mtime_ns != trap.data_mtime_ns
    ):
        problems.append("the job's data file changed")
    extra = {p.name for p in trap.data_path.parent.iterdir()} - {trap.data_path.name}
    if extra:
        problems.append(f"new files beside the data file: {sorted(extra)}")
    canary = sorted(p.name for p in trap.canary_dir.iterdir())
    if canary != ["secret.txt"]:
        problems.append(f"the canary directory changed: {canary}")
    elif trap.canary_file.read_text() != trap.canary_secret + "\n":
        problems.append("the canary file was overwritten")
    for text in problems:
        if Problem("host", text) not in outcome.problems:
            outcome.add("host", text)


def _result_text(result: RunResult) -> str:
    return "\n".join([json.dumps(result.figure), json.dumps(result.summary), result.stdout])


def _error_text(exc: BaseException) -> str:
    return "\n".join([str(exc), str(getattr(exc, "detail", "")), repr(exc.__cause__)])
